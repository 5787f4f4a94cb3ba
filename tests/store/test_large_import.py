"""A large import into an empty log rebuilds the indexes once; a failed one leaves them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from sqlalchemy import inspect

from untoc_workflow.errors import InputError
from untoc_workflow.store.dialect import bulk_loading, making_indexes
from untoc_workflow.store.store import REBUILD_INDEXES_FROM
from untoc_workflow.store.tables import EVENT_INDEXES

pytestmark = pytest.mark.slow

_spec = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).parents[2] / "bench" / "generate.py"
)
assert _spec and _spec.loader
_generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_generate_module)
generate = _generate_module.generate


def _event_indexes(store) -> set[str]:
    return {ix["name"] for ix in inspect(store.engine).get_indexes("event")}


def test_large_import_keeps_every_index_and_is_idempotent(store, tmp_path):
    doc = generate(reviews=60, events=REBUILD_INDEXES_FROM + 500, parties=30)
    path = tmp_path / "large.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = store.import_file(path)
    assert result.events_added == REBUILD_INDEXES_FROM + 500
    assert set(EVENT_INDEXES) <= _event_indexes(store)
    assert store.import_file(path).events_skipped == REBUILD_INDEXES_FROM + 500
    snap = store.snapshot()
    assert len(snap.events) == REBUILD_INDEXES_FROM + 500
    assert [(e.on, e.seq) for e in snap.events] == sorted((e.on, e.seq) for e in snap.events)


def test_failed_large_import_leaves_the_empty_store_and_its_indexes(store, tmp_path):
    doc = generate(reviews=60, events=REBUILD_INDEXES_FROM + 500, parties=30)
    # the file's last fact of a review (its last facts may be a Party's) names none known
    last = next(e for e in reversed(doc["events"]) if "review" in e)
    last["review"] = "C9-G9-NOPE"
    path = tmp_path / "large-bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="unknown review 'C9-G9-NOPE'"):
        store.import_file(path)
    snap = store.snapshot()
    assert (len(snap.parties), len(snap.reviews), len(snap.events)) == (0, 0, 0)
    assert set(EVENT_INDEXES) <= _event_indexes(store)


def test_indexes_are_made_with_the_small_page_cache_then_the_bulk_one_is_back(store):
    # SQLite sorts an index's keys in runs of its page cache's size: small runs cost less
    with store.engine.connect() as conn, conn.begin(), bulk_loading(conn):
        bulk = _cache_size(conn)
        with making_indexes(conn):
            making = _cache_size(conn)
        after = _cache_size(conn)
    if store.engine.dialect.name == "sqlite":
        assert (bulk, making, after) == (-262144, -2000, -262144)
    else:
        assert (bulk, making, after) == (None, None, None)


def _cache_size(conn) -> int | None:
    if conn.dialect.name != "sqlite":
        return None
    return int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
