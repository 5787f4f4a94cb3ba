"""`untoc flows ...`: the country-review runs, the sweep and the digest in Prefect."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import InputError, Problem
from .common import console, err_console, fails_cleanly, opened_store, today

flows_app = typer.Typer(
    name="flows",
    help="Prefect orchestration: one run per country review, the daily sweep, the digest.",
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


@flows_app.command("start-reviews")
@fails_cleanly
def start_reviews_command(
    review: Annotated[
        list[str] | None, typer.Option(help="Only these reviews (repeat the option).")
    ] = None,
    deployment: Annotated[
        str, typer.Option(help="The country-review deployment, FLOW/DEPLOYMENT.")
    ] = "country-review/country-review",
) -> None:
    """Start one country-review run per review that is not complete and has no run yet."""
    _need_api()
    from ..core import mechanism_states
    from ..definitions import load_process
    from ..errors import did_you_mean
    from ..orchestration import start_review_runs
    from ..settings import load_settings

    definition = load_process(load_settings().process_defs / "country_review.yaml")
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
    states = mechanism_states(definition, snapshot, max([day, *(e.on for e in snapshot.events)]))
    chosen = [snapshot.reviews[r] for r in (review or sorted(snapshot.reviews))]
    open_reviews = [r for r in chosen if states[r.id].stage != definition.stages[-1]]
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
def sync_command() -> None:
    """Move every waiting run to the step the event log says (after facts were recorded
    with no Prefect API reachable, imported, or recorded for a party)."""
    _need_api()
    from ..definitions import load_process
    from ..orchestration import sync_waiting_runs
    from ..settings import load_settings

    definition = load_process(load_settings().process_defs / "country_review.yaml")
    with opened_store() as store:
        snapshot = store.snapshot()
    resumed = sync_waiting_runs(definition, snapshot, today())
    console.print(f"resumed {len(resumed)} run(s) whose step the event log shows done")
