"""The letters read as a focal point, a permanent mission and the President read them: no
English words in a letter in another language, nothing said that the date of sending makes
untrue, and no review named by its reference alone."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

import pytest
from markupsafe import escape

from untoc_workflow.core.state import Deadline, StepState
from untoc_workflow.definitions import load_process
from untoc_workflow.notify.context import late_by
from untoc_workflow.notify.presidency import late_parties
from untoc_workflow.notify.templates import Templates
from untoc_workflow.specimens import sample_letter_contexts, sample_notice_contexts
from untoc_workflow.wording.languages import UN_LANGUAGES
from untoc_workflow.wording.words import local_party_name, term

from .conftest import BUNDLED_DEFS

OTHER_LANGUAGES = [lang for lang in UN_LANGUAGES if lang != "en"]
CONFIGURED_NAME = "Secretariat of the Review Mechanism"  # the settings' default, in English


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(BUNDLED_DEFS / "templates")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_letter_is_signed_in_its_own_language(templates, language):
    signature = term("mechanism_secretariat", language, cap=True)
    assert sample_letter_contexts(templates, language)
    for name, ctx in sample_letter_contexts(templates, language):
        ctx = {**ctx, "secretariat": {**ctx["secretariat"], "name": CONFIGURED_NAME}}
        out = templates.render_letter(name, language, ctx)
        assert CONFIGURED_NAME not in out.text and CONFIGURED_NAME not in out.html, name
        assert signature in out.text.split("\n--\n", 1)[1], name
        assert escape(signature) in out.html.split("<hr>", 1)[1], name


# "today" in each language, as the due-day notice says it
TODAY = {
    "en": "due today",
    "fr": "aujourd'hui",
    "es": "hoy",
    "ru": "сегодня",
    "zh": "今天",
    "ar": "اليوم",
}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_due_day_notice_sent_the_next_working_day_does_not_say_today(templates, language):
    # the deadline fell on Sunday 19 May 2024; the notice goes out on Monday 20 May
    ctx = sample_notice_contexts(language)[0]
    ctx = {**ctx, "days_overdue": 1, "late_by": late_by(1, language), "caught_up": True}
    text, html = templates.render_item("step_due", language, ctx)
    rendered = templates.render("step_due", language, ctx)
    for part in (text, html, rendered.text, rendered.subject):
        assert TODAY[language] not in part, part
    assert ctx["deadline"]["due"] in text and ctx["late_by"] in text
    # on the day itself, "today" is right
    on_the_day = {**ctx, "days_overdue": 0, "late_by": late_by(0, language), "caught_up": False}
    assert TODAY[language] in templates.render_item("step_due", language, on_the_day)[0]


# how a reminder opens before its deadline, in each language
REMINDS = {
    "en": "This is a reminder that",
    "fr": "Nous vous rappelons que",
    "es": "Le recordamos que",
    "ru": "Напоминаем, что",
    "ar": "نود تذكيركم",
    "zh": "谨提醒您",
}


def _on(ctx: dict, days: int, language: str) -> dict:
    """A notice's context on the day `days` after its deadline (negative: before it)."""
    return {**ctx, "days_overdue": days, "late_by": late_by(abs(days), language)}


