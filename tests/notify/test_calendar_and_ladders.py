"""The declared working-day calendar of the United Nations Office at Vienna, ladders that
always end, and the consolidated letters in the six languages."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

import pytest

from untoc_workflow.core.ladder import rung_times
from untoc_workflow.dates import Duration
from untoc_workflow.definitions import load_process
from untoc_workflow.errors import InputError
from untoc_workflow.notify.templates import Templates
from untoc_workflow.specimens import sample_letter_contexts
from untoc_workflow.wording.languages import UN_LANGUAGES
from untoc_workflow.working_calendar import load_calendar

from .conftest import BUNDLED_DEFS

CALENDAR = load_calendar(BUNDLED_DEFS)


def test_the_2023_holidays_are_those_unis_vienna_published():
    published = {  # unis.unvienna.org, "Official Holidays", 2023
        date(2023, 1, 2),  # New Year's Day, in lieu of Sunday 1 January
        date(2023, 4, 7),
        date(2023, 4, 10),
        date(2023, 4, 24),  # Eid al-Fitr, in lieu of Saturday 22 April
        date(2023, 5, 1),
        date(2023, 6, 29),  # Eid al-Adha
        date(2023, 10, 26),
        date(2023, 12, 25),
        date(2023, 12, 26),
    }
    assert {d for d in CALENDAR.holidays if d.year == 2023} == published
    # Austria's own holidays that the UN in Vienna does not keep are working days
    assert CALENDAR.is_working_day(date(2023, 1, 6))  # Epiphany
    assert CALENDAR.is_working_day(date(2023, 8, 15))  # Assumption


def test_every_declared_year_has_both_eids_and_no_weekend_holiday():
    for year in range(2020, 2028):
        names = [n for d, n in CALENDAR.holidays.items() if d.year == year]
        assert sum(n.startswith("Eid al-Fitr") for n in names) == 1, year
        assert sum(n.startswith("Eid al-Adha") for n in names) == 1, year
    assert all(d.weekday() < 5 for d in CALENDAR.holidays)  # days in lieu are weekdays


def test_what_falls_due_on_a_non_working_day_waits_for_the_next_working_day():
    assert CALENDAR.next_working_day(date(2024, 6, 15)) == date(2024, 6, 18)  # Sat, Sun, Eid
    assert CALENDAR.why_not_working(date(2024, 6, 17)) == "Eid al-Adha (in lieu of 16 June)"
    assert CALENDAR.why_not_working(date(2024, 6, 16)) == "weekend"
    assert CALENDAR.next_working_day(date(2024, 4, 16)) == date(2024, 4, 16)


def test_a_date_outside_the_declared_years_is_refused_not_guessed():
    with pytest.raises(InputError) as caught:
        CALENDAR.is_working_day(date(2031, 3, 3))
    message = caught.value.render()
    assert "calendar.yaml" in message and "2020-2027, not 2031" in message


def test_a_broken_calendar_is_located(tmp_path):
    (tmp_path / "calendar.yaml").write_text(
        "calendar: unov\nversion: 1\nweekend: [saturday, sundy]\nyears: [2024, 2024]\n"
        "holidays:\n  2024:\n    - {on: 2024-13-01, name: Nothing}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_calendar(tmp_path)
    message = caught.value.render()
    assert "calendar.yaml:3: weekend[1]: 'sundy' is not a day of the week" in message
    assert "calendar.yaml:7: holidays.2024[0]: each holiday needs `on: YYYY-MM-DD`" in message


def test_a_repeating_rung_without_an_end_fails_the_definition(tmp_path):
    source = (BUNDLED_DEFS / "country_review.yaml").read_text(encoding="utf-8")
    endless = source.replace(
        "        every: 3 months\n        times: 4\n", "        every: 3 months\n", 1
    )
    assert endless != source
    (tmp_path / "country_review.yaml").write_text(endless, encoding="utf-8")
    (tmp_path / "templates").symlink_to(BUNDLED_DEFS / "templates")
    with pytest.raises(InputError) as caught:
        load_process(tmp_path / "country_review.yaml")
    message = caught.value.render()
    assert "rung 'mission' repeats every 3 months without an end" in message
    assert "add `times: N` or `until: +24 months`" in message
    assert "country_review.yaml:" in message and "ladder[1]" in message


def test_until_ends_a_rung_as_times_does():
    rung = NS(
        offset=Duration.parse("+3 months"),
        interval=Duration.parse("3 months"),
        times=None,
        until_offset=Duration.parse("+12 months"),
    )
    # +3, +6, +9, +12 months: four letters, then the rung is silent
    assert rung_times(rung, date(2024, 1, 31)) == 4
    rung.times = 2
    assert rung_times(rung, date(2024, 1, 31)) == 2


def test_every_repeating_rung_of_the_bundled_definition_ends():
    assert any(step.ladder for step in load_process().steps)
    for step in load_process().steps:
        for rung in step.ladder:
            assert rung.every is None or rung.times or rung.until, (step.id, rung.id)
        escalations = [
            r for r in step.ladder if {"cop_presidency"} & set(r.to) or r.id == "mission"
        ]
        assert all(r.approval == "secretariat" for r in escalations), step.id


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_every_letter_renders_in_every_language(language):
    templates = Templates(BUNDLED_DEFS / "templates")
    subjects = set()
    for name, ctx in sample_letter_contexts(templates, language):
        out = templates.render_letter(name, language, ctx)
        assert out.subject.startswith("[UNTOC] ") and "\n" not in out.subject
        subjects.add(out.subject)
        assert f'<html lang="{language}"' in out.html and "{{" not in out.text
        assert "&lt;p&gt;" not in out.html and "&lt;li&gt;" not in out.html  # not escaped twice
        assert "C1-G1-NGA" in out.text
        if name == "daily":
            # each notice's own fragment, then the copies; a Party-level fact once
            assert out.html.count("<li>") >= 4 and out.text.count("C1-G1-JPN") == 1
    assert len(subjects) == 4  # the day's message (twice), opening, President, secretariat
