"""Every file under invalid/ is refused with the message beside it, and changes nothing.

`name.yaml` (or `.json`) goes with `name.expected.txt`: each line of it must appear in the
error, which includes `file:line: path: message (hint)`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from untoc_workflow.errors import InputError
from untoc_workflow.mechanism_file import parse_document
from untoc_workflow.yamlsource import load_file

HERE = Path(__file__).parent
INVALID = HERE / "invalid"
GOLDEN = HERE / "data" / "golden.yaml"
CASES = sorted(p for p in INVALID.iterdir() if p.suffix in (".yaml", ".json"))


def _expected(case: Path) -> list[str]:
    text = case.with_name(case.stem + ".expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def test_every_invalid_file_says_what_it_must_produce():
    assert len(CASES) >= 12
    for case in CASES:
        assert _expected(case), f"{case.name} has no expected messages"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_invalid_file_is_refused_with_its_message_and_changes_nothing(store, case):
    store.import_file(GOLDEN)
    before = store.snapshot()
    with pytest.raises(InputError) as err:
        store.import_file(case)
    message = err.value.render()
    for expected in _expected(case):
        assert expected in message, f"{case.name}: {expected!r} not in:\n{message}"
    after = store.snapshot()
    assert after == before


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_invalid_file_is_refused_without_a_store_too(case):
    # parse_document alone (no store): same problems, except references to stored data
    with pytest.raises(InputError) as err:
        parse_document(load_file(case))
    assert all(p.file and p.file.endswith(case.name) for p in err.value.problems)


def test_norway_stays_a_string_and_is_not_false():
    with pytest.raises(InputError) as err:
        parse_document(load_file(INVALID / "norway_no.yaml"))
    first = err.value.problems[0]
    assert first.path == "parties[3].code"
    assert "'NO'" in first.message and "False" not in err.value.render()


def test_problems_carry_the_data_path_without_union_tags():
    with pytest.raises(InputError) as err:
        parse_document(load_file(INVALID / "four_languages.yaml"))
    assert [dataclasses.astuple(p)[1:4] for p in err.value.problems] == [
        ("events[0].languages", str(INVALID / "four_languages.yaml"), 27)
    ]


@pytest.mark.parametrize("name", ["review_with_a_bad_date", "party_code_in_lower_case"])
def test_what_names_a_refused_review_or_party_is_not_reported_unknown_too(name):
    # the one mistake is where the review (or party) is written; each event naming it used
    # to add "unknown review 'C2-G1-ITA' (did you mean 'C2-G1-AUT'?)", which sent the
    # reader after the wrong review
    case = INVALID / f"{name}.yaml"
    with pytest.raises(InputError) as err:
        parse_document(load_file(case))
    message = err.value.render()
    assert [p.path for p in err.value.problems] == [_expected(case)[0].split(": ")[1]]
    assert "unknown" not in message and "did you mean 'C2-G1-AUT'" not in message
