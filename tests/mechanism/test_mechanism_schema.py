"""The JSON Schema of mechanism.yaml (schemas/mechanism-definition.schema.json): current,
met by the bundled file, and of the loader's mind on files the models alone judge."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import MECHANISM  # noqa: E402

from untoc_workflow.errors import InputError  # noqa: E402
from untoc_workflow.mechanism.definition import parse_mechanism  # noqa: E402
from untoc_workflow.mechanism.schema import SCHEMA_PATH, mechanism_schema_text  # noqa: E402
from untoc_workflow.yamlsource import load_text  # noqa: E402

TEXT = MECHANISM.read_text(encoding="utf-8")


def schema_errors(text: str) -> list[str]:
    check = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    return [e.message for e in check.iter_errors(load_text(text, "mechanism.yaml").data)]


def loader_refuses(text: str) -> bool:
    try:
        parse_mechanism(load_text(text, "mechanism.yaml"))
    except InputError:
        return True
    return False


def test_the_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == mechanism_schema_text(), (
        "run: python -m untoc_workflow.mechanism.schema"
    )


def test_the_bundled_mechanism_yaml_meets_its_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text("utf-8")))
    assert schema_errors(TEXT) == []
    assert not loader_refuses(TEXT)


BAD = {
    "an unknown key": ("  redraw_limit: 4", "  redraw_limt: 4"),
    "a version in words": ("version: 1\n", "version: one\n"),
    "a threshold above 100 %": ("threshold_percent: 70", "threshold_percent: 170"),
    "no name": ("mechanism: untoc_review_mechanism\n", ""),
    "a Party code of four letters": ("    TUR:\n", "    TURK:\n"),
    "an instrument id in lower case": ("{id: TIP,", "{id: tip,"),
    "an alignment it does not know": ("aligned_to: first_of_month", "aligned_to: first_of_week"),
    "a cluster range that is not a range": ("cluster: {min: 1, max: 4}", "cluster: 1..4"),
    "a group numbered 0": ("{group: 1, starts_on: 2020-12-01", "{group: 0, starts_on: 2020-12-01"),
}


@pytest.mark.parametrize("why", sorted(BAD))
def test_the_schema_and_the_loader_refuse_the_same_bad_files(why: str) -> None:
    old, new = BAD[why]
    assert TEXT.count(old) == 1
    bad = TEXT.replace(old, new)
    assert schema_errors(bad), f"the schema accepts {why}"
    assert loader_refuses(bad), f"the loader accepts {why}"


def test_the_schema_and_the_loader_accept_a_mechanism_that_leaves_out_what_it_has_not() -> None:
    bare = "mechanism: regional_body\nversion: 1\nreviews:\n  country_review: {group: {min: 1}}\n"
    assert schema_errors(bare) == []
    assert not loader_refuses(bare)