def _one_line(text: str) -> str:
    """A text as a subject is written: on one line, its non-breaking spaces as spaces."""
    return " ".join(text.split()).lower()


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_reminder_sent_after_its_deadline_says_how_late_the_step_is(templates, language):
    # the reminder fell due two weeks before the deadline of 1 March 2024; the sweep that
    # catches it up, or the message written again after a failed delivery, leaves on
    # 4 March: 3 days overdue, as `untoc status` counts them that day
    ctx = _on(sample_notice_contexts(language)[0], 3, language)
    text, html = templates.render_item("step_reminder", language, ctx)
    rendered = templates.render("step_reminder", language, ctx)
    opening = text.splitlines()[0]
    assert ctx["late_by"] in opening and ctx["deadline"]["due"] in opening, opening
    assert REMINDS[language] not in text + html + rendered.text
    assert _one_line(ctx["late_by"]) in _one_line(rendered.subject), rendered.subject
    # it opens as the overdue notice of that day opens
    assert opening == templates.render_item("step_overdue", language, ctx)[0].splitlines()[0]
    # on the deadline itself: still a reminder, of a step due today
    on_the_day = _on(ctx, 0, language)
    text, _ = templates.render_item("step_reminder", language, on_the_day)
    rendered = templates.render("step_reminder", language, on_the_day)
    assert REMINDS[language] in text.splitlines()[0], text
    assert TODAY[language] in text.splitlines()[0]
    assert _one_line(TODAY[language]) in _one_line(rendered.subject), rendered.subject


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_reminder_sent_before_its_deadline_reads_as_a_reminder(templates, language):
    ctx = _on(sample_notice_contexts(language)[0], -14, language)
    text, _ = templates.render_item("step_reminder", language, ctx)
    opening = text.splitlines()[0]
    assert REMINDS[language] in opening, opening
    assert ctx["deadline"]["due"] in opening
    assert ctx["late_by"] not in opening and TODAY[language] not in opening


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_translation_notice_sent_after_its_deadline_says_how_late_it_is(templates, language):
    # UNCAC's translation rung falls due a week before the deadline, like a reminder
    before = _on(sample_notice_contexts(language)[0], -7, language)
    text, _ = templates.render_item("translation_due", language, before)
    assert before["late_by"] not in text.splitlines()[0]
    late = _on(before, 3, language)
    text, _ = templates.render_item("translation_due", language, late)
    rendered = templates.render("translation_due", language, late)
    opening = text.splitlines()[0]
    assert late["late_by"] in opening and late["deadline"]["due"] in opening, opening
    assert _one_line(late["late_by"]) in _one_line(rendered.subject), rendered.subject
    assert TODAY[language] not in opening
    on_the_day = _on(before, 0, language)
    text, _ = templates.render_item("translation_due", language, on_the_day)
    assert TODAY[language] in text.splitlines()[0], text


# What a notice says of a step that was due before its day: "should have been held by"
SHOULD_HAVE = {
    "en": "should have been held by",
    "fr": "aurait dû se tenir",
    "es": "debía celebrarse",
    "ru": "следовало провести",
    "ar": "كان ينبغي",
    "zh": "原应于",
}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_consultation_notice_on_its_deadline_says_due_today_not_should_have_been(
    templates, language
):
    """The preliminary consultation's first notice leaves on its deadline (rung at 0 days):
    that day it is due, not late; from the next day it should have been held."""
    ctx = sample_notice_contexts(language)[0]
    on_the_day = _on(ctx, 0, language)
    text, _ = templates.render_item("consultation_overdue", language, on_the_day)
    subject = templates.render("consultation_overdue", language, on_the_day).subject
    assert SHOULD_HAVE[language] not in text and TODAY[language] in text, text
    assert TODAY[language] in subject and on_the_day["late_by"] not in subject, subject
    late = _on(ctx, 3, language)
    text, _ = templates.render_item("consultation_overdue", language, late)
    subject = templates.render("consultation_overdue", language, late).subject
    assert SHOULD_HAVE[language] in text and TODAY[language] not in text.splitlines()[0], text
    assert _one_line(late["late_by"]) in _one_line(subject), subject


def _late_state(review: str, reviewed: str, step: str, waiting_for: tuple[str, ...]):
    # a review whose step has been late long enough to be on the President's summary
    deadline = Deadline(due=date(2023, 2, 3), source="agreed")
    return NS(
        review=review,
        reviewed=reviewed,
        as_of=date(2024, 5, 20),
        open_steps=(
            StepState(
                step=step,
                status="open",
                started_on=date(2022, 8, 3),
                deadline=deadline,
                waiting_for=waiting_for,
            ),
        ),
    )


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_president_reads_which_state_each_late_review_is_of(templates, language):
    steps = {s.id: s for s in load_process().steps}
    states = {
        "C1-G2-CHE": _late_state("C1-G2-CHE", "CHE", "written_feedback", ("AND",)),
        "C1-G3-AND": _late_state("C1-G3-AND", "AND", "saq", ("AND",)),
    }
    late = late_parties(steps, states, {}, language)
    [andorra] = late
    assert len(andorra["steps"]) == 2
    ctx = {**sample_letter_contexts(templates, language)[3][1], "late": late}
    out = templates.render_letter("presidency", language, ctx)
    switzerland = local_party_name("CHE", language)
    # Andorra is late as a reviewer in the review of Switzerland: the President is told so
    [line] = [ln for ln in out.text.splitlines() if "C1-G2-CHE" in ln]
    assert switzerland in line, line
    [item] = [li for li in out.html.split("<li>") if "C1-G2-CHE" in li]
    assert switzerland in item, item


