"""Large JSON files are read event by event; they must say and do what a parsed file does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from untoc_workflow.errors import InputError
from untoc_workflow.mechanism_file import parse_document
from untoc_workflow.mechanism_file.source import JsonStream
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
        ('{"format": "untoc-mechanism/1"} {}', ":1: not valid JSON: Extra data"),
        ("", "not valid JSON: the file is empty"),
    ],
)
def test_json_of_another_shape_is_reported_by_the_stream_itself(tmp_path, text, message):
    path = tmp_path / "odd.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        parse_document(JsonStream.open(path))


def _with_events(tmp_path: Path, n: int, tail: str) -> Path:
    """A file of `n` events, one per line, and `tail` written after the events list."""
    path = tmp_path / "many.json"
    event = '{"on": "2021-01-01", "type": "experts_nominated", "party": "NGA", "count": 1}'
    path.write_text(
        '{"format": "untoc-mechanism/1",\n"events": [\n'
        + ",\n".join([event] * n)
        + "\n]"
        + tail
        + "}\n",
        encoding="utf-8",
    )
    return path


def test_a_key_repeated_after_the_events_is_located_without_a_second_parse(tmp_path):
    # was: the whole file parsed again as JSON, then as YAML (434 s and 10 GB for 200 MB)
    path = _with_events(tmp_path, 2000, ',\n"format": "untoc-mechanism/1"')
    with pytest.raises(InputError) as err:
        JsonStream.open(path)
    (problem,) = err.value.problems
    assert problem.line == 2004 and "key 'format' appears twice" in problem.message
    assert "the first 'format' is at line 1" in str(problem)


def test_a_syntax_error_at_the_end_of_a_streamed_file_names_its_line(tmp_path):
    path = _with_events(tmp_path, 2000, ',\n"parties": [}')
    with pytest.raises(InputError, match=r"many.json:2004: not valid JSON"):
        JsonStream.open(path)


def test_a_duplicate_key_inside_a_head_value_is_located(tmp_path):
    path = tmp_path / "dupe.json"
    path.write_text(
        '{"format": "untoc-mechanism/1",\n"parties": [\n{"code": "NGA",\n "code": "GHA"}]}',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        parse_document(JsonStream.open(path))
    assert any(
        p.line == 4 and p.path == "parties[0]" and "'code' appears twice" in p.message
        for p in err.value.problems
    ), err.value.render()


def test_store_imports_a_streamed_file_all_or_nothing(store, tmp_path):
    doc = load_file(GOLDEN).data
    doc["events"][-1]["review"] = "C1-G2-DUE"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    with pytest.raises(InputError, match="unknown review 'C1-G2-DUE'"):
        store.import_file(path)
    snap = store.snapshot()
    assert (len(snap.parties), len(snap.reviews), len(snap.events)) == (0, 0, 0)


@pytest.mark.parametrize("between", [",", ", ", ",\r\n", " ,\t", "\n,\n  "])
def test_any_whitespace_between_streamed_events_reads_the_same_events(tmp_path, between):
    # the scan skips whitespace between events only where there is some: none, spaces,
    # tabs, CRLF, before and after the comma all read alike
    doc = load_file(GOLDEN).data
    head = json.dumps({k: v for k, v in doc.items() if k != "events"})[:-1]
    path = tmp_path / "spaced.json"
    body = between.join(json.dumps(e) for e in doc["events"])
    path.write_text(head + ', "events": [' + body + "]}", encoding="utf-8")
    assert parse_document(JsonStream.open(path)).events == parse_document(load_file(GOLDEN)).events


@pytest.mark.parametrize("after", ["\n", "\n  ", ""])
def test_a_missing_comma_between_streamed_events_names_the_next_events_line(tmp_path, after):
    event = '{"on": "2021-01-01", "type": "experts_nominated", "party": "NGA", "count": 1}'
    lines = [event + "," for _ in range(6)] + [event]
    lines[3] = event  # no comma after the fourth event (line 6)
    path = tmp_path / "comma.json"
    path.write_text(
        '{"format": "untoc-mechanism/1",\n"events": [\n'
        + after.join(lines[:4])
        + "\n"
        + "\n".join(lines[4:])
        + "\n]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        JsonStream.open(path)
    (problem,) = err.value.problems
    assert problem.message == "not valid JSON: Expecting ',' delimiter"
    assert problem.line == (7 if after else 4)
