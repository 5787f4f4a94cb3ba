"""A file that repeats an event exactly under the same id (as merged exports do) is
imported, the repeat skipped and counted; the same id with different content is refused,
naming both places."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from untoc_workflow.errors import InputError
from untoc_workflow.yamlsource import load_file

GOLDEN = Path(__file__).parent / "data" / "golden.yaml"


def _with_ids() -> dict:
    doc = load_file(GOLDEN).data
    for i, e in enumerate(doc["events"]):
        e.setdefault("id", f"ev-{i}")
    return doc


def _write(tmp_path: Path, doc: dict, suffix: str) -> Path:
    path = tmp_path / f"merged{suffix}"
    if suffix == ".json":
        # one event per line, as exports and bench/generate.py write them
        head = json.dumps({k: v for k, v in doc.items() if k != "events"})[:-1]
        body = ",\n".join(json.dumps(e) for e in doc["events"])
        path.write_text(head + ',\n"events": [\n' + body + "\n]}\n", encoding="utf-8")
    else:
        import yaml

        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_an_identical_repeat_is_skipped_and_counted(store, tmp_path, suffix):
    doc = _with_ids()
    whole = len(doc["events"])
    doc["events"] += [copy.deepcopy(doc["events"][3]), copy.deepcopy(doc["events"][7])]
    result = store.import_file(_write(tmp_path, doc, suffix))
    assert (result.events_added, result.events_repeated) == (whole, 2)
    assert "2 events repeated in the file under the same id were skipped" in str(result)
    assert len(store.snapshot().events) == whole
    again = store.import_file(_write(tmp_path, doc, suffix))
    assert (again.events_added, again.events_skipped, again.events_repeated) == (0, whole, 2)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_the_same_id_with_different_content_names_both_places(store, tmp_path, suffix):
    doc = _with_ids()
    clash = copy.deepcopy(doc["events"][3])
    clash["on"] = "2023-01-02"
    doc["events"].append(clash)
    last = len(doc["events"]) - 1
    path = _write(tmp_path, doc, suffix)
    with pytest.raises(InputError) as err:
        store.import_file(path)
    (problem,) = err.value.problems
    assert problem.path == f"events[{last}].id"
    first_line = load_file(path).line_of("events[3]") if suffix == ".yaml" else 6
    assert "event id 'ev-3' is used twice with different content" in problem.message
    assert f"(also events[3], line {first_line})" in problem.message
    assert len(store.snapshot().events) == 0