@pytest.mark.parametrize(
    ("language", "codes"),
    [
        ("en", ["CIV", "CZE", "TUR", "TKM", "TUV"]),
        ("fr", ["AND", "CIV", "EGY", "ECU", "USA", "ZWE"]),
        ("es", ["BEL", "BLZ", "EGY", "ESP", "ZWE"]),
    ],
)
def test_the_president_reads_the_late_parties_in_alphabetical_order(language, codes):
    steps = {s.id: s for s in load_process().steps}
    states = {f"C1-G3-{c}": _late_state(f"C1-G3-{c}", c, "saq", (c,)) for c in reversed(codes)}
    names = [p["party"] for p in late_parties(steps, states, {}, language)]
    assert names == [local_party_name(c, language) for c in codes], names


# The Convention's Parties are 188 States and one regional economic integration
# organisation, the European Union: "Party under review", never "State party under review".
PARTY_UNDER_REVIEW = {
    "en": ("Party under review", "reviewing Party"),
    "fr": ("Partie examinée", "Partie examinatrice"),
    "es": ("Parte examinada", "Parte examinadora"),
    "ru": ("Участник, проходящий обзор", "Участник, проводящий обзор"),
    "zh": ("被审议缔约方", "审议缔约方"),
    "ar": ("الطرف المستعرَض", "الطرف المستعرِض"),
}


def _open_state(review: str, reviewed: str, reviewers: tuple[str, ...]):
    deadline = Deadline(due=date(2024, 3, 1), source="rule")
    step = StepState(
        step="saq",
        status="open",
        started_on=date(2023, 11, 1),
        deadline=deadline,
        waiting_for=(reviewed,),
    )
    return NS(
        review=review,
        reviewed=reviewed,
        reviewers=reviewers,
        stage="questionnaire",
        as_of=date(2024, 5, 20),
        steps=(step,),
        process="country_review",
        process_version=1,
    )


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_european_union_is_named_a_party_not_a_state_party_in_its_role(templates, language):
    from untoc_workflow.notify.outstanding import outstanding_lines

    states = {
        "C1-G1-EU": _open_state("C1-G1-EU", "EU", ("DEU", "CHE")),
        "C1-G1-AUT": _open_state("C1-G1-AUT", "AUT", ("EU", "HUN")),
    }
    steps = {("country_review", 1, "saq"): {"en": "Self-assessment questionnaire"}}
    reviewed, reviewing = PARTY_UNDER_REVIEW[language]
    base = dict(sample_letter_contexts(templates, language)[2][1])
    assert reviewed and reviewing
    for party, roles in (("EU", (reviewed, reviewing)), ("DEU", ())):
        lines = outstanding_lines(states, {}, party, language, steps)
        name = local_party_name(party, language)
        recipient = {**base["recipient"], "party": name, "party_code": party, "name": name}
        out = templates.render_letter(
            "opening", language, {**base, "lines": lines, "party_facts": [], "recipient": recipient}
        )
        for role in roles:
            assert role in out.text and role in out.html, (language, role)
        state_forms = (term("reviewed_party", language), term("reviewing_party", language))
        if party == "EU":
            assert not any(f in out.text for f in state_forms), out.text
        else:  # a State stays a State party
            assert term("reviewing_party", language) in out.text, out.text


