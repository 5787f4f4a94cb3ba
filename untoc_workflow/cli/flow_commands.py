"""`untoc flows ...`: the country-review runs, the sweep and the digest in Prefect."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import InputError, Problem
from .common import console, err_console, fails_cleanly, opened_store, today

flows_app = typer.Typer(
    name="flows",
    help="Prefect orchestration: one run per review, the daily sweep, the digest.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(flows_app, name="flows")


def _need_api() -> None:
    """A Prefect API is configured and answers; else one line saying what to do."""
    from ..orchestration import api_configured

    if not api_configured():
        raise InputError(
            [
                Problem(
                    "no Prefect API: set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)",
                    hint="start one with `prefect server start` (docs/desk.md)",
                )
            ]
        )
    from ..orchestration.runs import ping_server

    ping_server()


@flows_app.command("serve")
@fails_cleanly
def serve_command(
    limit: Annotated[
        int | None,
        typer.Option(
            help="At most this many flow runs at once in this process (default: "
            "UNTOC_FLOWS_LIMIT, else two per core; each run is a process of ~200 MB).",
            min=1,
        ),
    ] = None,
    schedules: Annotated[
        bool, typer.Option(help="Run the sweep daily and the digest monthly (prefect.yaml).")
    ] = True,
) -> None:
    """Serve the country-review, sweep, digest and approval deployments from this process.

    Stopping it (Ctrl-C) pauses them all, the daily sweep included: nothing runs until it
    is served again (or a work pool takes over, docs/desk.md)."""
    _need_api()
    from flows.serve import default_limit, serve_all

    chosen = limit or default_limit()
    console.print(f"serving the untoc deployments, at most {chosen} flow run(s) at once")
    serve_all(limit=chosen, schedules=schedules)


@flows_app.command(
    "worker",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
@fails_cleanly
def worker_command(
    ctx: typer.Context,
    pool: Annotated[str, typer.Option(help="The work pool (untoc-process, prefect.yaml).")],
    limit: Annotated[
        int | None,
        typer.Option(help="At most this many flow-run processes at once (~200 MB each).", min=1),
    ] = None,
    stop_timeout: Annotated[
        float,
        typer.Option(
            help="Seconds the worker gets to stop by itself once asked (SIGTERM, Ctrl-C); "
            "then it is killed (with the server down it would wait to send its last events).",
            min=0,
        ),
    ] = 5.0,
) -> None:
    """A process worker of the work pool: `prefect worker start --pool POOL --limit N` (any
    other option, e.g. --name, is passed on), which stops promptly even with the server
    down (flows/worker.py)."""
    import os
    import sys

    args = ["--pool", pool, *(["--limit", str(limit)] if limit else []), *ctx.args]
    # exec: the waiting wrapper is a bare Python, not this CLI
    wrapper = [sys.executable, "-m", "flows.worker", "--stop-timeout", f"{stop_timeout:g}"]
    os.execv(sys.executable, [*wrapper, "--", *args])


def _open_reviews(review: list[str] | None) -> tuple[list[Any], list[Any]]:
    """The reviews named (default: all), and those of them not complete."""
    from ..core import mechanism_states
    from ..definitions import load_definitions
    from ..errors import did_you_mean
    from ..settings import load_settings

    # every loaded version: each review folds with its own process and version
    catalog = load_definitions(load_settings().definitions_folders)
    day = today()
    with opened_store() as store:
        snapshot = store.snapshot()
    unknown = [r for r in review or [] if r not in snapshot.reviews]
    if unknown:
        raise InputError(
            [
                Problem(f"no review {r!r}", path="--review", hint=did_you_mean(r, snapshot.reviews))
                for r in unknown
            ]
        )
    states = mechanism_states(catalog, snapshot, max([day, *(e.on for e in snapshot.events)]))
    chosen = [snapshot.reviews[r] for r in (review or sorted(snapshot.reviews))]

    def complete(state: Any) -> bool:
        own = catalog.get(state.process, state.process_version) or catalog.default
        return bool(state.stage == own.stages[-1])

    return chosen, [r for r in chosen if not complete(states[r.id])]


# the options of the commands that start and restart the reviews' runs
ReviewsOption = Annotated[
    list[str] | None, typer.Option(help="Only these reviews (repeat the option).")
]
DeploymentOption = Annotated[
    str, typer.Option(help="The country-review deployment, FLOW/DEPLOYMENT.")
]
COUNTRY_REVIEW_DEPLOYMENT = "country-review/country-review"


@flows_app.command("start-reviews")
@fails_cleanly
def start_reviews_command(
    review: ReviewsOption = None,
    deployment: DeploymentOption = COUNTRY_REVIEW_DEPLOYMENT,
) -> None:
    """Start one country-review run per review that is not complete and has no run yet."""
    _need_api()
    from ..orchestration import start_review_runs

    chosen, open_reviews = _open_reviews(review)
    result = start_review_runs(open_reviews, deployment=deployment)
    console.print(
        f"started {len(result.started)} run(s); {len(result.already)} review(s) already have "
        f"one; {len(chosen) - len(open_reviews)} complete review(s) skipped"
    )
    if result.failed:
        for review_id, why in sorted(result.failed.items()):
            err_console.print(f"not started: {review_id}: {why}")
        err_console.print(f"{len(result.failed)} run(s) not started; run the command again")
        raise typer.Exit(3)


@flows_app.command("waiting")
@fails_cleanly
def waiting_command(
    review: Annotated[str | None, typer.Option(help="Only this review.")] = None,
) -> None:
    """List the suspended country-review runs and the step each waits at."""
    _need_api()
    from ..orchestration import waiting_runs

    runs = sorted(waiting_runs(review), key=lambda r: r.review)
    for r in runs:
        typer.echo(f"{r.review}\t{r.step or '?'}\t{r.id}")
    if not runs:
        console.print("no suspended country-review runs")


@flows_app.command("sync")
@fails_cleanly
def sync_command(
    stale_after: Annotated[
        str,
        typer.Option(
            help="Replace a review run (and free a sweep) left Pending or Running longer "
            "than this by a worker that no longer answers: 90s, 10m, 2h.",
        ),
    ] = "10m",
) -> None:
    """Move every waiting run to the step the event log says (after facts were recorded
    with no Prefect API reachable, imported, or recorded for a party), and replace the runs
    a dead worker stranded, so each review has one live run."""
    from ..orchestration.runs import parse_duration

    stale = parse_duration(stale_after)  # a bad duration is refused before anything else
    _need_api()
    from datetime import UTC, datetime

    from ..definitions import load_definitions
    from ..orchestration import sync_waiting_runs
    from ..orchestration.runs import replace_stranded_runs
    from ..settings import load_settings

    # every loaded version: each review's run moves by its own process and version
    definition = load_definitions(load_settings().definitions_folders)
    with opened_store() as store:
        snapshot = store.snapshot()
    stranded = replace_stranded_runs(snapshot.reviews, stale, datetime.now(UTC))
    reviews = sorted({v for v in stranded.crashed.values() if v != "daily-sweep"})
    sweeps = sum(1 for v in stranded.crashed.values() if v == "daily-sweep")
    console.print(
        f"replaced {len(stranded.started.started)} stranded review run(s)"
        + (f" ({', '.join(reviews)})" if reviews else "")
        + f"; {sweeps} stranded sweep run(s) marked crashed"
    )
    for review_id, why in sorted(stranded.started.failed.items()):
        err_console.print(f"not started: {review_id}: {why}")
    resumed = sync_waiting_runs(definition, snapshot, today())
    console.print(f"resumed {len(resumed)} run(s) whose step the event log shows done")
    from ..orchestration.runs import refresh_stale_runs

    refreshed = refresh_stale_runs(definition, snapshot, today())
    if refreshed:
        console.print(
            f"replaced {len(refreshed)} run(s) whose review moved at another open step "
            f"({', '.join(refreshed)}): their names and tags now say where it stands"
        )
    if stranded.started.failed:
        raise typer.Exit(3)


@flows_app.command("restart-reviews")
@fails_cleanly
def restart_reviews_command(
    review: ReviewsOption = None,
    deployment: DeploymentOption = COUNTRY_REVIEW_DEPLOYMENT,
) -> None:
    """Replace the live runs of the reviews with new runs of the deployment as it now stands.

    After moving from `untoc flows serve` to a work pool (`prefect deploy --all`), or back:
    a run keeps the work queue it was created with, so the old runs would wait for the old
    runner. The new runs rebuild each review's position from the event log."""
    _need_api()
    from ..orchestration.runs import restart_review_runs

    _chosen, open_reviews = _open_reviews(review)
    cancelled, result = restart_review_runs(open_reviews, deployment=deployment)
    console.print(f"cancelled {cancelled} run(s); started {len(result.started)} run(s)")
    if result.failed:
        err_console.print(f"{len(result.failed)} run(s) not started; run the command again")
        raise typer.Exit(3)


