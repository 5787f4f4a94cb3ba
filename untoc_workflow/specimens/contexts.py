"""Sample contexts of notices, digests and letters: every branch a template may take, about a
process's own steps (the definition check) or the bundled default process's (tests)."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..notify.context import digest_context, late_by, notice_context
from ..wording.languages import long_date, month_year
from ..wording.words import local_party_name

# -- sample values for the definition check: every branch a template may take --------------


@dataclass(frozen=True)
class SampleStep:
    """A step the samples ask for: its id, its English title (the samples leave the title in
    the letter's language empty, as for a step that has none) and the review's stage while
    it is open."""

    id: str
    title_en: str
    stage: str

    def fields(self) -> dict[str, str]:
        return {"id": self.id, "title": "", "title_en": self.title_en}


def sample_steps(definition: Any, every: bool = False) -> tuple[SampleStep, ...]:
    """The steps of `definition` the samples ask for: those whose deadline may be extended
    (the letters' usual subject), else those with a ladder, else all (`every`: all); each
    with the stage the review has reached when it opens (the last one an earlier step
    moved it to)."""
    stage = definition.stages[0]
    at: dict[str, str] = {}
    for step in definition.steps:
        at[step.id] = stage
        stage = step.stage_on_completion or stage
    chosen = (
        list(definition.steps)
        if every
        else [s for s in definition.steps if s.extendable]
        or [s for s in definition.steps if s.ladder]
        or list(definition.steps)
    )
    return tuple(
        SampleStep(s.id, s.title.get("en") or next(iter(s.title.values())), at[s.id])
        for s in chosen
    )


@functools.lru_cache(maxsize=1)
def bundled_sample_steps() -> tuple[SampleStep, ...]:
    """Without a definition, the samples ask for the bundled default process's steps."""
    from ..definitions import load_definitions
    from ..definitions.load import BUNDLED_DEFS

    return sample_steps(load_definitions(BUNDLED_DEFS).default)


class _SampleRecipient:
    def __init__(self, copy: bool, kind: str, fallback: tuple[Any, ...] = (), party: str = "NGA"):
        self.name = "A. Bello"
        self.email = "a.bello@example.org"
        self.role = "waiting.focal_point"
        self.party = party
        self.party_name = local_party_name(party, "en")
        self.copy = copy
        self.kind = kind
        self.fallback = fallback


def sample_notice_contexts(
    language: str = "en",
    reviewed: str = "NGA",
    reviewers: tuple[str, ...] = ("GHA", "DEU"),
    waiting: tuple[str, ...] | None = None,
    step: SampleStep | None = None,
) -> list[dict[str, Any]]:
    """One context per branch; a review of `reviewed` by `reviewers`, `step` (by default
    the first the bundled default process's samples ask for) waiting for `waiting` (the
    reviewed Party by default)."""
    from types import SimpleNamespace as NS

    waiting = (reviewed,) if waiting is None else waiting
    step = step or bundled_sample_steps()[0]

    out = []
    for variant in range(4):
        late = variant % 2 == 0
        source = ("extended", "agreed", "rule", "extended")[variant]
        kind = ("focal_point", "mission", "secretariat", "cop_presidency")[variant]
        deadline = NS(
            due=date(2024, 3, 1),
            source=source,
            basis="Conference decision 12/2" if source == "extended" else None,
            decision="12/2" if variant == 0 else None,
        )
        notice = NS(
            key=f"C1-G1-{reviewed}/{step.id}/overdue/1/2024-03-01",
            as_of=date(2024, 4, 16),
            step=step.id,
            rung="overdue",
            occurrence=variant,
            deadline=deadline,
            days_overdue=46 if late else (-14 if variant == 1 else 0),
            caught_up=variant in (0, 3),
            due_on=date(2024, 4, 1),
            waiting_for=waiting if variant != 2 else (),
            counted_from=date(2024, 3, 15) if variant == 1 else None,
        )
        state = NS(
            review=f"C1-G1-{reviewed}",
            cluster=1,
            group=1,
            reviewed=reviewed,
            reviewers=reviewers if variant != 3 else (),
            stage=step.stage,
        )
        parties = {c: NS(name=local_party_name(c, "en")) for c in (reviewed, *reviewers)}
        concerned = waiting[0] if waiting else reviewed
        fallback = (
            NS(party=concerned, reason=r, instead_of="waiting.focal_point")
            for r in ("no_focal_point", "no_mission", "bad_address")
        )
        recipient = _SampleRecipient(
            copy=variant == 1,
            kind=kind,
            fallback=tuple(fallback) if variant in (0, 3) else (),
            party=concerned,
        )
        other = _SampleRecipient(copy=True, kind="mission")
        ctx = notice_context(
            notice=notice,
            state=state,
            parties=parties,
            step_titles={"en": step.title_en} if variant else {},
            recipient=recipient,
            others=[other] if variant != 2 else [],
            language=language,
            secretariat=NS(name="Secretariat", email="untoc.review@example.org"),
        )
        if variant == 3:
            ctx["missed"] = ["12 April 2024", "15 April 2024"]
        out.append(ctx)
    return out


# the title a process other than UNTOC's gives the fact its dates are agreed at (its steps'
# `agreed_at:`), as a letter names it beside an agreed deadline
SAMPLE_AGREED_AT = "Inception meeting held"


def agreed_elsewhere(ctx: Mapping[str, Any], title: str = SAMPLE_AGREED_AT) -> dict[str, Any]:
    """A copy of a notice's or a monthly summary's context whose every deadline was agreed at
    a fact of a process other than UNTOC's, titled `title` (`agreed_at`): the branch of the
    lexicon's `source()` that names that fact."""
    out = copy.deepcopy(dict(ctx))
    agreed = {"source": "agreed", "basis": None, "agreed_at": title}
    if isinstance(out.get("deadline"), dict):
        out["deadline"].update(agreed)
    for review in out.get("reviews") or ():
        for row in (review, *(review.get("steps") or ())):
            if row.get("due"):
                row.update(agreed)
    return out


def sample_digest_contexts(
    language: str = "en", steps: Sequence[SampleStep] = ()
) -> list[dict[str, Any]]:
    """The monthly summaries of a focal point and of a mission, their reviews at the first
    two of `steps` (by default those of the bundled default process's samples)."""
    from types import SimpleNamespace as NS

    first, second = ((list(steps) or list(bundled_sample_steps())) * 2)[:2]

    rows: list[dict[str, Any]] = [
        {
            "id": "C1-G1-NGA",
            "reviewed": local_party_name("NGA", language),
            "as_": "reviewed",
            "is_state": True,
            "stage": first.stage,
            "step": first.fields(),
            "due": long_date(date(2024, 3, 1), language),
            "source": "extended",
            "basis": "Conference decision 12/2",
            "agreed_at": None,
            "days_overdue": 46,
            "late_by": late_by(46, language),
            "waiting_for": [local_party_name("NGA", language)],
        },
        {
            "id": "C1-G1-GHA",
            "reviewed": local_party_name("GHA", language),
            "as_": "reviewer",
            "is_state": True,
            "stage": "not_started",
            "step": None,
            "due": None,
            "source": None,
            "basis": None,
            "agreed_at": None,
            "days_overdue": 0,
            "late_by": late_by(0, language),
            "waiting_for": [],
        },
        {
            "id": "C1-G2-DEU",
            "reviewed": local_party_name("DEU", language),
            "as_": "reviewer",
            "is_state": True,
            "stage": second.stage,
            "step": second.fields(),
            "due": long_date(date(2024, 6, 1), language),
            "source": "rule",
            "basis": None,
            "agreed_at": None,
            "days_overdue": -46,
            "late_by": late_by(46, language),
            "waiting_for": [local_party_name(c, language) for c in ("DEU", "GHA")],
        },
    ]
    for row in rows:
        row["steps"] = (
            [
                {
                    "step": row["step"],
                    "due": row["due"],
                    "source": row["source"],
                    "basis": row["basis"],
                    "agreed_at": row["agreed_at"],
                    "days_overdue": row["days_overdue"],
                    "late_by": row["late_by"],
                    "waiting_for": row["waiting_for"],
                    "counted_from": "1 March 2024" if row["days_overdue"] < 0 else None,
                    "asked": row["id"] == "C1-G1-NGA",
                }
            ]
            if row["step"]
            else []
        )
    out = []
    for kind, reviews in (("focal_point", rows), ("mission", rows[:1])):
        out.append(
            digest_context(
                as_of=date(2024, 4, 16),
                recipient=_SampleRecipient(copy=False, kind=kind),
                reviews=reviews,
                language=language,
                secretariat=NS(name="Secretariat", email="untoc.review@example.org"),
                reference="digest/2024-04/a.bello@example.org",
            )
        )
    return out


# -- sample letters: the check and the screenshots render every letter with these ---------

LETTERS = ("daily", "opening", "presidency", "secretariat")


def sample_letter_contexts(
    templates: Any, language: str, step: SampleStep | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """(letter, context) pairs covering every letter and branch, with notice fragments
    rendered from the real notice templates in `language`, about `step` (by default the
    first the bundled default process's samples ask for)."""
    step = step or bundled_sample_steps()[0]
    notices = sample_notice_contexts(language, step=step)
    text, html = templates.render_item("step_overdue", language, notices[0])
    text2, html2 = templates.render_item("escalation_mission", language, notices[1])
    items = [{"text": text, "html": html}, {"text": text2, "html": html2}]

    def name(code: str) -> str:
        return local_party_name(code, language)

    def focal_point(kind: str) -> dict[str, Any]:
        return {
            "name": name("NGA") if kind == "mission" else "A. Bello",
            "email": "a.bello@example.org",
            "role": kind,
            "party": name("NGA"),
            "party_code": "NGA",
            "is_copy": False,
            "kind": kind,
            "without_focal_point": False,
        }

    day = long_date(date(2024, 4, 16), language)
    step_fields = step.fields()
    common: dict[str, Any] = {
        "as_of": day,
        "month": month_year(date(2024, 4, 16), language),
        "go_live": day,
        "reference": "daily/2024-04-16/a.bello@example.org/0123456789abcdef",
        "secretariat": {"name": "Secretariat", "email": "untoc.review@example.org"},
        "process": {"id": "sample", "title": "Country review", "tag": "UNTOC", "mechanism": None},
        "referred": True,
        "party_facts": [
            {
                "party": name("JPN"),
                "reviews": ["C1-G1-JPN"],
                "due": long_date(date(2022, 5, 1), language),
            }
        ],
        "sections": [{"id": "C1-G1-NGA", "reviewed": name("NGA"), "items": items}],
        "copies": [{"id": "C1-G2-GHA", "reviewed": name("GHA"), "items": items[:1]}],
        "summary": [
            {
                "to": "a.bello@example.org",
                "party": name("NGA"),
                "notices": 2,
                "copies": 1,
                "reviews": ["C1-G1-NGA", "C1-G2-GHA"],
                "held": True,
            }
        ],
        "awaiting": 1,
        "approve": "untoc outbox approve --all",
        "lines": [
            {
                "id": "C1-G1-NGA",
                "reviewed": name("NGA"),
                "as_": "reviewed",
                "is_state": True,
                "steps": [
                    {
                        "step": step_fields,
                        "due": long_date(date(2022, 5, 1), language),
                        "source": "rule",
                        "basis": None,
                        "days_overdue": 716,
                        "late_by": notices[0]["late_by"],
                        "counted_from": long_date(date(2023, 6, 1), language),
                        "waiting_for": [name("NGA")],
                        "asked": True,
                    }
                ],
            }
        ],
        "late": [
            {
                "party": name("NGA"),
                "code": "NGA",
                "is_state": True,
                "steps": [
                    {
                        "review": "C1-G1-NGA",
                        "reviewed": name("NGA"),
                        "step": step_fields,
                        "due": long_date(date(2022, 5, 1), language),
                        "days_overdue": 716,
                        "late_by": notices[0]["late_by"],
                        "began": long_date(date(2023, 6, 1), language),
                    }
                ],
                "note_sent": long_date(date(2024, 4, 8), language),
            }
        ],
    }
    return [
        ("daily", {**common, "recipient": focal_point("focal_point")}),
        ("daily", {**common, "recipient": focal_point("mission")}),
        ("opening", {**common, "recipient": focal_point("focal_point")}),
        ("presidency", {**common, "recipient": {**focal_point("cop_presidency"), "party": None}}),
        ("secretariat", {**common, "recipient": {**focal_point("secretariat"), "party": None}}),
    ]