# how the President's summary names the late Parties: "States parties" only when all are
PRESIDENCY_HEADING = {
    "en": ("States parties with late steps", "Parties with late steps"),
    "fr": ("États parties en retard", "Parties en retard"),
    "es": ("Estados partes con etapas atrasadas", "Partes con etapas atrasadas"),
    "ru": ("государства-участники, допустившие", "Участники, допустившие"),
    "zh": ("步骤逾期的缔约国", "步骤逾期的缔约方"),
    "ar": ("الدول الأطراف المتأخرة", "الأطراف المتأخرة"),
}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_president_reads_parties_not_states_parties_when_the_union_is_late(templates, language):
    steps = {s.id: s for s in load_process().steps}
    states_only, with_union = PRESIDENCY_HEADING[language]
    base = sample_letter_contexts(templates, language)[3][1]
    late_states = {"C1-G2-CHE": _late_state("C1-G2-CHE", "CHE", "saq", ("CHE",))}
    late_union = {**late_states, "C1-G2-EU": _late_state("C1-G2-EU", "EU", "saq", ("EU",))}

    only = templates.render_letter(
        "presidency", language, {**base, "late": late_parties(steps, late_states, {}, language)}
    )
    assert states_only in only.subject, only.subject
    union = templates.render_letter(
        "presidency", language, {**base, "late": late_parties(steps, late_union, {}, language)}
    )
    assert with_union in union.subject and states_only not in union.subject, union.subject
    assert term("state_party", language) not in union.text, union.text
    assert term("state_party", language, number="other") not in union.text, union.text
    # nobody late: no Party at all is late, the Union included
    none = templates.render_letter("presidency", language, {**base, "late": []})
    assert term("state_party", language) not in none.text, none.text


# A note verbale is written in the third person throughout: no request in the second person
# ("Please submit your written feedback", "Nous vous saurions gré", "Veuillez"), no focal
# point's task handed to the mission as its own, and no "remains at your disposal" before
# the complimentary close.
SECOND_PERSON = {
    "en": ("Please", "your "),
    "fr": ("Veuillez", "vous", "votre", "vos "),
    "es": ("Sírvase", "Le agradeceríamos", "su disposición"),
    "ru": ("Просим", "ваш"),
    "zh": ("请协助", "请提交", "随时准备"),
    "ar": ("نرجو", "يُرجى", "رهن إشارتكم"),
}
GRATEFUL = {
    "en": "would be grateful if the Permanent Mission could",
    "fr": "serait reconnaissant à la Mission permanente de bien vouloir",
    "es": "agradecería a la Misión Permanente que",
    "ru": "был бы признателен Постоянному представительству",
    "zh": "秘书处如蒙常驻代表团",
    "ar": "ممتنة لمساعدة البعثة الدائمة",
}


def _mission_notice(language: str) -> dict:
    ctx = sample_notice_contexts(language)[1]
    recipient = {**ctx["recipient"], "is_copy": False}
    return {**ctx, "recipient": recipient, "fallback": [], "others": []}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_note_verbale_to_a_mission_is_in_the_third_person(templates, language):
    from untoc_workflow.wording.words import closing

    ctx = _mission_notice(language)
    out = templates.render("escalation_mission", language, ctx)
    body = out.text.split("\n--\n", 1)[0]
    for words in SECOND_PERSON[language]:
        assert words not in body, (words, body)
    assert GRATEFUL[language] in body, body
    # the complimentary close ends the note
    assert _before_dateline(body, language).endswith(closing("mission", language, "NGA")), body

    # the mission's consolidated letter: its notices, and no "at your disposal" before the
    # complimentary close
    text, html = templates.render_item("escalation_mission", language, ctx)
    letter_ctx = dict(sample_letter_contexts(templates, language)[1][1])
    item = {"text": text, "html": html}
    letter_ctx["sections"] = [{"id": "C1-G1-NGA", "reviewed": "x", "items": [item]}]
    letter_ctx["copies"] = []
    letter = templates.render_letter("daily", language, letter_ctx)
    body = letter.text.split("\n--\n", 1)[0]
    for words in SECOND_PERSON[language]:
        assert words not in body, (words, body)
    assert _before_dateline(body, language).endswith(closing("mission", language, "NGA")), body


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_missions_opening_letter_asks_in_the_third_person(templates, language):
    from untoc_workflow.wording.words import closing

    base = sample_letter_contexts(templates, language)
    ctx = {**base[2][1], "recipient": base[1][1]["recipient"]}  # the opening, to a mission
    letter = templates.render_letter("opening", language, ctx)
    body = letter.text.split("\n--\n", 1)[0]
    for words in SECOND_PERSON[language]:
        assert words not in body, (words, body)
    assert GRATEFUL[language] in body and GRATEFUL[language] in letter.html, body
    assert _before_dateline(body, language).endswith(closing("mission", language, "NGA")), body
    # a focal point is still asked directly, and the secretariat stays at its disposal
    fp = templates.render_letter("opening", language, base[2][1])
    assert GRATEFUL[language] not in fp.text


