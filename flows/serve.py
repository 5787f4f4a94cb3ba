"""The embedded default: serve every deployment of prefect.yaml from one process.

`untoc flows serve` runs this against the Prefect API of PREFECT_API_URL (a local
`prefect server start` on 127.0.0.1 with SQLite). Scaled out, the same flows run as the
prefect.yaml deployments in a process work pool instead (docs/scaling-out.md).
"""

from __future__ import annotations

import os

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.schedules import Cron

from flows.alert import sweep_missed_alert
from flows.approval import escalation_approval
from flows.country_review import country_review
from flows.digest import digest
from flows.sweep import sweep

TIMEZONE = "Europe/Vienna"  # the secretariat's working day
SWEEP_CRON = "0 6 * * *"  # daily at 06:00
DIGEST_CRON = "0 6 1 * *"  # the first of each month at 06:00

# One sweep at a time: a sweep that starts while another runs is cancelled (the running
# one records and delivers everything due; the outbox makes a later one harmless anyway).
ONE_AT_A_TIME = ConcurrencyLimitConfig(
    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
)


# Measured (bench/bench_flows.py): a flow-run process costs ~1-4 s of CPU to import Prefect
# and ~150-250 MB while it runs. Two per core keeps a burst of resumes queued, not thrashing.
PER_CORE = 2


def default_limit() -> int:
    """Flow-run processes at once: UNTOC_FLOWS_LIMIT, else two per core (at least 2)."""
    from untoc_workflow.settings import load_settings

    configured = load_settings().flows_limit  # a bad value is refused naming the variable
    if configured:
        return configured
    return max(2, PER_CORE * (os.cpu_count() or 1))


def review_runs_description(definitions: object = None) -> str:
    """The country-review deployment's description, naming the reviews of every process
    loaded (the flow's name is the deployment's; its runs are of any process)."""
    from untoc_workflow.orchestration.own_words import runs_description

    if definitions is None:
        from untoc_workflow.definitions import load_definitions
        from untoc_workflow.errors import InputError
        from untoc_workflow.settings import load_settings

        try:
            definitions = load_definitions(load_settings().definitions_folders)
        except InputError:  # the runs will say why; the description names no process
            definitions = ()
    return runs_description(definitions)


def deployments(*, schedules: bool = True) -> list:  # type: ignore[type-arg]
    return [
        # no tag: Prefect adds a deployment's tags to every run it starts, and a review's run
        # carries its own process's tag (runs.review_tags), not UNTOC's for every process
        country_review.to_deployment(name="country-review", description=review_runs_description()),
        escalation_approval.to_deployment(
            name="escalation-approval", tags=["untoc"], concurrency_limit=ONE_AT_A_TIME
        ),
        sweep_missed_alert.to_deployment(name="sweep-missed-alert", tags=["untoc"]),
        sweep.to_deployment(
            name="daily-sweep",
            tags=["untoc"],
            schedules=[Cron(SWEEP_CRON, timezone=TIMEZONE)] if schedules else None,
            concurrency_limit=ONE_AT_A_TIME,
        ),
        digest.to_deployment(
            name="monthly-digest",
            tags=["untoc"],
            schedules=[Cron(DIGEST_CRON, timezone=TIMEZONE)] if schedules else None,
        ),
    ]


def serve_all(*, limit: int | None = None, schedules: bool = True) -> None:
    """Serve every deployment, at most `limit` flow runs at once (default_limit())."""
    serve(*deployments(schedules=schedules), limit=limit or default_limit())


if __name__ == "__main__":
    serve_all()
