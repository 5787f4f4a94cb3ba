"""The bundled sample, read once per session without a store (the report is pure)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from untoc_workflow.core import Snapshot
from untoc_workflow.definitions import load_process
from untoc_workflow.mechanism_file import load_mechanism_file
from untoc_workflow.sample.generate import SAMPLE_FILE


def snapshot_of(path: Any) -> Snapshot:
    parsed = load_mechanism_file(path)
    events = tuple(sorted(parsed.events, key=lambda e: (e.on, e.seq)))
    return Snapshot({p.code: p for p in parsed.parties}, {r.id: r for r in parsed.reviews}, events)


@pytest.fixture(scope="session")
def process() -> Any:
    return load_process()


@pytest.fixture(scope="session")
def sample() -> Snapshot:
    return snapshot_of(SAMPLE_FILE)


@pytest.fixture(scope="session")
def sample_doc() -> dict[str, Any]:
    return json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))
