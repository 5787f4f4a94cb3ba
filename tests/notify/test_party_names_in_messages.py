"""No message in Arabic, Chinese, French, Russian or Spanish names a Party in English.

Every one of the sample's 189 Parties is made the reviewed Party of a review (reviewed by
two others), and every notice template and the monthly summary are rendered for its focal
point and its permanent mission in the five other languages, through the same context
builders the sweep and the digest use. The store holds the English names (as the sample
and RevMod exports do); none may reach the message, except where the language itself
writes the name the same way (Canada in French, Chile in Spanish), which the test checks
against the language's own entry.
"""

from __future__ import annotations

import json
import re
from datetime import date
from types import SimpleNamespace as NS

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.notify.context import digest_context, notice_context
from untoc_workflow.notify.recipients import Recipient
from untoc_workflow.notify.templates import DIGEST_TEMPLATE, Templates
from untoc_workflow.wording import words as wording

from .conftest import BUNDLED_DEFS

TEMPLATES = Templates(BUNDLED_DEFS / "templates")
RUNG_TEMPLATES = sorted({r.template for s in load_process().steps for r in s.ladder})
PARTIES = json.loads(
    (BUNDLED_DEFS.parent / "sample" / "mechanism.json").read_text(encoding="utf-8")
)["parties"]
STORE = {p["code"]: NS(name=p["name"]) for p in PARTIES}
CODES = [p["code"] for p in PARTIES]


def _recipients(code: str) -> list[Recipient]:
    english = STORE[code].name
    fallback = (NS(party=code, reason="no_focal_point", instead_of="waiting.focal_point"),)
    return [
        Recipient(
            email="fp@example.org",
            name="A. Person",
            role="waiting.focal_point",
            kind="focal_point",
            party=code,
            party_name=english,
        ),
        Recipient(
            email="mission@example.org",
            name=english,
            role="waiting.mission",
            kind="mission",
            party=code,
            party_name=english,
            fallback=fallback,  # type: ignore[arg-type]
        ),
    ]


def _messages(code: str, reviewers: tuple[str, str], language: str) -> list[str]:
    state = NS(
        review=f"C1-G1-{code}",
        cluster=1,
        group=1,
        reviewed=code,
        reviewers=reviewers,
        stage="questionnaire",
    )
    notice = NS(
        key=f"C1-G1-{code}/saq/overdue/0/2024-03-01",
        as_of=date(2024, 4, 16),
        step="saq",
        rung="overdue",
        occurrence=0,
        deadline=NS(due=date(2024, 3, 1), source="agreed", basis=None, decision=None),
        days_overdue=46,
        caught_up=False,
        due_on=date(2024, 4, 16),
        waiting_for=(code, *reviewers),
    )
    out = []
    recipients = _recipients(code)
    for recipient in recipients:
        others = [r for r in recipients if r is not recipient]
        ctx = notice_context(
            notice=notice,
            state=state,
            parties=STORE,
            step_titles={},
            recipient=recipient,
            others=others,
            language=language,
            secretariat=NS(name="UNODC", email="untoc.review@example.org"),
        )
        for name in RUNG_TEMPLATES:
            r = TEMPLATES.render(name, language, ctx)
            out += [r.subject, r.text, r.html]
        digest = digest_context(
            as_of=date(2024, 4, 16),
            recipient=recipient,
            reviews=[],
            language=language,
            secretariat=NS(name="UNODC", email="untoc.review@example.org"),
            reference=f"digest/2024-04/{code}",
        )
        r = TEMPLATES.render(DIGEST_TEMPLATE, language, digest)
        out += [r.subject, r.text, r.html]
    return out


def _allowed(code: str, language: str) -> bool:
    """The language writes this Party's name exactly as English does (its own entry)."""
    return wording.party_name(code, language) == STORE[code].name


@pytest.mark.parametrize("language", ["ar", "zh", "fr", "ru", "es"])
def test_no_message_names_a_party_in_english(language):
    leaks = []
    for i, code in enumerate(CODES):
        reviewers = (CODES[(i + 1) % len(CODES)], CODES[(i + 2) % len(CODES)])
        text = "\n".join(_messages(code, reviewers, language))
        for party in (code, *reviewers):
            if _allowed(party, language):
                continue
            english = re.escape(STORE[party].name).replace("'", "(?:'|&#39;)")
            if re.search(rf"(?<!\w){english}(?!\w)", text):
                leaks.append((code, party, STORE[party].name))
        assert wording.party_name(code, language) in text.replace("&#39;", "'")
    assert leaks == []


def test_the_check_finds_an_english_name_when_one_leaks():
    """The same search, on a message rendered from English contexts, finds the names."""
    text = "\n".join(_messages("DEU", ("FRA", "GHA"), "en"))
    assert re.search(r"(?<!\w)Germany(?!\w)", text)
