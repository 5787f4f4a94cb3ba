"""Messages held for approval (an escalation to a mission or to the Presidency of the
Conference waits for the secretariat): released or rejected by a named person, on a date.

On a connection with no transaction open, each call commits its own; on one with a
transaction open (`engine.begin()`, or an earlier read), it works inside that transaction
and the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select, update

from ..errors import InputError
from .entries import check_keys, transaction
from .tables import AWAITING_APPROVAL, CANCELLED, PENDING, OutboxRow, utc_naive

TABLE = OutboxRow.__table__  # type: ignore[attr-defined]
C = TABLE.c


def _who(by: str) -> str:
    name = " ".join(by.split())
    if not name:
        raise InputError("say who decides: --by NAME")
    return name


def approve(conn: Connection, keys: Sequence[str] | None, *, by: str, at: datetime) -> list[str]:
    """Release held messages (None: every one awaiting approval) for the next drain; who and
    when are kept. Unknown or not held keys: InputError, nothing changed. Returns the keys
    approved."""
    by, at = _who(by), utc_naive(at)
    with transaction(conn):
        if keys is None:
            query = select(C.key).where(C.status == AWAITING_APPROVAL).order_by(C.id)
            chosen = list(conn.execute(query).scalars())
        else:
            chosen = check_keys(conn, keys, allowed=(AWAITING_APPROVAL,), doing="approve")
        _decide(conn, chosen, status=PENDING, decided_by=by, decided_at=at, updated_at=at)
    return chosen


def reject(conn: Connection, keys: Sequence[str], *, why: str, by: str, at: datetime) -> list[str]:
    """Cancel held messages, keeping who rejected them, when and why. Unknown or not held
    keys: InputError, nothing changed. Returns the keys rejected."""
    by, at = _who(by), utc_naive(at)
    reason = " ".join(why.split())
    if not reason:
        raise InputError("say why the messages are rejected: --why TEXT")
    if not keys:
        raise InputError("name the messages to reject (their keys: `untoc outbox list --awaiting`)")
    with transaction(conn):
        chosen = check_keys(conn, keys, allowed=(AWAITING_APPROVAL,), doing="reject")
        _decide(
            conn,
            chosen,
            status=CANCELLED,
            cancel_reason=f"rejected by {by}: {reason}",
            decided_by=by,
            decided_at=at,
            updated_at=at,
        )
    return chosen


def _decide(conn: Connection, keys: list[str], **values: object) -> None:
    for i in range(0, len(keys), 500):
        conn.execute(
            update(TABLE)
            .where(C.key.in_(keys[i : i + 500]), C.status == AWAITING_APPROVAL)
            .values(**values)
        )
