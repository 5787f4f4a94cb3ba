"""The monthly status digest as a Prefect flow: a thin wrapper over the notifications library."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task

from flows import _store


@task(retries=3, retry_delay_seconds=[60, 300, 900])
def send_digest(as_of: date) -> dict[str, Any]:
    from untoc_workflow.notify.digest import send_digest as notify_digest

    counts = notify_digest(_store.store(), _store.definition(), _store.settings(), as_of)
    result = dict(counts if isinstance(counts, dict) else vars(counts))
    if result.get("failed"):
        raise RuntimeError(f"{result['failed']} digest(s) not delivered yet: {result}")
    return result


@flow(name="monthly-digest", log_prints=False)
def digest(as_of: date | None = None) -> dict[str, Any]:
    """The monthly summary as of `as_of` (default: today)."""
    day = as_of or date.today()
    counts = send_digest(day)
    get_run_logger().info("digest of %s: %s", day, counts)
    return counts
