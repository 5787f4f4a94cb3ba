"""Invalid process definitions fail with file:line, the dotted path and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.errors import InputError

FOLDER = Path(__file__).parent / "invalid_definitions"
CASES = sorted(FOLDER.glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_invalid_definition_gives_its_message(path):
    with pytest.raises(InputError) as caught:
        load_process(path)
    message = caught.value.render().replace(str(FOLDER) + "/", "")
    for expected in path.with_suffix(".expected").read_text(encoding="utf-8").splitlines():
        assert expected in message, f"missing {expected!r} in:\n{message}"


def test_the_bundled_definition_is_valid_and_declares_the_review_steps():
    definition = load_process()
    assert definition.step_ids == (
        "focal_points",
        "experts",
        "preliminary_consultation",
        "saq",
        "written_feedback",
        "observations",
        "publication",
    )
    assert str(definition.step("saq").clock) == "6 months"
    assert str(definition.step("focal_points").clock) == "2 weeks"
    assert str(definition.step("experts").clock) == "4 weeks"


def test_norway_stays_norway_in_yaml():
    from untoc_workflow.yamlsource import load_text

    data = load_text("code: NO\nflags: [yes, on, off, true]\n").data
    assert data == {"code": "NO", "flags": ["yes", "on", "off", True]}


def test_the_committed_json_schema_of_definitions_is_current():
    from untoc_workflow.definitions.schema import SCHEMA_PATH, process_schema_text

    assert SCHEMA_PATH.read_text(encoding="utf-8") == process_schema_text(), (
        "run: python -m untoc_workflow.definitions.schema"
    )


def _copy_of_bundled_defs(tmp_path):
    import shutil

    from untoc_workflow.definitions import process_defs_dir

    target = tmp_path / "defs"
    shutil.copytree(process_defs_dir(), target)
    return target


def test_a_rung_naming_a_missing_template_fails_the_definition_at_the_rung(tmp_path):
    defs = _copy_of_bundled_defs(tmp_path)
    path = defs / "country_review.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("template: step_due", "template: step_dew")
    )
    with pytest.raises(InputError) as caught:
        load_process(path)
    message = caught.value.render()
    assert "ladder[1].template" in message and "step_dew" in message
    assert "did you mean 'step_due'?" in message
    assert f"{path}:" in message


def test_a_template_using_an_unknown_field_fails_the_definition_not_the_send(tmp_path):
    defs = _copy_of_bundled_defs(tmp_path)
    template = defs / "templates" / "fr" / "step_due.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace("{{ deadline.due }}", "{{ deadline_due }}"),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_process(defs / "country_review.yaml")
    message = caught.value.render()
    assert "deadline_due" in message and "fr" in message
