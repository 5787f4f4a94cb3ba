"""`untoc projections rebuild`: make the review projections again from the event log.

The projections follow every append in its own transaction, so this is for a store whose
projections were left behind (restored from a copy of the tables, edited by hand) or to
check them: the rebuild writes what the appends should have kept.
"""

from __future__ import annotations

import time

import typer

from .common import console, fails_cleanly, opened_store

projections_app = typer.Typer(
    name="projections",
    help="The review projections that make today's status fast: rebuild them from the log.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(projections_app, name="projections")


@projections_app.command("rebuild")
@fails_cleanly
def rebuild_command() -> None:
    """Fold the whole event log into the projections again (one transaction)."""
    with opened_store() as store:
        started = time.perf_counter()
        rows = store.rebuild_projections()
    console.print(
        f"rebuilt the projections from the log: {rows} rows"
        f" in {time.perf_counter() - started:.1f} s"
    )
