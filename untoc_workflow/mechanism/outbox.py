"""The mechanism's view of the notification outbox: what is pending, and cancelling it.

A notification already sent is never unsent; one not yet sent (pending, or failed and
waiting to retry) whose deadline moved or whose step was waived no longer applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, text

from .decide import Cancellation, PendingNotice

NOT_YET_SENT = ("pending", "failed")


def has_outbox(store: Any) -> bool:
    return bool(inspect(store.engine).has_table("outbox"))


def pending_notices(store: Any, reviews: Iterable[str] | None = None) -> list[PendingNotice]:
    """Notices recorded and not yet sent, optionally only for some reviews."""
    if not has_outbox(store):
        return []
    sql = (
        "SELECT id, notice, review_id, step, deadline_due, recipient, status, party FROM outbox "
        "WHERE kind = 'notice' AND status IN ('pending', 'failed') AND review_id IS NOT NULL"
    )
    wanted = set(reviews) if reviews is not None else None
    out = []
    with store.engine.connect() as conn:
        for id_, notice, review, step, due, recipient, status, party in conn.execute(text(sql)):
            if wanted is not None and review not in wanted:
                continue
            if isinstance(due, str):
                due = datetime.fromisoformat(due).date()
            out.append(PendingNotice(id_, notice, review, step, due, recipient, status, party))
    return out


def cancel(store: Any, cancellations: Sequence[Cancellation], now: datetime | None = None) -> int:
    """Mark the notices cancelled with their reason; a notice sent meanwhile stays sent."""
    if not cancellations:
        return 0
    now = now or datetime.now(UTC).replace(tzinfo=None)
    # The status guard is what keeps a notice sent meanwhile from being touched.
    query = text(
        "UPDATE outbox SET status = 'cancelled', cancel_reason = :why, updated_at = :now "
        "WHERE id = :id AND status IN ('pending', 'failed')"
    )
    rows = [{"why": c.why, "now": now, "id": c.notice.id} for c in cancellations]
    with store.engine.begin() as conn:
        result = conn.execute(query, rows)
    return int(result.rowcount or 0)
