"""The outbox's consolidated messages and the ledger of the notices they carry, as the sweep
reads and writes them: which (notice, address) pairs are recorded, the messages still open
with their live notices, cancelling them, and moving notices to the message that carries
them now. What a notice says is notify's; where it is kept is the outbox's, so the sweep
hands the ledger its rows ready made."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..store.dialect import MAX_BIND
from .decisions import REBUILD
from .ledger import MessageNotice
from .rows import TABLE, C
from .tables import AWAITING_APPROVAL, CANCELLED, FAILED, PENDING

# The outbox kind of a consolidated message (one per recipient per sweep).
MESSAGE_KIND = "message"

N = MessageNotice.__table__  # type: ignore[attr-defined]
# Messages a sweep may still rebuild or cancel: not yet handed to a server. A failed one
# whose retries gave up stays as it is (the secretariat retries it by hand).
OPEN = (PENDING, FAILED, AWAITING_APPROVAL)


def known(conn: Connection, notices: Sequence[str]) -> set[tuple[str, str]]:
    """(notice, address) pairs already carried by some message."""
    out: set[tuple[str, str]] = set()
    keys = sorted(set(notices))
    for i in range(0, len(keys), MAX_BIND):
        chunk = keys[i : i + MAX_BIND]
        out.update(
            (n, r)
            for n, r in conn.execute(select(N.c.notice, N.c.recipient).where(N.c.notice.in_(chunk)))
        )
    return out


def carried_by(conn: Connection, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The state of the message now carrying each (notice, address) pair recorded."""
    out: dict[tuple[str, str], str] = {}
    notices = sorted({n for n, _ in pairs})
    wanted = set(pairs)
    for i in range(0, len(notices), MAX_BIND):
        chunk = notices[i : i + MAX_BIND]
        rows = conn.execute(
            select(N.c.notice, N.c.recipient, C.status)
            .join(TABLE, C.key == N.c.outbox_key)
            .where(N.c.notice.in_(chunk))
        )
        out.update(((n, r), status) for n, r, status in rows if (n, r) in wanted)
    return out


def open_messages(conn: Connection) -> list[tuple[Any, list[Any]]]:
    """Consolidated messages not yet handed to a server, each with its live notices."""
    messages = list(
        conn.execute(
            select(
                C.id,
                C.key,
                C.recipient,
                C.status,
                C.decided_by,
                C.decided_at,
                C.cancel_reason,
                C.found_on,
            ).where(
                C.kind == MESSAGE_KIND,
                or_(
                    C.status.in_((PENDING, AWAITING_APPROVAL)),
                    (C.status == FAILED) & C.next_attempt_at.is_not(None),
                    # a decision cancelled some of its notices: rebuilt from the others
                    (C.status == CANCELLED) & C.cancel_reason.like(f"{REBUILD}%"),
                ),
            )
        )
    )
    if not messages:
        return []
    by_key: dict[str, list[Any]] = defaultdict(list)
    keys = [m.key for m in messages]
    for i in range(0, len(keys), MAX_BIND):
        for child in conn.execute(
            select(N).where(N.c.outbox_key.in_(keys[i : i + MAX_BIND]), N.c.cancel_reason.is_(None))
        ):
            by_key[child.outbox_key].append(child)
    return [(m, by_key.get(m.key, [])) for m in messages]


def cancel_open(conn: Connection, reasons: Mapping[int, str], stamp: datetime) -> int:
    """Cancel messages still open (pending, failed, awaiting approval), each with its reason;
    one sent or claimed meanwhile stays as it is."""
    n = 0
    for row_id, reason in reasons.items():
        # a message a decision marked to be rebuilt: rebuilt now, say so (not counted again)
        conn.execute(
            update(TABLE)
            .where(C.id == row_id, C.status == CANCELLED, C.cancel_reason.like(f"{REBUILD}%"))
            .values(cancel_reason=reason[:2000], updated_at=stamp)
        )
        result = conn.execute(
            update(TABLE)
            .where(C.id == row_id, C.status.in_(OPEN))
            .values(
                status=CANCELLED,
                cancel_reason=reason[:2000],
                next_attempt_at=None,
                updated_at=stamp,
            )
        )
        n += result.rowcount or 0
    return n


def write_ledger(
    conn: Connection,
    moved: Sequence[tuple[int, str, bool]],
    fresh: Sequence[Mapping[str, Any]],
    dropped: Mapping[int, str],
) -> None:
    """The notices each new message carries: `fresh` ledger rows inserted, the carried ones
    (ledger id, message key, approved) moved to their new message, `dropped` ones marked."""
    for ledger_id, why in dropped.items():
        conn.execute(update(N).where(N.c.id == ledger_id).values(cancel_reason=why[:2000]))
    for ledger_id, outbox_key, approved in moved:
        conn.execute(
            update(N).where(N.c.id == ledger_id).values(outbox_key=outbox_key, approved=approved)
        )
    if fresh:
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        rows = list(fresh)
        step = max(1, MAX_BIND // len(rows[0]))
        for i in range(0, len(rows), step):
            stmt = dialect.insert(N).on_conflict_do_nothing(index_elements=["notice", "recipient"])
            conn.execute(stmt, rows[i : i + step])


def count_status(conn: Connection, status: str) -> int:
    return int(
        conn.execute(select(func.count()).select_from(TABLE).where(C.status == status)).scalar_one()
    )


def ids_with(conn: Connection, ids: Mapping[int, str], status: str) -> set[int]:
    keys = list(ids)
    out: set[int] = set()
    for i in range(0, len(keys), MAX_BIND):
        out.update(
            conn.execute(
                select(C.id).where(C.id.in_(keys[i : i + MAX_BIND]), C.status == status)
            ).scalars()
        )
    return out
