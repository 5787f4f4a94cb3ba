"""The published JSON Schema is the models', and the migrations form one chain."""

from __future__ import annotations

import json

from sqlalchemy import inspect

from untoc_workflow.mechanism_file import SCHEMA_PATH, json_schema
from untoc_workflow.mechanism_file.schema import schema_text
from untoc_workflow.store import open_store
from untoc_workflow.store.migrate import current_revision, head_revision


def test_committed_json_schema_is_generated_from_the_current_models():
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "schemas/mechanism-file.schema.json is stale: run"
        " `.venv/bin/python -m untoc_workflow.mechanism_file` and commit it"
    )


def test_json_schema_forbids_unknown_keys_and_knows_every_event_type():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    assert schema["properties"]["format"]["const"] == "untoc-mechanism/1"
    mapping = schema["properties"]["events"]["items"]["discriminator"]["mapping"]
    assert set(mapping) >= {"focal_point_nominated", "deadline_extended", "step_waived"}
    assert json.loads(json.dumps(schema)) == schema


def test_migrations_form_one_chain_starting_at_the_foundation():
    from alembic.script import ScriptDirectory

    from untoc_workflow.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[-1] == "0001_foundation"
    assert script.get_heads() == [head_revision()]


def test_opening_a_store_migrates_it_to_the_head_and_again_is_harmless(store_url):
    first = open_store(store_url)
    try:
        assert current_revision(first.engine) == head_revision()
        tables = set(inspect(first.engine).get_table_names())
        assert {"party", "review", "review_reviewer", "event", "alembic_version"} <= tables
        indexes = {ix["name"] for ix in inspect(first.engine).get_indexes("event")}
        assert {"ix_event_on_seq", "ix_event_review_on", "ix_event_party_type"} <= indexes
    finally:
        first.close()
    second = open_store(store_url)
    try:
        assert current_revision(second.engine) == head_revision()
    finally:
        second.close()


def test_sqlite_store_runs_in_wal_with_foreign_keys_on(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        s.close()
