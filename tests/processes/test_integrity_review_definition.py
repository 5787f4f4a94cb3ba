"""A body that is not UNTOC writes its own process (tests/processes/integrity_review: the
Coastal States Anti-Corruption Group's integrity review), and its clerk's slips are refused
at the line where they are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.errors import InputError

HERE = Path(__file__).parent / "integrity_review"
SOURCE = (HERE / "integrity_review.yaml").read_text(encoding="utf-8")

# A step written after the repeating `progress_update` (two occurrences), with a slip in it.
CLOSURE = """
  - id: closure
    title: {en: Closure of the review}
    starts: {after: plenary_endorsment}
    duration: 1 month
    completed_by: {event: report_endorsed}
    waiting_for: secretariat
"""


def refused(tmp_path: Path, old: str, new: str) -> tuple[list[str], str]:
    """The problems of the definition with `old` written as `new`, and that text."""
    assert old in SOURCE
    text = SOURCE.replace(old, new, 1)
    path = tmp_path / "integrity_review.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_process(path)
    return [str(p).replace(f"{path}:", "") for p in caught.value.problems], text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_integrity_review_is_a_valid_definition_of_its_own():
    definition = load_process(HERE / "integrity_review.yaml")
    assert definition.process == "integrity_review"
    assert definition.role_title("secretariat", "fr") == (
        "secrétariat du Groupe des États côtiers contre la corruption"
    )
    assert definition.step_ids[-2:] == ("progress_update_1", "progress_update_2")


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        # a role left without a name: its letters would name the Conference instead
        (
            "  chair: {en: Chair of the Plenary, fr: Président de la Plénière,"
            " es: Presidente del Pleno}",
            "  chair: {}",
            "  chair: {}",
            "roles.chair: a role needs its title in at least one language",
        ),
        # with its article, the letters would write "inform the the Chair of the Plenary"
        (
            "chair: {en: Chair",
            "chair: {en: the Chair",
            "chair: {en: the Chair",
            "roles.chair: en: 'the Chair of the Plenary' begins with an article; write"
            " 'Chair of the Plenary'",
        ),
        (
            "secretariat: {en: secretariat of the Coastal",
            "secretariat: {en: The secretariat of the Coastal",
            "secretariat: {en: The secretariat",
            "roles.secretariat: en: 'The secretariat of the Coastal States Anti-Corruption"
            " Group' begins with an article",
        ),
        # a language code no letter is written in: the title would never be read
        (
            "chair: {en: Chair",
            "chair: {EN: Chair",
            "chair: {EN: Chair",
            "roles.chair: 'EN' is not a language of the Mechanism (ar, zh, en, fr, ru, es)"
            " (did you mean 'en'?)",
        ),
        (
            "title: {en: Country report, fr: Rapport national, es: Informe nacional}",
            "title: {en: Country report, fr: Rapport national, de: Landesbericht}",
            "de: Landesbericht",
            "steps[1].title: 'de' is not a language of the Mechanism",
        ),
        (
            "title: {en: Last day of the mission}",
            "title: {pt: Último dia da missão}",
            "pt: Último dia",
            "facts.country_mission_held.fields.last_day.title: 'pt' is not a language",
        ),
    ],
    ids=[
        "role-without-a-name",
        "role-with-its-article",
        "secretariat-with-its-article",
        "role-language-in-capitals",
        "step-title-de",
        "field-title-pt",
    ],
)
def test_a_title_in_no_language_of_the_mechanism_is_refused_at_its_line(
    tmp_path, old, new, needle, expected
):
    problems, text = refused(tmp_path, old, new)
    assert len(problems) == 1
    assert problems[0].startswith(f"{line_of(text, needle)}: {expected}")


def test_a_slip_after_a_repeating_step_is_named_at_the_step_the_file_writes(tmp_path):
    # the checks read `progress_update` as its two occurrences: the step after it is the
    # file's steps[7], not steps[8], and its line is its own
    problems, text = refused(tmp_path, SOURCE, SOURCE.rstrip("\n") + "\n" + CLOSURE)
    line = line_of(text, "after: plenary_endorsment")
    assert problems == [
        f"{line}: steps[7].starts.after: unknown step 'plenary_endorsment'"
        " (did you mean 'plenary_endorsement'?)"
    ]


def test_a_slip_in_a_repeating_step_is_said_once(tmp_path):
    problems, text = refused(
        tmp_path,
        "from: {fact: report_endorsed, field: endorsed_on}",
        "from: {fact: report_endorsed, field: endorsed}",
    )
    line = line_of(text, "field: endorsed}")
    assert problems == [
        f"{line}: steps[6].repeat.from.field: report_endorsed has no date field 'endorsed'"
        " (declare it under the fact's `fields:` with `type: date`)"
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  desk_phase: {en: Desk analysis,", "  desk_phaze: {en: Desk analysis,"),
        ("  desk_analysis: {en: Desk analysis,", "  desk_analyses: {en: Desk analysis,"),
    ],
    ids=["stage", "document-kind"],
)
def test_a_title_for_a_stage_or_document_kind_the_process_lacks_is_refused(tmp_path, old, new):
    problems, _text = refused(tmp_path, old, new)
    assert len(problems) == 1
    assert "is no " in problems[0] and "did you mean 'desk_" in problems[0], problems


def test_the_group_titles_its_stages_and_document_kinds_in_each_language():
    group = load_process(HERE / "integrity_review.yaml")
    assert group.stage_title("self_reporting", "fr") == "Rapport national reçu"
    assert group.stage_title("self_reporting", "ru") == "Country report received"  # its English
    assert group.document_title("evaluation_report", "es") == "Informe de evaluación"
    from untoc_workflow.definitions.load import BUNDLED_DEFS

    untoc = load_process(BUNDLED_DEFS / "country_review.yaml")
    assert untoc.stage_title("pending", "fr") is None  # UNTOC's pages keep their own words
