"""The daily deadline sweep as a Prefect flow: a thin wrapper over the notifications library.

Safe to retry and to run twice: the outbox records each notification once and delivery
claims rows, so a retry only sends what is still pending.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task

from flows import _store


@task(retries=3, retry_delay_seconds=[60, 300, 900])
def run_sweep(as_of: date) -> dict[str, Any]:
    """Find, record and deliver what is due on `as_of`; raises when deliveries failed, so
    Prefect retries (pending rows are sent again, sent ones are not)."""
    from untoc_workflow.notify.sweep import sweep as notify_sweep

    counts = notify_sweep(_store.store(), _store.definition(), _store.settings(), as_of)
    result = dict(counts if isinstance(counts, dict) else vars(counts))
    if result.get("failed"):
        raise RuntimeError(f"{result['failed']} notification(s) not delivered yet: {result}")
    return result


@flow(name="daily-sweep", log_prints=False)
def sweep(as_of: date | None = None) -> dict[str, Any]:
    """The deadline sweep for `as_of` (default: today)."""
    day = as_of or date.today()
    counts = run_sweep(day)
    get_run_logger().info("sweep of %s: %s", day, counts)
    return counts
