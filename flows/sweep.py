"""The daily deadline sweep as a Prefect flow: a thin wrapper over `notify.run_sweep`.

Safe to retry and to run twice at once: the outbox records each notification once (unique
key, one recording sweep at a time) and delivery claims one row at a time (PostgreSQL:
`FOR UPDATE SKIP LOCKED`; SQLite: `BEGIN IMMEDIATE`), so a retry or a second worker only
sends what is still pending. The deployment also allows one sweep at a time.

Each run is named after its date ("sweep of 2024-04-16") and publishes the desk's tables
(`late-reviews`, `due-soon`, `awaiting-approval`). A scheduled run (no `as_of`) over a
store whose newest fact is months old (a sample, a stale copy) sends nothing and says why:
the served schedule must not send a sample's hundreds of notices as of today by surprise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger, task

from flows import _desk, _store

# A failed delivery is retried by the outbox no sooner than 5, 10, 20 minutes later
# (outbox/drain.py backoff): Prefect's retries come when those rows are due again.
RETRY_DELAYS = [300, 600, 1200]
# A store whose newest fact is older than this is not today's Mechanism.
STALE_AFTER_DAYS = 60


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


def newest_fact(store: Any) -> date | None:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        value = conn.execute(text('SELECT MAX("on") FROM event')).scalar()
    return date.fromisoformat(value) if isinstance(value, str) else value


def run_name(kind: str) -> str:
    """ "sweep of 2024-04-16": the date the run works on (today when not given)."""
    from prefect.runtime import flow_run

    as_of = (flow_run.parameters or {}).get("as_of") or date.today()
    return f"{kind} of {as_of}"


def _sweep_name() -> str:
    return run_name("sweep")


def summary(day: date, counts: dict[str, Any], outbox: str) -> str:
    return (
        f"sweep of {day}: {counts['found']} notice(s) due, {counts['recorded']} recorded, "
        f"{counts['sent']} sent, {counts['failed']} failed, {counts['in_doubt']} in doubt, "
        f"{counts['pending']} pending, {counts['cancelled']} cancelled; outbox: {outbox}"
    )


def outbox_place() -> str:
    """Where the notices go: the SMTP relay (its host only: the URL may hold a password)
    or the folder of .eml files."""
    settings = _store.settings()
    if settings.notify_url:
        from urllib.parse import urlsplit

        return f"email via {urlsplit(settings.notify_url.split(',')[0]).hostname}"
    return f".eml files in {settings.outbox_dir.resolve()}"


@flow(name="daily-sweep", flow_run_name=_sweep_name, log_prints=False)
@_store.refuses_cleanly
def sweep(
    as_of: date | None = None, allow_stale: bool = False, sync_runs: bool = True
) -> dict[str, Any]:
    """The deadline sweep for `as_of` (default: today). A scheduled sweep over a store with
    no fact in the last 60 days sends nothing unless `allow_stale` (see the module's text).
    With `sync_runs`, review runs whose step the log shows done (an import, a fact recorded
    while no server answered) move on, as `untoc flows sync` does."""
    logger = get_run_logger()
    day = as_of or date.today()
    store = _store.store()
    if as_of is None and not allow_stale:
        newest = newest_fact(store)
        if newest is None or (day - newest).days > STALE_AFTER_DAYS:
            why = (
                f"nothing sent: the newest fact in the store is dated {newest}, more than "
                f"{STALE_AFTER_DAYS} days before today ({day}). A sample or an old copy: run "
                "the sweep with its date (as_of), or with allow_stale to send as of today."
            )
            logger.warning(why)
            _desk.publish_boards(store, _store.definition(), day)
            return {"as_of": str(day), "skipped": why}
    counts = sweep_task(day)
    logger.info(summary(day, counts, outbox_place()))
    rows = _desk.publish_boards(store, _store.definition(), day)
    asked = _desk.ask_for_approval(rows["awaiting-approval"], day)
    if asked:
        logger.info(asked)
    if sync_runs:
        _sync(store, day)
    return counts


def _sync(store: Any, day: date) -> None:
    from datetime import UTC, datetime

    from untoc_workflow.orchestration import sync_waiting_runs
    from untoc_workflow.orchestration.runs import (
        STALE_AFTER_DEFAULT,
        parse_duration,
        replace_stranded_runs,
    )

    try:
        # runs a dead worker stranded come back first, at the step the log shows
        stranded = replace_stranded_runs(
            store.snapshot().reviews, parse_duration(STALE_AFTER_DEFAULT), datetime.now(UTC)
        )
        if stranded.crashed:
            get_run_logger().warning(
                "%d stranded run(s) marked crashed; %d review run(s) started again",
                len(stranded.crashed),
                len(stranded.started.started),
            )
    except Exception as exc:  # `untoc flows sync` catches up
        get_run_logger().warning("stranded runs not replaced: %s", exc)
    try:
        moved = sync_waiting_runs(_store.definition(), store.snapshot(), day)
    except Exception as exc:  # the sweep's work is done; `untoc flows sync` catches up
        get_run_logger().warning("waiting review runs not synced with the log: %s", exc)
        return
    if moved:
        get_run_logger().info("%d review run(s) moved to where the event log is", len(moved))
    from untoc_workflow.orchestration.runs import refresh_stale_runs

    try:
        refreshed = refresh_stale_runs(_store.definition(), store.snapshot(), day)
    except Exception as exc:
        get_run_logger().warning("review runs not refreshed: %s", exc)
        return
    if refreshed:
        get_run_logger().info(
            "%d review run(s) replaced: their review moved at another open step", len(refreshed)
        )
