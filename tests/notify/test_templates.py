"""Every notice template exists in the six UN languages, renders every branch, writes dates
the language's way, marks Arabic right-to-left, and a template that uses an unknown field
fails the definition check at the rung that names it."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.errors import InputError
from untoc_workflow.notify.templates import DIGEST_TEMPLATE, Templates
from untoc_workflow.specimens import check_template, sample_digest_contexts, sample_notice_contexts
from untoc_workflow.wording.languages import UN_LANGUAGES, choose_language, long_date

from .conftest import BUNDLED_DEFS

TEMPLATES = Templates(BUNDLED_DEFS / "templates")
RUNG_TEMPLATES = sorted({r.template for s in load_process().steps for r in s.ladder})


def test_the_ladder_names_seven_templates_and_each_exists_in_every_language():
    assert RUNG_TEMPLATES == [
        "consultation_overdue",
        "escalation_mission",
        "escalation_presidency",
        "focal_point_missing",
        "step_due",
        "step_overdue",
        "step_reminder",
    ]
    for name in [*RUNG_TEMPLATES, DIGEST_TEMPLATE]:
        for language in UN_LANGUAGES:
            assert TEMPLATES.exists(name, language), (name, language)


@pytest.mark.parametrize("language", UN_LANGUAGES)
@pytest.mark.parametrize("name", RUNG_TEMPLATES)
def test_every_notice_template_renders_every_branch_in_every_language(name, language):
    assert sample_notice_contexts()
    for ctx in sample_notice_contexts():
        out = TEMPLATES.render(name, language, ctx)
        assert out.subject.startswith("[UNTOC C1-G1-NGA] ") and len(out.subject) > 20
        assert "\n" not in out.subject
        assert "Nigeria" in out.text and "C1-G1-NGA" in out.text
        assert out.html.startswith("<!DOCTYPE html>")
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in out.html
        # the deadline, its source and the request are in both parts
        assert ctx["deadline"]["due"] in out.text and ctx["deadline"]["due"] in out.html
        if ctx["deadline"]["basis"]:
            assert ctx["deadline"]["basis"] in out.text
        assert "{{" not in out.text and "{%" not in out.html


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_monthly_summary_renders_in_every_language(language):
    assert sample_digest_contexts()
    for ctx in sample_digest_contexts():
        out = TEMPLATES.render(DIGEST_TEMPLATE, language, ctx)
        assert out.subject.startswith("[UNTOC] ")
        for review in ctx["reviews"]:
            assert review["id"] in out.text and review["id"] in out.html


def test_the_language_changes_the_words_not_only_the_dates():
    ctx = sample_notice_contexts()[0]
    subjects = {lang: TEMPLATES.render("step_overdue", lang, ctx).subject for lang in UN_LANGUAGES}
    assert len(set(subjects.values())) == 6
    assert "Retard" in subjects["fr"] and "Retraso" in subjects["es"]
    assert "Просрочено" in subjects["ru"] and "逾期" in subjects["zh"] and "تأخر" in subjects["ar"]


def test_dates_are_written_in_each_languages_un_style():
    day = date(2024, 4, 16)
    assert long_date(day, "en") == "16 April 2024"
    assert long_date(day, "fr") == "16 avril 2024"
    assert long_date(day, "es") == "16 de abril de 2024"
    assert long_date(day, "ru") == "16 апреля 2024 года"
    assert long_date(day, "zh") == "2024年4月16日"
    assert long_date(day, "ar") == "16 نيسان/أبريل 2024"


def test_html_is_escaped_and_text_is_not():
    ctx = sample_notice_contexts()[0]
    ctx["recipient"]["name"] = "<script>alert(1)</script>"
    ctx["deadline"]["basis"] = 'decision "12/2" <b>&</b>'
    out = TEMPLATES.render("step_overdue", "en", ctx)
    assert "<script>" not in out.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in out.html
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in out.html
    assert "<script>alert(1)</script>" in out.text  # plain text: shown as written


@pytest.mark.parametrize(
    ("working", "recipient", "party", "expected"),
    [
        (("fr",), "en", ("en",), "en"),  # the recipient's own language wins
        (("en", "fr"), "fr", (), "fr"),
        (("ar", "en"), "zh", ("ru",), "zh"),  # even when it is not a working language
        (("fr",), None, ("en",), "fr"),  # no language of their own: the working language
        (("en", "fr"), None, ("es", "fr"), "fr"),  # the party's, when it is a working one
        (("ar", "en"), "xx", ("ru",), "ar"),  # else the first working language
        ((), "ru", ("es",), "ru"),  # consultation held without agreement: the recipient's
        (None, None, ("es", "en"), "es"),  # no consultation yet: the party's
        (None, "xx", (), "en"),  # nothing usable: English
    ],
)
def test_language_choice(working, recipient, party, expected):
    assert choose_language(working, recipient, party) == expected


# -- the definition check -------------------------------------------------------------------


@pytest.fixture
def defs(tmp_path: Path) -> Path:
    folder = tmp_path / "process_defs"
    shutil.copytree(BUNDLED_DEFS, folder)
    return folder


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_a_template_with_an_unknown_field_fails_the_definition_check_at_the_rung(defs):
    template = defs / "templates" / "fr" / "step_due.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "{{ deadline.due }}", "{{ deadline.due_date }}"
        ),
        encoding="utf-8",
    )
    yaml_file = defs / "country_review.yaml"
    with pytest.raises(InputError) as caught:
        load_process(yaml_file)
    problems = [p for p in caught.value.problems if "step_due" in p.message]
    assert problems, caught.value.render()
    p = problems[0]
    # located at the rung of the saq ladder that names the template (its anchor)
    assert p.file == str(yaml_file)
    assert p.line == _line_of(yaml_file, "template: step_due")
    assert "deadline.due_date" in p.message and "fr/step_due.j2" in p.message
    assert "deadline has: agreed_at, basis, decision, due, due_iso, source" in p.message


def test_a_rung_naming_a_template_that_does_not_exist_fails_with_a_suggestion(defs):
    yaml_file = defs / "country_review.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8").replace(
            "template: step_overdue", "template: step_overdeu"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_process(yaml_file)
    text = caught.value.render()
    assert f"{yaml_file}:{_line_of(yaml_file, 'template: step_overdeu')}" in text
    assert "has no en version" in text and "did you mean 'step_overdue'" in text


def test_an_undefined_name_found_only_by_rendering_names_the_template_line(defs):
    template = defs / "templates" / "ru" / "step_reminder.j2"
    source = template.read_text(encoding="utf-8")
    template.write_text(
        source.replace("{% block action %}", "{% block action %}{{ lex.nothing_here }}"),
        encoding="utf-8",
    )
    errors = check_template(Templates(defs / "templates"), "step_reminder")
    assert len(errors) == 1 and re.search(r"ru/step_reminder\.j2:\d+: .*nothing_here", errors[0])


def test_a_field_named_like_a_dict_method_is_refused(defs):
    template = defs / "templates" / "es" / "step_due.j2"
    template.write_text(
        template.read_text(encoding="utf-8") + "{{ recipient.copy }}", encoding="utf-8"
    )
    errors = check_template(Templates(defs / "templates"), "step_due")
    assert any("recipient.copy" in e for e in errors)


def test_the_bundled_definition_passes_the_template_check():
    load_process(BUNDLED_DEFS / "country_review.yaml")
    assert check_template(TEMPLATES, DIGEST_TEMPLATE, digest=True) == []


def test_compiled_templates_cached_between_processes_keep_the_html_escaped():
    # Jinja's bytecode cache keys ignore autoescape: text and HTML must not share code
    first = Templates(BUNDLED_DEFS / "templates")
    first.text_env.get_template("en/step_overdue.j2")
    first.text_env.get_template("_notice.j2")
    ctx = sample_notice_contexts()[0]
    ctx["recipient"]["name"] = "<script>x</script>"
    html = Templates(BUNDLED_DEFS / "templates").render("step_overdue", "en", ctx).html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html


def test_a_misspelt_glossary_term_names_the_template_line_and_the_term(defs):
    template = defs / "templates" / "fr" / "step_due.j2"
    source = template.read_text(encoding="utf-8")
    template.write_text(
        source.replace("{% block action %}", '{% block action %}{{ term("focal_pont", "fr") }}'),
        encoding="utf-8",
    )
    errors = check_template(Templates(defs / "templates"), "step_due")
    assert len(errors) == 1
    assert re.search(r"fr/step_due\.j2:\d+: .*no term 'focal_pont'", errors[0])
    assert "did you mean 'focal_point'" in errors[0]


def test_a_folder_with_its_own_glossary_uses_it(defs):
    glossary = defs / "templates" / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace(
            "    en: self-assessment questionnaire\n",
            "    en: self-assessment questionnaire (SAQ)\n",
        ),
        encoding="utf-8",
    )
    ctx = sample_notice_contexts()[0]
    out = Templates(defs / "templates").render("step_due", "en", ctx)
    assert "self-assessment questionnaire (SAQ)" in out.text
    assert "(SAQ)" not in TEMPLATES.render("step_due", "en", ctx).text


def test_each_rung_s_template_is_checked_with_letters_about_its_own_step(defs):
    """A template's wording for one step (here the experts' nomination) is rendered by the
    check of that step's rung, not only the wording of the step the samples default to."""
    template = defs / "templates" / "en" / "step_overdue.j2"
    source = template.read_text(encoding="utf-8")
    wrong = source.replace(
        "{% block action %}",
        '{% block action %}{% if step.id == "experts" %}{{ term("governmental_expertz", "en") }}'
        "{% endif %}",
        1,
    )
    assert wrong != source
    template.write_text(wrong, encoding="utf-8")
    yaml_file = defs / "country_review.yaml"
    with pytest.raises(InputError) as caught:
        load_process(yaml_file)
    problems = [p for p in caught.value.problems if "governmental_expertz" in p.message]
    assert problems, caught.value.render()
    assert {p.message.split(":")[0] for p in problems} == {"rung 'overdue' of step 'experts'"}
    assert {p.line for p in problems} == {_line_of(yaml_file, "template: step_overdue")}
