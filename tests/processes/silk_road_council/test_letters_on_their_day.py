"""The Council's letters say what is true on the day they leave, in its own words: a
reminder rung caught up after the deadline (the sweep did not run for two weeks) says the
step is overdue, by the days `untoc status` counts that day; one caught up before the
deadline still reminds; a deadline agreed at the Council's inception meeting is said to be
agreed there, never at UNTOC's preliminary consultation.

Three assessed States of group 2 (`group2_agreed.yaml`: Pakistan's focal point reads
English, Algeria's French, Kyrgyzstan's Russian) whose inception meetings agreed the
self-assessment by Friday 14 February 2025: its reminder rung falls due ten days before
(Tuesday 4 February), its overdue rung a week after (Friday 21 February). The
correspondence went live on Monday 3 February."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.processes.conftest import letters, text_of

HERE = Path(__file__).parent
GO_LIVE = "2025-02-03"

# the focal point of each assessed State, by the language it reads
READER = {"en": "s.qureshi@example.org", "fr": "y.benali@example.org", "ru": "b.asanov@example.org"}

# what UNTOC's letters call the meeting its dates are agreed at, in each language
UNTOC_MEETING = {
    "en": "preliminary consultation",
    "fr": "consultation préliminaire",
    "es": "consulta preliminar",
    "ru": "предварительн",
    "ar": "المشاورات الأولية",
    "zh": "初步磋商",
}

# the reminder of a step not yet due, as the Council's focal points read it
BEFORE = {
    "en": 'This is a reminder that the step "Self-assessment" of the peer assessment of'
    " Pakistan is due on 14 February 2025.",
    "fr": "Nous vous rappelons que l'étape « Auto-évaluation » de l'exercice d'évaluation"
    " par les pairs de l'Algérie arrive à échéance le 14 février 2025.",
    "ru": "Напоминаем, что срок этапа «Самооценка» взаимной оценки Кыргызстана истекает"
    " 14 февраля 2025 года.",
}


def overdue_sentence(language: str, days: str) -> str:
    """The opening of a notice on a step `days` late, as the Council's focal points read it."""
    return {
        "en": 'The step "Self-assessment" of the peer assessment of Pakistan was due on'
        f" 14 February 2025 and is now {days} overdue.",
        "fr": "L'étape « Auto-évaluation » de l'exercice d'évaluation par les pairs de"
        f" l'Algérie devait être achevée le 14 février 2025 ; elle accuse un retard de {days}.",
        "ru": "Срок этапа «Самооценка» взаимной оценки Кыргызстана истек 14 февраля 2025 года;"
        f" просрочка составляет {days}.",
    }[language]


