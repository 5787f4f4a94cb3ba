"""The letters read as a focal point, a permanent mission and the President read them: no
English words in a letter in another language, nothing said that the date of sending makes
untrue, and no review named by its reference alone."""

from __future__ import annotations

import pytest
from markupsafe import escape

from untoc_workflow.notify.consolidate import sample_letter_contexts
from untoc_workflow.notify.context import late_by, sample_notice_contexts
from untoc_workflow.notify.languages import UN_LANGUAGES
from untoc_workflow.notify.templates import Templates
from untoc_workflow.notify.wording import term

from .conftest import BUNDLED_DEFS

OTHER_LANGUAGES = [lang for lang in UN_LANGUAGES if lang != "en"]
CONFIGURED_NAME = "Secretariat of the Review Mechanism"  # the settings' default, in English


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(BUNDLED_DEFS / "templates")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_letter_is_signed_in_its_own_language(templates, language):
    signature = term("mechanism_secretariat", language, cap=True)
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
