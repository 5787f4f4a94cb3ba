"""Export, then import into an empty store: the same Mechanism, at any size, in JSON or YAML."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.core.model import Event
from untoc_workflow.store import open_store

_spec = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).parents[2] / "bench" / "generate.py"
)
assert _spec and _spec.loader
_generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_generate_module)
generate = _generate_module.generate


def _same(a, b) -> bool:
    def strip(s):
        return (
            dict(s.parties),
            dict(s.reviews),
            [dataclasses.replace(e, seq=0) for e in s.events],
        )

    return strip(a) == strip(b)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_generated_mechanism_survives_export_and_reimport(store, tmp_path, suffix):
    doc = generate(reviews=40, events=3000, parties=25, seed=5)
    source = tmp_path / "generated.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    assert store.import_file(source).events_added == 3000
    exported = store.export_file(tmp_path / f"export{suffix}")
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        assert other.import_file(exported).events_added == 3000
        assert _same(other.snapshot(), store.snapshot())
        assert _same(other.snapshot(date(2022, 1, 1)), store.snapshot(date(2022, 1, 1)))
    finally:
        other.close()


def test_words_yaml_would_turn_into_booleans_come_back_as_words(store, tmp_path):
    store.import_file(Path(__file__).parent / "data" / "golden.yaml")
    store.append(
        [
            Event(on=date(2022, 7, 1), type="saq_submitted", review="C1-G2-FRA", note="no"),
            Event(on=date(2022, 7, 2), type="saq_submitted", review="C1-G2-DEU", note="On"),
        ]
    )
    exported = store.export_file(tmp_path / "export.yaml")
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        other.import_file(exported)
        notes = [e.note for e in other.snapshot().events if e.on >= date(2022, 7, 1)]
        assert notes == ["no", "On"]
    finally:
        other.close()
