"""The monthly status digest as a Prefect flow: a thin wrapper over `notify.run_digest`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger, task

from flows import _desk, _store
from flows.sweep import RETRY_DELAYS, run_name


def digest_and_deliver(as_of: date) -> dict[str, Any]:
    """Record the month's digest once per recipient and deliver what is pending."""
    from untoc_workflow.notify import run_digest

    report, drained = run_digest(_store.store(), as_of, datetime.now(UTC), _store.settings())
    return {
        "month": report.month,
        "recipients": report.recipients,
        "recorded": report.recorded,
        "sent": drained.sent,
        "failed": drained.failed,
        "in_doubt": drained.in_doubt,
    }


@task(name="digest-and-deliver", retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS)
def digest_task(as_of: date) -> dict[str, Any]:
    counts = digest_and_deliver(as_of)
    if counts["failed"]:
        raise RuntimeError(f"{counts['failed']} digest email(s) not delivered yet: {counts}")
    return counts


def _digest_name() -> str:
    return run_name("digest")


@flow(name="monthly-digest", flow_run_name=_digest_name, log_prints=False)
@_store.refuses_cleanly
def digest(as_of: date | None = None) -> dict[str, Any]:
    """The monthly summary as of `as_of` (default: today); the desk's tables too."""
    day = as_of or date.today()
    counts = digest_task(day)
    get_run_logger().info(
        "digest of %s (month %s): %d recipient(s), %d recorded, %d sent, %d failed",
        day,
        counts["month"],
        counts["recipients"],
        counts["recorded"],
        counts["sent"],
        counts["failed"],
    )
    _desk.publish_boards(_store.store(), _store.definition(), day)
    return counts
