"""Run the store's Alembic migrations programmatically (on every `open_store`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from . import projection
from .dialect import lock_for_migration, writing

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the store's migrations must form one chain; heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`; cheap when it is already there."""
    head = head_revision() if revision == "head" else revision
    if current_revision(engine) == head:
        return
    cfg = alembic_config()
    with writing(engine.connect()) as conn, conn.begin():
        lock_for_migration(conn)  # two processes opening a new store: one migrates
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if revision == "head" and not projection.is_fresh(conn):
            # a log stored before projections existed: fold it in once, here
            projection.rebuild(conn)
