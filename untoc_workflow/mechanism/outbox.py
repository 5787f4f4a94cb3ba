"""The mechanism's view of the notification outbox (untoc_workflow.notify): what is not
yet sent, and cancelling what no longer applies.

A notification already sent is never unsent; one not yet sent (pending, or failed and
waiting to retry) whose deadline moved, whose step was waived, or whose reviewer left the
review no longer applies. The notify package owns the table; this module only calls it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import inspect, text

from .decide import Cancellation, PendingNotice


def has_outbox(store: Any) -> bool:
    return bool(inspect(store.engine).has_table("outbox"))


def pending_notices(store: Any, reviews: Iterable[str] | None = None) -> list[PendingNotice]:
    """Notices recorded and not yet sent (pending, or failed and to be retried).

    Read with plain SQL over notify's columns (the same rows as `notify.outbox.open_rows`):
    a dry run should not pay for importing the delivery machinery.
    """
    if not has_outbox(store):
        return []
    sql = text(
        "SELECT id, notice, review_id, step, deadline_due, recipient, status, party FROM outbox"
        " WHERE kind = 'notice' AND status IN ('pending', 'failed') AND review_id IS NOT NULL"
    )
    wanted = set(reviews) if reviews is not None else None
    out = []
    with store.engine.connect() as conn:
        for id_, notice, review, step, due, recipient, status, party in conn.execute(sql):
            if wanted is not None and review not in wanted:
                continue
            if isinstance(due, str):
                due = date.fromisoformat(due[:10])
            out.append(PendingNotice(id_, notice, review, step, due, recipient, status, party))
    return out


def cancel(store: Any, cancellations: Sequence[Cancellation], now: datetime | None = None) -> int:
    """Mark the notices cancelled with their reason; a notice sent meanwhile stays sent."""
    if not cancellations:
        return 0
    from ..notify.outbox import cancel_rows, lock_outbox
    from ..store.dialect import writing

    reasons = {c.notice.id: c.why for c in cancellations}
    with writing(store.engine.connect()) as conn, conn.begin():
        lock_outbox(conn)
        return cancel_rows(conn, reasons, now or datetime.now(UTC))
