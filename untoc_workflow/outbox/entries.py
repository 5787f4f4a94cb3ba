"""The outbox as the secretariat reads it: each message with its state in words, and what
is holding back the ones not yet delivered."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from ..errors import InputError, Problem
from .tables import (
    AWAITING_APPROVAL,
    CANCELLED,
    FAILED,
    IN_DOUBT,
    PENDING,
    SENDING,
    SENT,
    OutboxRow,
)

TABLE = OutboxRow.__table__  # type: ignore[attr-defined]
C = TABLE.c

# The words the command line and the contract use for each stored status.
PENDING_WORD = "pending"
GIVEN_UP_WORD = "given up"
STATE_WORDS = {
    PENDING: PENDING_WORD,
    SENDING: "sending",
    SENT: "sent",
    CANCELLED: "cancelled",
    AWAITING_APPROVAL: "awaiting approval",
    IN_DOUBT: "in doubt",
}


def state_word(status: str, next_attempt_at: datetime | None) -> str:
    """A failed row still to be tried is pending (with its reason); without a next attempt
    it is given up."""
    if status == FAILED:
        return PENDING_WORD if next_attempt_at is not None else GIVEN_UP_WORD
    return STATE_WORDS.get(status, status)


@dataclass(frozen=True)
class OutboxEntry:
    key: str
    state: str
    to: str
    cc: tuple[str, ...]
    review: str | None
    step: str | None
    subject: str
    language: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None  # why it was cancelled, given up, or is in doubt or still pending
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        def stamp(value: datetime | None) -> str | None:
            return value.isoformat(timespec="seconds") + "Z" if value else None

        return {
            "key": self.key,
            "state": self.state,
            "to": self.to,
            "cc": list(self.cc),
            "review": self.review,
            "step": self.step,
            "subject": self.subject,
            "language": self.language,
            "why": self.reason,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "next_attempt_at": stamp(self.next_attempt_at),
            "sent_at": stamp(self.sent_at),
            "created_at": stamp(self.created_at),
            "decided_by": self.decided_by,
            "decided_at": stamp(self.decided_at),
        }


def _entry(row: Any) -> OutboxEntry:
    state = state_word(row.status, row.next_attempt_at)
    reason = row.cancel_reason if row.status == CANCELLED else row.last_error
    # A consolidated message may carry copies; rows written before that have none.
    cc_text = row._mapping.get("cc")
    cc = tuple(a.strip() for a in str(cc_text).split(",") if a.strip()) if cc_text else ()
    return OutboxEntry(
        key=row.key,
        state=state,
        to=row.recipient,
        cc=cc,
        review=row.review_id,
        step=row.step,
        subject=row.subject,
        language=row.language,
        created_at=row.created_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reason=reason,
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
    )


def outbox_entries(conn: Connection, *, awaiting: bool = False) -> list[OutboxEntry]:
    """Every message in the outbox, oldest first (`awaiting`: only those held for approval)."""
    query = select(TABLE).order_by(C.id)
    if awaiting:
        query = query.where(C.status == AWAITING_APPROVAL)
    return [_entry(row) for row in conn.execute(query)]


@contextmanager
def transaction(conn: Connection) -> Iterator[None]:
    """A transaction of our own, or the caller's when it has one open (it commits)."""
    if conn.in_transaction():
        yield
        return
    with conn.begin():
        yield


def check_keys(
    conn: Connection,
    keys: Sequence[str],
    *,
    allowed: Collection[str],
    doing: str,
    also: Callable[[Any], bool] | None = None,
) -> list[str]:
    """The keys, each naming a row in one of the `allowed` statuses (or passing `also`);
    otherwise InputError naming every key that does not, and why."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Any] = {}
    for i in range(0, len(wanted), 500):
        query = select(C.key, C.status, C.next_attempt_at).where(C.key.in_(wanted[i : i + 500]))
        found.update({r.key: r for r in conn.execute(query)})
    problems = []
    for key in wanted:
        row = found.get(key)
        if row is None:
            problems.append(
                Problem(
                    f"no message in the outbox has the key {key!r}",
                    hint="`untoc outbox list` shows the keys",
                )
            )
        elif row.status not in allowed and not (also and also(row)):
            state = state_word(row.status, row.next_attempt_at)
            problems.append(Problem(f"cannot {doing} {key!r}: it is {state}"))
    if problems:
        raise InputError(problems, title=f"nothing was changed; cannot {doing}")
    return wanted


@dataclass(frozen=True)
class Backlog:
    """What is still to be delivered, and what holds it back."""

    pending: int = 0  # never tried yet
    retrying: int = 0  # failed for now; next attempt after the backoff
    in_doubt: int = 0  # no answer to the final dot: sent again, same Message-ID
    given_up: int = 0
    sending: int = 0  # claimed by a drain (a live one, or a dead one until its lease ends)
    awaiting_approval: int = 0
    next_attempt_at: datetime | None = None  # the earliest of the retrying and in doubt
    last_error: str | None = None  # the latest reason among them

    @property
    def waiting(self) -> int:
        return self.pending + self.retrying + self.in_doubt

    def as_dict(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "retrying": self.retrying,
            "in_doubt": self.in_doubt,
            "given_up": self.given_up,
            "sending": self.sending,
            "awaiting_approval": self.awaiting_approval,
            "next_attempt_at": self.next_attempt_at.isoformat(timespec="seconds") + "Z"
            if self.next_attempt_at
            else None,
            "last_error": self.last_error,
        }


def backlog(conn: Connection) -> Backlog:
    """Counts of what is not delivered, the earliest next attempt and the latest reason."""
    counts: dict[str, int] = {}
    query = select(C.status, C.next_attempt_at.is_not(None), func.count()).group_by(
        C.status, C.next_attempt_at.is_not(None)
    )
    for status, scheduled, n in conn.execute(query):
        name = ("retrying" if scheduled else "given_up") if status == FAILED else status
        counts[name] = counts.get(name, 0) + n
    waiting = C.status.in_((FAILED, IN_DOUBT)) & C.next_attempt_at.is_not(None)
    earliest = conn.execute(select(func.min(C.next_attempt_at)).where(waiting)).scalar()
    latest = conn.execute(
        select(C.last_error)
        .where(waiting, C.last_error.is_not(None))
        .order_by(C.updated_at.desc(), C.id.desc())
        .limit(1)
    ).scalar()
    return Backlog(
        pending=counts.get(PENDING, 0),
        retrying=counts.get("retrying", 0),
        in_doubt=counts.get(IN_DOUBT, 0),
        given_up=counts.get("given_up", 0),
        sending=counts.get(SENDING, 0),
        awaiting_approval=counts.get(AWAITING_APPROVAL, 0),
        next_attempt_at=earliest,
        last_error=latest,
    )