@flows_app.command("watch-sweep")
@fails_cleanly
def watch_sweep_command(
    hours: Annotated[
        float, typer.Option(help="Alert when no daily sweep completed within this many hours.")
    ] = 26,
) -> None:
    """Create the Prefect Automations that email the secretariat when the daily sweep did
    not complete, and when a worker has gone silent (a run's heartbeats stopped: it is
    marked crashed; or a work pool has no worker left). flows/automation.py; run again to
    replace them."""
    _need_api()
    import asyncio
    from datetime import timedelta

    from flows.automation import (
        AUTOMATION_NAME,
        WORKER_AUTOMATION_NAME,
        create_sweep_watch,
        create_worker_watches,
    )

    try:
        automation_id = asyncio.run(create_sweep_watch(timedelta(hours=hours)))
        watches = asyncio.run(create_worker_watches())
    except Exception as exc:
        from prefect.exceptions import ObjectNotFound

        if isinstance(exc, ObjectNotFound):
            raise InputError(
                [
                    Problem(
                        "the daily-sweep and sweep-missed-alert deployments do not exist yet",
                        hint="run `untoc flows serve` (or `prefect deploy --all`) first",
                    )
                ]
            ) from None
        raise
    console.print(f"automation {AUTOMATION_NAME!r} created ({automation_id})")
    console.print(
        f"automation {WORKER_AUTOMATION_NAME!r} created ({len(watches)} trigger(s)); "
        "it needs PREFECT_FLOWS_HEARTBEAT_FREQUENCY=30 on every worker (docs/scaling-out.md)"
    )