# The single notices name the European Union's role as a Party's, whether the Union is
# reviewed or reviews; the President is asked to remind the Party concerned, by name.
REMIND = {
    "en": "may wish to remind the European Union of its obligations",
    "fr": "appeler l'attention de l'Union européenne sur ses obligations",
    "es": "señalar a la atención de la Unión Europea sus obligaciones",
    "ru": "обратить внимание Европейского союза на обязательства",
    "zh": "提醒欧洲联盟履行",
    "ar": "تذكير الاتحاد الأوروبي بالالتزامات",
}


def _notice_text(templates, name: str, language: str, ctx: dict) -> str:
    out = templates.render(name, language, ctx)
    return out.subject + "\n" + out.text + "\n" + out.html


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_single_notice_names_the_union_a_party_not_a_state_party(templates, language):
    reviewed, reviewing = PARTY_UNDER_REVIEW[language]
    state_words = (term("state_party", language), term("state_party", language, number="other"))
    # the Union under review
    [fp, *_] = sample_notice_contexts(language, reviewed="EU", reviewers=("DEU", "HUN"))
    text = _notice_text(templates, "consultation_overdue", language, fp)
    assert reviewed in text and term("reviewed_party", language) not in text, text
    # its State reviewers stay States parties
    assert term("reviewing_party", language, number="other") in text, text
    # the Union among the reviewers: "reviewing Parties"
    [fp, *_] = sample_notice_contexts(language, reviewed="AUT", reviewers=("EU", "HUN"))
    plural = term("reviewing_party_not_state", language, number="other")
    for name in ("consultation_overdue", "translation_due"):
        text = _notice_text(templates, name, language, fp)
        assert plural in text, (name, text)
        # (the Chinese "被审议缔约国", State party under review, holds "审议缔约国")
        rest = text.replace(term("reviewed_party", language), "")
        assert term("reviewing_party", language, number="other") not in rest, (name, text)
    # the President is asked to remind the Union, late with its written feedback, by name
    ctxs = sample_notice_contexts(language, "AUT", ("EU", "HUN"), waiting=("EU",))
    president = {**ctxs[3], "step": {**ctxs[3]["step"], "id": "written_feedback"}}
    text = _notice_text(templates, "escalation_presidency", language, president)
    assert REMIND[language] in text, text
    assert not any(w in text for w in state_words), text
    # a State is named too: "remind Nigeria", not "the State party concerned"
    [*_, president] = sample_notice_contexts(language)
    text = _notice_text(templates, "escalation_presidency", language, president)
    nigeria = {"en": "may wish to remind Nigeria of its obligations", "zh": "提醒尼日利亚履行"}
    assert nigeria.get(language, local_party_name("NGA", language)) in text, text
    assert not any(w in text for w in state_words), text


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_union_without_a_focal_point_is_not_called_a_state(templates, language):
    # a mission writing for the Union, which has no focal point: the notice's fallback line,
    # the letter's "no focal point" line, and the monthly summary with no review at all
    ctx = sample_notice_contexts(language, reviewed="EU")[0]
    text, html = templates.render_item("step_overdue", language, ctx)
    opening = dict(sample_letter_contexts(templates, language)[2][1])
    opening["lines"] = []
    opening["party_facts"] = [
        {"party": local_party_name("EU", language), "reviews": ["C1-G1-EU"], "due": "x"}
    ]
    letter = templates.render_letter("opening", language, opening)
    from untoc_workflow.specimens import sample_digest_contexts

    digest = sample_digest_contexts(language)[1]
    union = local_party_name("EU", language)
    recipient = {**digest["recipient"], "party_code": "EU", "party": union}
    summary = templates.render(
        "monthly_digest", language, {**digest, "recipient": recipient, "reviews": []}
    )
    assert summary.text and letter.text
    for out in (text, html, letter.text, summary.text, summary.html):
        assert term("state_party", language) not in out, out
        assert "государства-участника Европейский союз" not in out, out


