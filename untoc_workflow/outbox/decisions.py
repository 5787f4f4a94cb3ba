"""The outbox as the mechanism sees it (mechanism.outbox.NoticeOutbox): the notices not yet
sent, and cancelling those a decision or a redraw made wrong.

A consolidated message carries several notices (its ledger, `outbox_notice`): a decision
cancels the notices it made wrong there, and the message is cancelled whole when none is
left, or marked to be rebuilt by the next sweep (before that sweep delivers anything) with
the notices that still apply."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, inspect, select, update

from ..mechanism.decide import Cancellation, PendingNotice
from ..store.dialect import writing
from .ledger import MessageNotice
from .rows import TABLE, C, cancel_rows, lock_outbox, utc_naive
from .tables import AWAITING_APPROVAL, CANCELLED, FAILED, IN_DOUBT, PENDING

N = MessageNotice.__table__  # type: ignore[attr-defined]
# The sweep rebuilds a message cancelled with this reason from its notices still live.
REBUILD = "to be rebuilt by the next sweep:"
# Consolidated messages not yet handed to a server (one in doubt may have been delivered).
OPEN_MESSAGES = (PENDING, FAILED, AWAITING_APPROVAL)

# A row in doubt may have reached its recipient; cancelling it only stops its retries.
UNSENT = (PENDING, FAILED, IN_DOUBT, AWAITING_APPROVAL)


class StoreNoticeOutbox:
    """The store's outbox table, read and cancelled for the mechanism."""

    def __init__(self, store: Any, now: datetime | None = None) -> None:
        self.store = store
        self.now = now

    def pending_notices(self, reviews: Iterable[str] | None = None) -> list[PendingNotice]:
        if not inspect(self.store.engine).has_table("outbox"):
            return []
        query = select(
            C.id, C.notice, C.review_id, C.step, C.deadline_due, C.recipient, C.status, C.party
        ).where(C.kind == "notice", C.status.in_(UNSENT), C.review_id.is_not(None))
        wanted = set(reviews) if reviews is not None else None
        out = []
        with self.store.engine.connect() as conn:
            for id_, notice, review, step, due, recipient, status, party in conn.execute(query):
                if wanted is not None and review not in wanted:
                    continue
                if isinstance(due, str):
                    due = date.fromisoformat(due[:10])
                out.append(PendingNotice(id_, notice, review, step, due, recipient, status, party))
            if inspect(self.store.engine).has_table("outbox_notice"):
                carried = (
                    select(
                        N.c.id,
                        N.c.notice,
                        N.c.review_id,
                        N.c.step,
                        N.c.deadline_due,
                        N.c.recipient,
                        C.status,
                        N.c.party,
                    )
                    .join(TABLE, C.key == N.c.outbox_key)
                    .where(
                        C.status.in_(OPEN_MESSAGES),
                        N.c.cancel_reason.is_(None),
                        N.c.review_id.is_not(None),
                    )
                )
                for id_, notice, review, step, due, recipient, status, party in conn.execute(
                    carried
                ):
                    if wanted is not None and review not in wanted:
                        continue
                    if isinstance(due, str):
                        due = date.fromisoformat(due[:10])
                    out.append(
                        PendingNotice(
                            ("notice", id_), notice, review, step, due, recipient, status, party
                        )
                    )
        return out

    def cancel(self, cancellations: Sequence[Cancellation]) -> int:
        if not cancellations:
            return 0
        now = self.now or datetime.now(UTC)
        reasons = {c.notice.id: c.why for c in cancellations if not isinstance(c.notice.id, tuple)}
        carried = {c.notice.id[1]: c.why for c in cancellations if isinstance(c.notice.id, tuple)}
        with writing(self.store.engine.connect()) as conn, conn.begin():
            lock_outbox(conn)
            done = cancel_rows(conn, reasons, now)
            return done + _cancel_carried(conn, carried, utc_naive(now))


def _cancel_carried(conn: Any, reasons: dict[int, str], stamp: datetime) -> int:
    """Cancel notices inside consolidated messages; cancel each message left without a live
    notice, and mark the others to be rebuilt by the next sweep."""
    if not reasons:
        return 0
    keys: dict[str, list[str]] = {}
    for ledger_id, why in reasons.items():
        key = conn.execute(select(N.c.outbox_key).where(N.c.id == ledger_id)).scalar()
        conn.execute(update(N).where(N.c.id == ledger_id).values(cancel_reason=why[:2000]))
        keys.setdefault(key, []).append(why)
    for key, whys in keys.items():
        live = conn.execute(
            select(func.count()).where(N.c.outbox_key == key, N.c.cancel_reason.is_(None))
        ).scalar_one()
        reason = "no longer applies: " if not live else f"{REBUILD} "
        conn.execute(
            update(TABLE)
            .where(C.key == key, C.status.in_(OPEN_MESSAGES))
            .values(
                status=CANCELLED,
                cancel_reason=(reason + "; ".join(whys))[:2000],
                next_attempt_at=None,
                updated_at=stamp,
            )
        )
    return len(reasons)
