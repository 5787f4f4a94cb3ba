"""The language points of the letters as the UN translation services would sign them:
the Russian genitive after "от", the Arabic dual after a preposition, Arabic numbers with
CLDR's Arabic separators, Chinese full-width brackets."""

from __future__ import annotations

import re

import pytest

from untoc_workflow.notify.context import late_by
from untoc_workflow.notify.templates import Templates
from untoc_workflow.specimens import sample_letter_contexts, sample_notice_contexts
from untoc_workflow.wording.words import days, format_number, local_party_name

from .conftest import BUNDLED_DEFS


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(BUNDLED_DEFS / "templates")


def test_russian_waiting_for_takes_the_genitive(templates):
    ctx = dict(sample_notice_contexts("ru")[0])
    ctx["waiting_for"] = [local_party_name("FIN", "ru"), local_party_name("DEU", "ru")]
    text, _ = templates.render_item("step_overdue", "ru", ctx)
    assert "Ожидается от: Финляндии, Германии" in text, text
    assert "Ожидается от: Финляндия" not in text


@pytest.mark.parametrize(("n", "word"), [(2, "بعد يومين"), (-2, "بعد يومين")])
def test_arabic_dual_after_a_preposition_is_genitive(templates, n, word):
    ctx = dict(sample_notice_contexts("ar")[0])
    ctx.update(days_overdue=-2, late_by=late_by(2, "ar"))
    text, html = templates.render_item("step_reminder", "ar", ctx)
    assert word in text and "يومان" not in text + html, text
    ctx.update(days_overdue=2)
    text, _ = templates.render_item("step_overdue", "ar", ctx)
    assert "بمقدار يومين" in text and "يومان" not in text, text


def test_arabic_numbers_are_grouped_with_the_arabic_separator(templates):
    assert format_number(1218, "ar") == "1\u066c218"
    assert days(1218, "ar").startswith("1\u066c218")
    ctx = dict(sample_notice_contexts("ar")[0])
    ctx.update(days_overdue=1218, late_by=late_by(1218, "ar"))
    text, html = templates.render_item("step_overdue", "ar", ctx)
    assert "1\u066c218" in text and "1,218" not in text + html


def test_chinese_letters_use_full_width_brackets(templates):
    assert sample_letter_contexts(templates, "zh")
    for name, ctx in sample_letter_contexts(templates, "zh"):
        out = templates.render_letter(name, "zh", ctx)
        body = re.sub(r"https?://\S+|\S+@\S+", "", out.text)
        assert "(" not in body and ")" not in body, (name, body)


def test_un_style_groups_arabic_numbers_as_cldr_s_arabic_symbols():
    """The reports and the letters share one number format: Arabic grouped with ٬ and
    pointed with ٫ in un_style itself (CLDR's Arabic symbols, Western digits), no Latin
    comma for the letters to mend afterwards."""
    from untoc_workflow import un_style

    assert un_style.format_number(1218, "ar") == "1\u066c218"
    assert un_style.format_number(1218.5, "ar") == "1\u066c218\u066b5"
    assert un_style.format_number(1218, "en") == "1,218"  # the others unchanged
    assert format_number(1218, "ar") == un_style.format_number(1218, "ar")
