"""Every difference between SQLite and PostgreSQL lives here.

SQLite: WAL (readers do not block the writer), a busy timeout instead of instant "database is
locked", foreign keys on (off by default), and `BEGIN IMMEDIATE` for writing transactions so
two writers queue at BEGIN instead of failing halfway (pysqlite's own BEGIN is deferred).
PostgreSQL: psycopg 3 (`postgresql+psycopg://`); plain transactions are enough, since every
write here is an insert guarded by a unique key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000
# Bind parameters per statement: SQLite's default limit is 32766; stay well below it.
MAX_BIND = 900


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine configured for the database behind `url`."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if u.get_backend_name() == "postgresql":
        if u.get_driver_name() not in ("psycopg",):
            raise ValueError(
                "PostgreSQL needs the psycopg 3 driver: write postgresql+psycopg://..."
                f" (got {u.drivername})"
            )
        return create_engine(url, pool_pre_ping=True)
    raise ValueError(
        f"unsupported database {u.get_backend_name()!r}: use sqlite:/// or postgresql+psycopg://"
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is ours (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not _is_memory(url):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster commits
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _is_memory(url: str) -> bool:
    db = make_url(url).database
    return not db or db == ":memory:" or "mode=memory" in url


def writing(conn: Connection) -> Connection:
    """Mark a connection's next transaction as a writer (BEGIN IMMEDIATE on SQLite)."""
    return conn.execution_options(sqlite_begin="IMMEDIATE")


_MIGRATION_LOCK = 0x756E746F63  # "untoc": any constant shared by every process
_WRITE_LOCK = 0x756E746F64


def lock_for_migration(conn: Connection) -> None:
    """Serialise migrations. SQLite: BEGIN IMMEDIATE already holds the write lock."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")


def lock_for_writing(conn: Connection) -> None:
    """Serialise writers of the event log for the transaction (imports, appends), so the
    check "is this id stored?" and the insert cannot interleave with another writer.
    SQLite: BEGIN IMMEDIATE (see `writing`) already does this."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