@pytest.fixture()
def council_cli(untoc_cli, tmp_path):
    """`untoc ...` with the Council's folder added to the bundled definitions, the three
    reviews imported and the correspondence gone live on 3 February 2025 (SQLite, then
    PostgreSQL)."""
    cli = untoc_cli(
        None,
        UNTOC_PROCESS_DEFS=str(HERE),
        UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    cli("import", str(HERE / "group2_agreed.yaml"), "--as-of", GO_LIVE)
    cli("sweep", "--as-of", GO_LIVE)
    return cli


def plain(text: str) -> str:
    """A letter's text with its non-breaking spaces (French, numbers) read as spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def notices_of(tmp_path: Path, day: str) -> dict[str, str]:
    """The day's letters to the three assessed States' focal points, by language."""
    found = {}
    for message in letters(tmp_path, day).values():
        to = message["To"].addresses[0].addr_spec
        for language, address in READER.items():
            if to == address:
                assert message["Content-Language"] == language
                found[language] = plain(text_of(message))
    assert set(found) == set(READER), sorted(found)
    return found


def days_overdue(cli, day: str) -> dict[str, int]:
    out = cli("status", "--as-of", day, "--format", "json").stdout
    return {
        s["review"]: step["days_overdue"]
        for s in json.loads(out)
        for step in s["steps"]
        if step["step"] == "self_assessment"
    }


@pytest.mark.parametrize(
    ("day", "late"),
    [
        # the Monday after the deadline, and the Thursday before the overdue rung
        ("2025-02-17", {"en": "3 days", "fr": "3 jours", "ru": "3 дня"}),
        ("2025-02-20", {"en": "6 days", "fr": "6 jours", "ru": "6 дней"}),
    ],
    ids=["3-days", "6-days"],
)
def test_a_reminder_caught_up_after_the_deadline_says_the_step_is_overdue(
    council_cli, tmp_path, day, late
):
    council_cli("sweep", "--as-of", day)
    # the count `untoc status` gives that day
    counts = days_overdue(council_cli, day)
    assert set(counts.values()) == {int(late["en"].split()[0])}, counts
    for language, text in notices_of(tmp_path, day).items():
        assert overdue_sentence(language, late[language]) in text, text
        # the deadline line and the opening say the same lateness; nothing reminds of a
        # day still to come
        assert text.count(late[language]) == 2, text
        assert "reminder" not in text.lower() and "rappel" not in text
        assert "Напомина" not in text and BEFORE[language] not in text


def test_a_reminder_caught_up_on_the_deadline_says_it_is_due_today(council_cli, tmp_path):
    council_cli("sweep", "--as-of", "2025-02-14")
    found = notices_of(tmp_path, "2025-02-14")
    assert (
        'This is a reminder that the step "Self-assessment" of the peer assessment of Pakistan'
        " is due today, 14 February 2025." in found["en"]
    ), found["en"]
    assert "arrive à échéance aujourd'hui, le 14 février 2025." in found["fr"], found["fr"]
    assert "истекает сегодня, 14 февраля 2025 года." in found["ru"], found["ru"]
    assert "overdue" not in found["en"] and "retard" not in found["fr"]


def test_a_reminder_caught_up_before_the_deadline_still_reminds(council_cli, tmp_path):
    # the rung fell due on Tuesday 4 February; the sweep runs again on Wednesday
    council_cli("sweep", "--as-of", "2025-02-05")
    found = notices_of(tmp_path, "2025-02-05")
    assert found.keys() == BEFORE.keys()
    for language, text in found.items():
        assert BEFORE[language] in text, text
        assert "overdue" not in text and "retard" not in text and "просроч" not in text


@pytest.mark.parametrize(
    ("language", "reader", "line", "cell"),
    [
        (
            "en",
            "s.qureshi@example.org",
            "Self-assessment, deadline 14 February 2025, agreed (Inception meeting held);"
            " 17 days overdue",
            "<td>14 February 2025, agreed (Inception meeting held)</td>",
        ),
        (
            "fr",
            "y.benali@example.org",
            "Auto-évaluation, échéance au 14 février 2025, convenue (Réunion de lancement"
            " tenue) ; en retard de 17 jours",
            "<td>14 février 2025, convenue (Réunion de lancement tenue)</td>",
        ),
        (
            "ru",
            "b.asanov@example.org",
            "Самооценка, срок до 14 февраля 2025 года, согласован (Вступительное совещание"
            " проведено); просрочено на 17 дней",
            "<td>14 февраля 2025 года, согласован (Вступительное совещание проведено)</td>",
        ),
        (
            "ar",  # the title isolated from the text around it
            "m.hassan@example.org",
            "التقييم الذاتي، الموعد النهائي 14 شباط/فبراير 2025، متفق عليه"
            " (\u2068عقد الاجتماع الاستهلالي\u2069)؛ متأخر بمقدار 17 يومًا",
            "<td>14 شباط/فبراير 2025، متفق عليه (<bdi>عقد الاجتماع الاستهلالي</bdi>)</td>",
        ),
        (
            "zh",
            "wang.li@example.org",
            "自评，截止日期为2025年2月14日，已商定（已举行启动会议）；已逾期17天",
            "<td>2025年2月14日，已商定（已举行启动会议）</td>",
        ),
    ],
    ids=["en", "fr", "ru", "ar", "zh"],
)
def test_the_monthly_summary_says_where_the_council_agreed_a_deadline(
    council_cli, tmp_path, language, reader, line, cell
):
    """The date agreed at the Council's inception meeting is said to be agreed there, by the
    title the Council gives that meeting in the summary's language, never at UNTOC's
    preliminary consultation."""
    council_cli("digest", "--as-of", "2025-03-03")
    [summary] = [
        m
        for m in letters(tmp_path, "2025-03-03").values()
        if m["To"].addresses[0].addr_spec == reader
    ]
    assert summary["Content-Language"] == language
    text = plain(text_of(summary))
    html = plain(summary.get_body(("html",)).get_content())
    assert line in text, text
    assert cell in html, html
    assert UNTOC_MEETING[language] not in text + html


def test_the_opening_letters_and_the_notices_say_where_the_council_agreed_a_deadline(
    council_cli, tmp_path
):
    opening = {
        m["To"].addresses[0].addr_spec: plain(text_of(m))
        for m in letters(tmp_path, GO_LIVE).values()
    }
    assert "deadline 14 February 2025, agreed (Inception meeting held)" in opening[READER["en"]]
    council_cli("sweep", "--as-of", "2025-02-17")
    notices = notices_of(tmp_path, "2025-02-17")
    said = {
        "en": "Deadline: 14 February 2025, agreed (Inception meeting held); 3 days overdue",
        "fr": "Échéance : 14 février 2025, convenue (Réunion de lancement tenue) ;"
        " en retard de 3 jours",
        "ru": "Срок: 14 февраля 2025 года, согласован (Вступительное совещание проведено);"
        " просрочено на 3 дня",
    }
    for language, text in notices.items():
        assert said[language] in text, text
        assert UNTOC_MEETING[language] not in text
    for text in opening.values():
        assert not any(words in text for words in UNTOC_MEETING.values()), text
