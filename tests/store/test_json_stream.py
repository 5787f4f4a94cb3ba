"""Large JSON files are read event by event; they must say and do what a parsed file does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from untoc_workflow.errors import InputError
from untoc_workflow.mechanism_file import parse_document
from untoc_workflow.mechanism_file.source import JsonStream, LocatedSource
from untoc_workflow.yamlsource import load_file

GOLDEN = Path(__file__).parent / "data" / "golden.yaml"


def _golden_json(tmp_path: Path, *, events_first: bool = False, indent: int | None = 1) -> Path:
    doc = load_file(GOLDEN).data
    if events_first:
        doc = {"events": doc["events"], **{k: v for k, v in doc.items() if k != "events"}}
    path = tmp_path / "golden.json"
    path.write_text(json.dumps(doc, indent=indent), encoding="utf-8")
    return path


@pytest.mark.parametrize("events_first", [False, True])
@pytest.mark.parametrize("indent", [None, 1])
def test_streamed_json_parses_to_the_same_values_as_the_yaml(tmp_path, events_first, indent):
    path = _golden_json(tmp_path, events_first=events_first, indent=indent)
    source = JsonStream.open(path)
    assert isinstance(source, JsonStream)
    assert len(source) == 23
    streamed = parse_document(source)
    parsed = parse_document(load_file(GOLDEN))
    assert streamed.parties == parsed.parties
    assert streamed.reviews == parsed.reviews
    assert streamed.events == parsed.events


def test_a_problem_in_a_streamed_event_names_its_line(tmp_path):
    doc = load_file(GOLDEN).data
    doc["events"][5]["person"]["emial"] = "x@example.org"
    path = tmp_path / "bad.json"
    # one event per line, as bench/generate.py and big exports look
    head = json.dumps({k: v for k, v in doc.items() if k != "events"})[:-1]
    body = ",\n".join(json.dumps(e) for e in doc["events"])
    path.write_text(head + ',\n"events": [\n' + body + "\n]}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        parse_document(JsonStream.open(path))
    (problem,) = err.value.problems
    assert problem.path == "events[5].person.emial"
    assert problem.line == 8  # head on line 1, "events": [ on line 2, events from line 3
    assert "did you mean 'email'?" in str(problem)


def test_a_duplicate_key_inside_a_streamed_event_is_an_error(tmp_path):
    path = tmp_path / "dupe.json"
    path.write_text(
        '{"format": "untoc-mechanism/1", "parties": [], "reviews": [], "events": [\n'
        '{"on": "2021-01-01", "type": "saq_submitted", "review": "X", "review": "Y"}\n]}',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        parse_document(JsonStream.open(path))
    assert "key 'review' appears twice" in str(err.value)
    assert any(p.line == 2 and p.path.startswith("events[0]") for p in err.value.problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "untoc-mechanism/1", "events": {}}', "`events` must be a list"),
        ('{"format": "untoc-mechanism/1",\n "events": [1,]}', ":2: not valid JSON"),
        ("[]", "must be a mapping"),
    ],
)
def test_json_the_stream_cannot_read_falls_back_to_the_usual_errors(tmp_path, text, message):
    path = tmp_path / "odd.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        source = JsonStream.open(path)
        assert isinstance(source, LocatedSource)
        parse_document(source)


def test_store_imports_a_streamed_file_all_or_nothing(store, tmp_path):
    doc = load_file(GOLDEN).data
    doc["events"][-1]["review"] = "C1-G2-DUE"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    with pytest.raises(InputError, match="unknown review 'C1-G2-DUE'"):
        store.import_file(path)
    snap = store.snapshot()
    assert (len(snap.parties), len(snap.reviews), len(snap.events)) == (0, 0, 0)