# What a permanent mission receives is a note verbale from end to end: the reason it
# receives a notice, the copy note, the opening letter's subject and the monthly summary
# are in the third person, and the request stands as its own paragraph, with no "What to
# do:" label. A focal point is still addressed directly.
MISSION_YOU = {
    "en": ("You receive", "your ", "What to do"),
    "fr": ("Vous recevez", "vos ", "votre", "Suite à donner"),
    "es": ("Recibe usted", "Para su información", "sus exámenes", "Medidas solicitadas"),
    "ru": ("Вы получаете", "ваш", "Что необходимо сделать"),
    "zh": ("您", "贵国", "贵方", "需采取的行动"),
    "ar": ("تتلقون", "استعراضاتكم", "المطلوب"),
}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_everything_a_mission_receives_is_in_the_third_person(templates, language):
    from untoc_workflow.specimens import sample_digest_contexts

    notices = sample_notice_contexts(language)
    # a mission written to in place of a focal point, with a copy of its own
    ctx = {**notices[1], "fallback": notices[0]["fallback"]}
    full = templates.render("step_overdue", language, ctx)
    text, html = templates.render_item("step_overdue", language, ctx)
    base = sample_letter_contexts(templates, language)
    mission = base[1][1]["recipient"]
    daily = dict(base[1][1])
    daily["sections"] = [
        {"id": "C1-G1-NGA", "reviewed": "x", "items": [{"text": text, "html": html}]}
    ]
    daily["copies"] = daily["sections"]
    letter = templates.render_letter("daily", language, daily)
    opening = templates.render_letter("opening", language, {**base[2][1], "recipient": mission})
    digest = sample_digest_contexts(language)[1]
    summaries = [
        templates.render("monthly_digest", language, {**digest, "reviews": reviews})
        for reviews in (digest["reviews"], [])
    ]
    parts = [full.text, full.html, letter.text, letter.html, opening.subject, opening.text]
    parts += [opening.html] + [s.text for s in summaries] + [s.html for s in summaries]
    for part in parts:
        body = part.split("\n--\n", 1)[0].split("<hr>", 1)[0]
        for words in MISSION_YOU[language]:
            assert words not in body, (words, body)
    assert GRATEFUL[language] in full.text and GRATEFUL[language] in letter.text
    # a focal point keeps the direct address and the label
    fp = templates.render("step_overdue", language, notices[0])
    assert MISSION_YOU[language][0] in fp.text or language == "ar", fp.text
    assert MISSION_YOU[language][-1] in fp.text, fp.text


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_note_on_a_late_step_names_the_representation_it_is_addressed_to(templates, language):
    """The note to a mission about a late step opened with the glossary's "permanent
    mission" in lower case, also to the European Union's Delegation."""
    from untoc_workflow.wording.words import the_mission

    assert the_mission("NGA", language, case="gen" if language == "ru" else "dat")
    for party in ("NGA", "EU"):
        ctx = sample_notice_contexts(language, reviewed=party)[0]
        recipient = {**ctx["recipient"], "kind": "mission", "party_code": party}
        # no fallback line (which says, rightly, when a Party has no permanent mission)
        ctx = {**ctx, "recipient": recipient, "fallback": []}
        out = templates.render("escalation_mission", language, ctx)
        head = the_mission(party, language, case="gen" if language == "ru" else "dat")
        assert head in out.subject + out.text, (party, out.text)
        if party == "EU":
            assert term("permanent_mission", language) not in out.subject + out.text, out.text


def _before_dateline(body: str, language: str) -> str:
    """A note verbale ends with its complimentary close, then its place and date line."""
    from untoc_workflow.wording.form import dateline

    text, last = body.rstrip().rsplit("\n\n", 1)
    assert last.startswith(dateline(language, "")[:2]) or last.endswith(
        dateline(language, "")[-2:]
    ), last
    return text.rstrip()
