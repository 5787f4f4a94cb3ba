"""The daily deadline sweep as a Prefect flow: a thin wrapper over `notify.run_sweep`.

Safe to retry and to run twice at once: the outbox records each notification once (unique
key, one recording sweep at a time) and delivery claims one row at a time (PostgreSQL:
`FOR UPDATE SKIP LOCKED`; SQLite: `BEGIN IMMEDIATE`), so a retry or a second worker only
sends what is still pending. The deployment also allows one sweep at a time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger, task

from flows import _store

# A failed delivery is retried by the outbox no sooner than 5, 10, 20 minutes later
# (notify/outbox.py backoff): Prefect's retries come when those rows are due again.
RETRY_DELAYS = [300, 600, 1200]


def sweep_and_deliver(as_of: date) -> dict[str, Any]:
    """Record what is due on `as_of` and deliver everything pending (the flow's one step)."""
    from untoc_workflow.notify import run_sweep

    report = run_sweep(_store.store(), as_of, datetime.now(UTC), _store.settings())
    return report.as_dict()


@task(name="sweep-and-deliver", retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS)
def sweep_task(as_of: date) -> dict[str, Any]:
    counts = sweep_and_deliver(as_of)
    if counts["failed"]:
        # raise so Prefect retries; the error names counts only (addresses stay in the outbox)
        raise RuntimeError(f"{counts['failed']} notification(s) not delivered yet: {counts}")
    return counts


@flow(name="daily-sweep", log_prints=False)
def sweep(as_of: date | None = None) -> dict[str, Any]:
    """The deadline sweep for `as_of` (default: today)."""
    day = as_of or date.today()
    counts = sweep_task(day)
    get_run_logger().info("sweep of %s: %s", day, counts)
    return counts
