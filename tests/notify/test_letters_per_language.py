"""Each kind of letter in each language, for a focal point of each gender, a mission and
the President: salutations from the gender in the record (never "Estimado/a"), the place
and date line, no reference or scheduling note in the text, the opening letter claiming
nothing the next days contradict."""

from __future__ import annotations

import pytest

from untoc_workflow.notify.templates import Templates
from untoc_workflow.specimens import LETTERS, sample_letter_contexts
from untoc_workflow.wording.form import dateline
from untoc_workflow.wording.languages import UN_LANGUAGES

from .conftest import BUNDLED_DEFS

# Forms a salutation must never take: the gender left to the reader.
UNDECIDED = ("/a ", "(ая)", "/السيدة", "المحترم/المحترمة", "Estimado/a", "Madame/Monsieur")
GENDERED = {
    "en": ("Dear Ms. A. Bello,", "Dear Mr. A. Bello,"),
    "fr": ("Madame,", "Monsieur,"),
    "es": ("Estimada Sra. A. Bello:", "Estimado Sr. A. Bello:"),
    "ru": ("Уважаемая госпожа A. Bello!", "Уважаемый господин A. Bello!"),
    "zh": ("尊敬的A. Bello女士：", "尊敬的A. Bello先生："),
    "ar": ("السيدة \u2068A. Bello\u2069 المحترمة،", "السيد \u2068A. Bello\u2069 المحترم،"),
}


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(BUNDLED_DEFS / "templates")


def _letters(templates, language):
    """(kind, recipient, rendered) for every letter and every recipient it can have."""
    contexts = sample_letter_contexts(templates, language)
    out = []
    for name, ctx in contexts:
        recipient = ctx["recipient"]
        if recipient["kind"] == "focal_point":
            for gender in ("female", "male", None):
                who = {**recipient, "gender": gender}
                out.append(
                    (name, who, templates.render_letter(name, language, {**ctx, "recipient": who}))
                )
        else:
            out.append((name, recipient, templates.render_letter(name, language, ctx)))
    return out


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_every_letter_for_every_recipient_in_the_language(templates, language):
    letters = _letters(templates, language)
    kinds = {(name, r["kind"], r.get("gender")) for name, r, _ in letters}
    assert {name for name, _, _ in kinds} == set(LETTERS)
    assert {("daily", "focal_point", g) for g in ("female", "male", None)} <= kinds
    assert ("daily", "mission", None) in kinds and ("presidency", "cop_presidency", None) in kinds
    day = dateline(language, sample_letter_contexts(templates, language)[0][1]["as_of"])
    female, male = GENDERED[language]
    for name, recipient, out in letters:
        body = out.text.split("\n--\n", 1)[0]
        for undecided in UNDECIDED:
            assert undecided not in out.text, (name, recipient, undecided)
        assert day in body and day in out.html, (name, recipient)
        assert "daily/2024" not in out.text + out.html  # the reference is a header
        if recipient["kind"] == "focal_point":
            expected = {"female": female, "male": male}.get(recipient.get("gender"))
            if expected:
                assert expected in body.splitlines()[2], (name, body.splitlines()[:3])
            else:
                assert body.splitlines()[2] not in (female, male), body.splitlines()[2]
        if recipient["kind"] == "mission":
            assert body.rstrip().endswith(day), body  # a note verbale is dated below its close


def test_the_opening_letter_does_not_promise_silence_the_ladder_breaks(templates):
    ctx = dict(sample_letter_contexts(templates, "en")[2][1])
    out = templates.render_letter("opening", "en", ctx)
    assert "listed here once" not in out.text
    assert "further notices follow as their reminders fall due" in out.text


def test_the_gender_recorded_for_a_focal_point_reaches_the_salutation(store, tmp_path, smtp):
    from .conftest import load_mechanism, party, review
    from .test_sweep_smtp import by_recipient, run

    parties = [party("NGA", "Nigeria"), party("GHA", "Ghana"), party("DEU", "Germany")]
    people = [
        ("NGA", "A. Bello", "female"),
        ("GHA", "K. Mensah", "male"),
        ("DEU", "J. Weber", None),
    ]
    events = []
    for code, name, gender in people:
        person = {"name": name, "email": f"{code.lower()}@example.org"}
        if gender:
            person["gender"] = gender
        events.append(
            {"on": "2023-01-05", "type": "focal_point_nominated", "party": code, "person": person}
        )
    load_mechanism(store, tmp_path, parties, [review("C1-G1-NGA", "NGA", ["GHA", "DEU"])], events)
    report = run(store, tmp_path, smtp, "2023-01-16")
    got = by_recipient(smtp.wait_for(report.sent))
    text = {a: m.message.get_body(("plain",)).get_content() for a, m in got.items()}
    assert "Dear Ms. A. Bello," in text["nga@example.org"]
    assert "Dear Mr. K. Mensah," in text["gha@example.org"]
    assert "Dear J. Weber," in text["deu@example.org"]


GRATEFUL = {
    "en": "would be grateful if the Permanent Mission",
    "fr": "serait reconnaissant",
    "es": "agradecería",
    "ru": "был бы признателен",
    "zh": "不胜感激",
    "ar": "ممتنة",
}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_focal_point_reads_that_a_note_verbale_was_sent_not_the_note(templates, language):
    from untoc_workflow.specimens import sample_notice_contexts
    from untoc_workflow.wording.words import term

    ctx = dict(sample_notice_contexts(language)[1])
    mission = {**ctx["recipient"], "kind": "mission", "is_copy": False}
    focal_point = {**ctx["recipient"], "kind": "focal_point", "is_copy": True, "gender": None}
    note, _ = templates.render_item("escalation_mission", language, {**ctx, "recipient": mission})
    told, _ = templates.render_item(
        "escalation_mission", language, {**ctx, "recipient": focal_point}
    )
    assert GRATEFUL[language] in note
    assert GRATEFUL[language] not in told, told
    assert term("note_verbale", language) in told and ctx["as_of"] in told, told
