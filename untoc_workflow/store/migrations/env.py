"""Alembic environment: uses the connection `migrate.upgrade` hands over, or, when Alembic
is run from the command line, the database of the settings (UNTOC_DATABASE_URL)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from untoc_workflow.store import tables  # noqa: F401  (registers the store's tables)

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store.dialect import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or load_settings().database_url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()
