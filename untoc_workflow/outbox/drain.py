"""Draining the outbox: claim a due row, hand it to the transport, record the outcome.

Nothing is lost; a duplicate is possible only when the server accepted a message whose
answer was lost, and it carries the same Message-ID. To keep that promise:

- A row is claimed before it is sent, in a short transaction of its own: `sending`, one
  more attempt, and a lease (`next_attempt_at` = the claim's end). The claim is an UPDATE
  guarded by the row being due, so two drains never claim the same row (on both databases:
  the second UPDATE finds the row no longer due), and no lock is held while the server
  talks.
- The outcome is recorded under the same guard plus the attempt number, a fencing token:
  a drain whose claim was taken over after its lease cannot overwrite the newer attempt.
- A row still `sending` after its lease belongs to a drain that died (SIGKILL, power cut).
  The next drain puts it back as `in_doubt`, due at once: the lease was its delay.
- `in_doubt` (no answer to the final dot) is retried after the backoff, with the same
  Message-ID; `failed` (nothing complete reached the server) likewise; a permanent refusal
  (5xx) or the last attempt gives the row up, keeping why.

Time is handed in (`now`); during a long drain it advances with the elapsed time, so a
claim made an hour into the drain gets a lease that ends after it, not before.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from ..errors import InputError
from ..store.dialect import writing
from .delivery import DeliveryFailed, DeliveryInDoubt
from .headers import valid_address
from .message import build_message
from .tables import FAILED, IN_DOUBT, PENDING, SENDING, SENT, OutboxRow, utc_naive

TABLE = OutboxRow.__table__  # type: ignore[attr-defined]
C = TABLE.c

# Backoff after the n-th failed attempt: 5 min, 10, 20, 40... at most 12 hours; after
# MAX_ATTEMPTS the row stays failed with no next attempt (shown as given up).
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=12)
MAX_ATTEMPTS = 10
# Longer than one message can take (connect and each command 15 s, the final dot 120 s),
# so a live drain's claim never looks stale; short enough that a dead drain's rows go out
# again at the next sweep.
LEASE = timedelta(minutes=5)
DIED = "the drain sending it stopped (killed or crashed) before the outcome was recorded"

Clock = Callable[[], datetime]


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_FIRST * int(2 ** max(0, attempts - 1)), BACKOFF_CAP)


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0  # not accepted this time; tried again after the backoff
    given_up: int = 0  # refused for good (5xx), or the last attempt failed
    in_doubt: int = 0  # no answer to the final dot: sent again later, same Message-ID
    recovered: int = 0  # claims of a drain that died, put back as in doubt
    retried: int = 0  # attempts that were not a row's first
    errors: list[str] = field(default_factory=list)


_SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


def file_name(row: Any) -> str:
    """A readable, unique file name for a row: date, review, step, rung, recipient, hash."""
    tail = row.message_id.strip("<>").split("@", 1)[0].rsplit(".", 1)[-1][:10]
    parts = [
        str(row.found_on),
        row.review_id or row.kind,
        row.step or "",
        row.rung or "",
        row.recipient,
    ]
    readable = "_".join(_SAFE.sub("-", p) for p in parts if p)
    return f"{readable[:150]}_{tail}"


def advancing_clock(now: datetime) -> Clock:
    """`now`, moving on with the time elapsed since (monotonic: immune to clock changes)."""
    start, origin = time.monotonic(), utc_naive(now)
    return lambda: origin + timedelta(seconds=time.monotonic() - start)


def _due(at: datetime) -> Any:
    return (C.status == PENDING) | (
        C.status.in_((FAILED, IN_DOUBT))
        & C.next_attempt_at.is_not(None)
        & (C.next_attempt_at <= at)
    )


def recover_stale_claims(conn: Connection, at: datetime) -> int:
    """Rows left `sending` past their lease by a drain that died: in doubt, due at once.
    (A claim with no lease was made by a version before leases: stale too.)"""
    with conn.begin():
        result = conn.execute(
            update(TABLE)
            .where(
                C.status == SENDING,
                C.next_attempt_at.is_(None) | (C.next_attempt_at <= at),
            )
            .values(status=IN_DOUBT, next_attempt_at=at, last_error=DIED, updated_at=at)
        )
    return int(result.rowcount or 0)


def claim(conn: Connection, row_id: int, at: datetime, lease: timedelta = LEASE) -> Any:
    """Take one due row for this drain (None: sent, cancelled or taken meanwhile)."""
    with conn.begin():
        result = conn.execute(
            update(TABLE)
            .where(C.id == row_id, _due(at))
            .values(
                status=SENDING,
                attempts=C.attempts + 1,
                next_attempt_at=at + lease,
                updated_at=at,
            )
        )
        if result.rowcount != 1:
            return None
        return conn.execute(select(TABLE).where(C.id == row_id)).first()


def _record(conn: Connection, row: Any, **values: Any) -> None:
    """The outcome of this drain's attempt, unless a newer attempt has taken the row over
    (a recovery that has not re-sent it yet leaves the attempt number as it was)."""
    with conn.begin():
        conn.execute(
            update(TABLE)
            .where(
                C.id == row.id,
                C.attempts == row.attempts,
                C.status.in_((SENDING, IN_DOUBT)),
            )
            .values(**values)
        )


def drain(
    engine: Engine,
    transport: Any,
    now: datetime,
    *,
    sender: str,
    sender_name: str,
    reply_to: str | None = None,
    limit: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    lease: timedelta = LEASE,
    clock: Clock | None = None,
    written_since: date | None = None,
) -> DrainReport:
    """Send every row that is due for (another) attempt at `now`; record each outcome.

    With `written_since`, a pending or failed letter written before that day is left for
    that day's sweep, which writes it again with the day's date and figures before it
    leaves (a letter never states another day than the one it goes out); a message in
    doubt is still sent as it was, under its Message-ID, since its first copy may have
    arrived."""
    report = DrainReport()
    if not valid_address(sender):
        raise InputError(
            f"the sender address {sender!r} is not a plain email address (UNTOC_SENDER)"
        )
    clock = clock or advancing_clock(now)
    with writing(engine.connect()) as conn:
        report.recovered = recover_stale_claims(conn, clock())
        with conn.begin():
            due = _due(clock())
            if written_since is not None:
                due = due & ((C.status == IN_DOUBT) | (C.found_on >= written_since))
            ids = list(conn.execute(select(C.id).where(due).order_by(C.id)).scalars())
        for row_id in ids[:limit] if limit is not None else ids:
            at = clock()
            row = claim(conn, row_id, at, lease)
            if row is None:
                continue
            if row.attempts > 1:
                report.retried += 1
            _deliver(
                conn,
                row,
                transport,
                at,
                report,
                max_attempts,
                clock,
                sender=sender,
                sender_name=sender_name,
                reply_to=reply_to,
            )
    return report


def _deliver(
    conn: Connection,
    row: Any,
    transport: Any,
    at: datetime,
    report: DrainReport,
    max_attempts: int,
    clock: Clock,
    **envelope: Any,
) -> None:
    message = build_message(row, now=at, **envelope)
    last = row.attempts >= max_attempts
    try:
        transport.send(message, file_name(row))
    except DeliveryInDoubt as exc:
        done = clock()
        report.errors.append(f"{row.recipient}: in doubt: {exc}")
        if last:
            report.given_up += 1
        else:
            report.in_doubt += 1
        _record(
            conn,
            row,
            status=FAILED if last else IN_DOUBT,
            last_error=f"in doubt: {exc}"[:2000],
            next_attempt_at=None if last else done + backoff(row.attempts),
            updated_at=done,
        )
        return
    except DeliveryFailed as exc:
        done = clock()
        give_up = last or exc.permanent
        report.errors.append(f"{row.recipient}: {exc}")
        if give_up:
            report.given_up += 1
        else:
            report.failed += 1
        _record(
            conn,
            row,
            status=FAILED,
            last_error=str(exc)[:2000],
            next_attempt_at=None if give_up else done + backoff(row.attempts),
            sent_at=None,
            updated_at=done,
        )
        return
    done = clock()
    _record(
        conn, row, status=SENT, sent_at=done, next_attempt_at=None, last_error=None, updated_at=done
    )
    report.sent += 1


def retry_now(conn: Connection, keys: list[str] | None, at: datetime) -> list[str]:
    """Make pending, failed (given up included) and in-doubt rows due at `at` (all of them,
    or the named ones); a row whose claim has lapsed is recovered by the next drain.
    Unknown keys, or rows sent, cancelled, held or being sent: InputError, nothing changed.
    Returns the keys made due."""
    from .entries import check_keys, transaction

    at = utc_naive(at)
    retryable = (PENDING, FAILED, IN_DOUBT)
    with transaction(conn):
        if keys is None:
            chosen = list(
                conn.execute(select(C.key).where(C.status.in_(retryable)).order_by(C.id)).scalars()
            )
        else:
            chosen = check_keys(
                conn,
                keys,
                allowed=retryable,
                doing="retry",
                also=lambda r: (
                    r.status == SENDING and (r.next_attempt_at is None or r.next_attempt_at <= at)
                ),
            )
        for i in range(0, len(chosen), 500):
            conn.execute(
                update(TABLE)
                .where(C.key.in_(chosen[i : i + 500]), C.status.in_((FAILED, IN_DOUBT)))
                .values(next_attempt_at=at, updated_at=at)
            )
    return chosen
