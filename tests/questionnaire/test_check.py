"""`untoc questionnaire check`: what the project supports is read; every broken or
unsupported workbook is refused with its sheet and row, exit 1, nothing loaded."""

from __future__ import annotations

import json

import pytest

from untoc_workflow.definitions.load import BUNDLED_DEFS
from untoc_workflow.questionnaire.expressions import ExpressionError, parse
from untoc_workflow.questionnaire.form import read_form

from .conftest import CHOICES, SURVEY, write_form

BUNDLED = BUNDLED_DEFS / "questionnaires" / "saq_cluster1.xlsx"


def _with(row_index: int, row: list) -> list[list]:
    """The good survey with one row replaced (index 0 is the header)."""
    survey = [list(r) for r in SURVEY]
    survey[row_index] = row
    return survey


def _plus(row: list) -> list[list]:
    """The good survey with one more question at its end (sheet row 6)."""
    return [*SURVEY[:-1], row, SURVEY[-1]]


# (what is broken, the survey, the choices, the located problem expected)
BROKEN = [
    (
        "an unsupported type",
        _plus(["geopoint", "where", "Where?", "Où ?", "", "", ""]),
        CHOICES,
        "survey row 5: type 'geopoint' is not supported",
    ),
    (
        "a repeat",
        _plus(["begin_repeat", "cases", "Cases", "Affaires", "", "", ""]),
        CHOICES,
        "survey row 5: type 'begin_repeat' is not supported",
    ),
    (
        "a calculation",
        _plus(["calculate", "total", "Total", "Total", "", "", ""]),
        CHOICES,
        "survey row 5: type 'calculate' is not supported",
    ),
    (
        "a missing list",
        _with(2, ["select_one colours", "q1", "Q", "Q", "yes", "", ""]),
        CHOICES,
        "survey row 3: q1: no choices list 'colours'",
    ),
    (
        "a duplicate name",
        _plus(["text", "q1", "Again", "Encore", "", "", ""]),
        CHOICES,
        "survey row 5: name 'q1' is already used on row 3",
    ),
    (
        "a bad name",
        _plus(["text", "2nd", "Second", "Second", "", "", ""]),
        CHOICES,
        "survey row 5: name '2nd'",
    ),
    (
        "a missing French label",
        _plus(["text", "q3", "Third", "", "", "", ""]),
        CHOICES,
        "survey row 5: q3: no label in fr",
    ),
    (
        "a later question in relevant",
        _with(2, ["select_one yn", "q1", "Q", "Q", "yes", "${cases} > 1", ""]),
        CHOICES,
        "survey row 3: q1: relevant reads ${cases}, which is not an earlier question",
    ),
    (
        "an unsupported function",
        _with(3, ["integer", "cases", "C", "C", "", "", "regex(., '[0-9]+')"]),
        CHOICES,
        "survey row 4: cases: constraint: 'regex' is not supported",
    ),
    (
        "an unfinished expression",
        _with(3, ["integer", "cases", "C", "C", "", "${q1} = ", ""]),
        CHOICES,
        "survey row 4: cases: relevant:",
    ),
    ("a group not closed", SURVEY[:-1], CHOICES, "survey row 2: group 'art5' has no end_group"),
    (
        "required neither yes nor no",
        _with(2, ["select_one yn", "q1", "Q", "Q", "maybe", "", ""]),
        CHOICES,
        "survey row 3: q1: required must be yes or no",
    ),
    (
        "a choice twice",
        SURVEY,
        [*CHOICES, ["yn", "yes", "Yes", "Oui"]],
        "choices row 4: choice 'yes' is twice in list 'yn'",
    ),
    (
        "a choice without a label",
        SURVEY,
        [*CHOICES, ["yn", "maybe", "Maybe", ""]],
        "choices row 4: choice 'maybe' has no label in fr",
    ),
    (
        "an unknown column",
        [[*SURVEY[0], "calculation"], *SURVEY[1:]],
        CHOICES,
        "survey row 1: column 'calculation' is not supported",
    ),
    (
        "a label without its language",
        [
            ["type", "name", "label", "required", "relevant", "constraint"],
            ["text", "q1", "Q", "", "", ""],
        ],
        None,
        "survey row 1: column 'label': give each language",
    ),
]


