"""The outbox as the mechanism sees it (mechanism.outbox.NoticeOutbox): the notices not yet
sent, and cancelling those a decision or a redraw made wrong."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import inspect, select

from ..mechanism.decide import Cancellation, PendingNotice
from ..store.dialect import writing
from .outbox import C, cancel_rows, lock_outbox
from .tables import AWAITING_APPROVAL, FAILED, IN_DOUBT, PENDING

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
        return out

    def cancel(self, cancellations: Sequence[Cancellation]) -> int:
        if not cancellations:
            return 0
        reasons = {c.notice.id: c.why for c in cancellations}
        with writing(self.store.engine.connect()) as conn, conn.begin():
            lock_outbox(conn)
            return cancel_rows(conn, reasons, self.now or datetime.now(UTC))
