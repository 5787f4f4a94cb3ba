"""Every difference between SQLite and PostgreSQL lives here.

SQLite: WAL (readers do not block the writer), a busy timeout instead of instant "database is
locked", foreign keys on (off by default), and `BEGIN IMMEDIATE` for writing transactions so
two writers queue at BEGIN instead of failing halfway (pysqlite's own BEGIN is deferred).
PostgreSQL: psycopg 3 (`postgresql+psycopg://`); plain transactions are enough, since every
write here is an insert guarded by a unique key.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from datetime import datetime

BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = -65536  # negative: KiB, so 64 MB
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
    database = make_url(url).database
    if database and not _is_memory(url) and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if _is_memory(url):
        # one in-memory database for the engine's life, whichever thread asks
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
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
        # A bigger page cache (grows only as used) keeps a million-event import's indexes
        # in memory instead of re-reading pages: 64 MB.
        cur.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
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


# The columns an append writes, in the order of its rows (`Pending` reads the same layout).
EVENT_COLUMNS = ("on", "type", "review_id", "party", "data", "id", "note", "recorded_at")


def recorded_at_value(conn: Connection, recorded_at: datetime) -> Any:
    """`recorded_at` (an aware datetime) as `insert_events` writes it: the last value of
    each of its rows, put there when the row is made (no second tuple per row)."""
    if conn.dialect.name == "postgresql":
        return recorded_at.isoformat()  # COPY's text form
    # SQLite keeps datetimes as text in SQLAlchemy's format
    return _sqlite_datetime(recorded_at)


def insert_events(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Bulk-insert event rows (tuples of EVENT_COLUMNS, `on` in ISO, the last value from
    `recorded_at_value`) on the connection's transaction, the fastest way each database
    has: COPY on PostgreSQL, one prepared executemany on the driver's cursor on SQLite
    (SQLAlchemy's executemany would look at every row again)."""
    if not rows:
        return
    columns = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
    dbapi: Any = conn.connection.driver_connection  # psycopg's or sqlite3's: their own APIs
    if conn.dialect.name == "postgresql":
        # COPY's text form: the ISO date is what PostgreSQL reads for a DATE
        with dbapi.cursor() as cur, cur.copy(f"COPY event ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        return
    cur = dbapi.cursor()
    try:
        cur.executemany(f"INSERT INTO event ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        cur.close()


def _sqlite_datetime(value: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME storage format (naive, UTC here)
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def query_rows(
    conn: Connection, sql: str, params: tuple[Any, ...] = (), *, stream: bool = False
) -> Any:
    """Run `sql` (with `?` placeholders) on the driver's own cursor, for reads of a million
    rows where SQLAlchemy's row objects would cost more than the query. Returns the cursor.

    `stream`: the rows are fetched in batches as they are read (PostgreSQL: a server-side
    cursor; libpq would otherwise hold the whole result in memory). SQLite always streams.
    """
    dbapi: Any = conn.connection.driver_connection  # psycopg's or sqlite3's: their own APIs
    if conn.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
        if stream:
            cur = dbapi.cursor(name=f"untoc_stream_{next(_cursor_names)}")
            cur.itersize = 20_000
            cur.execute(sql, params)
            return cur
    cur = dbapi.cursor()
    cur.execute(sql, params)
    return cur


_cursor_names = itertools.count()


def sql_date(conn: Connection, value: Any) -> Any:
    """A date as the driver compares it with a DATE column (SQLite: ISO text)."""
    return value.isoformat() if conn.dialect.name == "sqlite" else value


def repeatable_read(conn: Connection) -> Connection:
    """Reads that must see one state of the database across several queries."""
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="REPEATABLE READ")
    return conn  # SQLite: a read transaction in WAL mode already sees one state


@contextmanager
def bulk_loading(conn: Connection) -> Iterator[None]:
    """Settings for one large import on this connection: SQLite gets a 256 MB page cache
    (the event log's indexes stay in memory while a million rows go in), then its usual."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = {_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")


_BULK_CACHE_KIB = -262144  # 256 MB
_SORT_CACHE_KIB = -2000  # SQLite's own default, 2 MB


@contextmanager
def making_indexes(conn: Connection) -> Iterator[None]:
    """Settings for making indexes of a large table at once, inside `bulk_loading`: SQLite
    sorts an index's keys in runs as large as its page cache, and runs of 2 MB, sorted in
    the processor's cache and then merged, cost less than one run of 256 MB (a million
    events' three indexes and the commit after them: 3.2-3.4 s against 3.7-3.8 s)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = {_SORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {_BULK_CACHE_KIB}")