@pytest.mark.parametrize(
    ("what", "survey", "choices", "expected"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_a_broken_workbook_is_refused_with_its_row(cli, tmp_path, what, survey, choices, expected):
    path = write_form(tmp_path / "broken.xlsx", survey, choices)
    result = cli("questionnaire", "check", str(path), code=1)
    out = result.output + (result.stderr if result.stderr_bytes else "")
    assert f"{path}: {expected}" in out, out
    assert "Traceback" not in out


def test_the_good_workbook_passes_with_a_summary(cli, tmp_path):
    path = write_form(tmp_path / "good.xlsx")
    out = cli("questionnaire", "check", str(path)).output
    assert "2 questions in 1 sections; languages: en, fr" in out


def test_the_bundled_saq_of_cluster_1_is_in_the_six_languages_and_listed(cli):
    out = cli("questionnaire", "check", str(BUNDLED)).output
    assert "languages: ar, en, es, fr, ru, zh" in out
    listed = json.loads(cli("questionnaire", "list", "--format", "json").stdout)
    saq = [r for r in listed if r["process"] == "country_review" and r["step"] == "saq"]
    assert saq and saq[0]["cluster"] == 1 and saq[0]["version"] == 1
    assert saq[0]["file"] == "questionnaires/saq_cluster1.xlsx"
    assert 15 <= saq[0]["questions"] <= 30
    assert saq[0]["languages"] == ["ar", "en", "es", "fr", "ru", "zh"]


def test_the_bundled_saq_asks_of_the_articles_of_cluster_1_with_assistance_flagged():
    form = read_form(BUNDLED)
    sections = [s.name for s in form.sections]
    for article in ("art5", "art6", "art8", "art23", "art15"):
        assert article in sections
        flagged = [
            q
            for s in form.sections
            if s.name == article
            for q in s.questions
            if q.technical_assistance
        ]
        assert len(flagged) == 1, article
    assert all(set(q.labels) == set(form.languages) for q in form.questions)


def test_the_bundled_workbook_is_built_from_its_readable_source(tmp_path):
    from untoc_workflow.questionnaire.build import build

    rebuilt = read_form(build(BUNDLED.with_name("saq_cluster1.source.yaml"), tmp_path / "x.xlsx"))
    shipped = read_form(BUNDLED)
    assert [(q.name, q.labels, q.choice_names()) for q in rebuilt.questions] == [
        (q.name, q.labels, q.choice_names()) for q in shipped.questions
    ]


@pytest.mark.parametrize(
    ("text", "answers", "holds"),
    [
        ("${q} = 'yes'", {"q": "yes"}, True),
        ("${q} = 'yes'", {}, False),
        ("${q} != 'no'", {}, True),
        ("selected(${m}, 'b') and ${n} > 2", {"m": ["a", "b"], "n": "3"}, True),
        ("selected(${m}, 'b') and ${n} > 2", {"m": ["a"], "n": "3"}, False),
        ("not(${q} = 'yes') or ${n} <= 1", {"q": "yes", "n": "1"}, True),
        (
            "(${q} = 'a' or ${q} = 'b') and count-selected(${m}) >= 2",
            {"q": "b", "m": ["x", "y"]},
            True,
        ),
    ],
)
def test_the_supported_expressions_evaluate_on_earlier_answers(text, answers, holds):
    assert parse(text).holds(answers) is holds


@pytest.mark.parametrize(
    "text", ["${q} = 'yes' xor ${r}", "if(${q}, 1, 0)", "${q} = ", "pulldata('x')", "${q} + 1 > 2"]
)
def test_anything_else_is_refused(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_a_definition_naming_a_missing_questionnaire_is_refused_with_its_line(tmp_path):
    import shutil

    from untoc_workflow.definitions.load import parse_process
    from untoc_workflow.errors import InputError
    from untoc_workflow.wiring import wire
    from untoc_workflow.yamlsource import load_file

    wire()
    folder = shutil.copytree(BUNDLED_DEFS, tmp_path / "defs")
    path = folder / "country_review.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("questionnaires/saq_cluster1.xlsx", "questionnaires/saq_cluster9.xlsx")
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        parse_process(load_file(path))
    line = next(i for i, t in enumerate(broken.splitlines(), 1) if "saq_cluster9" in t)
    (problem,) = refused.value.problems
    assert str(problem).startswith(f"{path}:{line}: steps[")
    assert "questionnaire.1: step 'saq': no questionnaire 'questionnaires/saq_cluster9.xlsx'" in (
        str(problem)
    )
    write_form(folder / "questionnaires" / "saq_cluster9.xlsx")
    assert parse_process(load_file(path)).step("saq").questionnaire == {
        1: "questionnaires/saq_cluster9.xlsx"
    }
