"""The embedded default: serve every deployment of prefect.yaml from one process.

`untoc flows serve` runs this against the Prefect API of PREFECT_API_URL (a local
`prefect server start` on 127.0.0.1 with SQLite). Scaled out, the same flows run as the
prefect.yaml deployments in a process work pool instead (docs/scaling-out.md).
"""

from __future__ import annotations

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.schedules import Cron

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


def deployments(*, schedules: bool = True) -> list:  # type: ignore[type-arg]
    return [
        country_review.to_deployment(name="country-review", tags=["untoc"]),
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
    serve(*deployments(schedules=schedules), limit=limit)


if __name__ == "__main__":
    serve_all()
