"""`untoc sweep` (reminders and escalations due on a date) and `untoc digest` (the monthly
status summary): both record to the outbox once, then deliver what is pending."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from .common import console, error, fails_cleanly, opened_store, parse_as_of, today


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_command)
    app.command("digest")(digest_command)


def now() -> datetime:
    """The command line's clock for delivery timestamps (the library is handed it)."""
    return datetime.now(UTC)


def _where(settings: object) -> str:
    url = getattr(settings, "notify_url", None)
    if url:
        from ..notify.delivery import describe_notify_url

        return describe_notify_url(url)  # Apprise's privacy form: no password
    return str(getattr(settings, "outbox_dir", "the outbox folder"))


def _errors(errors: list[str]) -> None:
    from .outbox_commands import not_delivered

    not_delivered(errors)


def summary_line(day: object, report: Any) -> str:
    """The sweep's counts in one line; only the counts that happened beyond the usual."""
    elsewhere = report.recorded_elsewhere
    extra = (
        ("in doubt", report.in_doubt),
        ("given up", report.given_up),
        ("retried", report.retried),
        ("recovered from a stopped sweep", report.recovered),
    )
    return (
        f"sweep {day}: found {report.found}, recorded {report.recorded} "
        f"({report.already_recorded} already recorded"
        + (f", {elsewhere} by a sweep running at the same time" if elsewhere else "")
        + f"), cancelled {report.cancelled}, "
        f"sent {report.sent}, failed {report.failed}, pending {report.pending}"
        + "".join(f", {name} {n}" for name, n in extra if n)
    )


@fails_cleanly
def sweep_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The date to sweep (YYYY-MM-DD); default today.")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="Deliver what is pending after recording.")
    ] = True,
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    go_live: Annotated[
        str | None,
        typer.Option(
            "--go-live",
            help="The day the store's correspondence starts (YYYY-MM-DD; recorded once). "
            "Default: the first sweep that records anything.",
        ),
    ] = None,
) -> None:
    """Find every reminder, overdue notice and escalation due on the date and record them
    once in the outbox as one message per recipient; deliver what is pending; print the
    counts. Nothing is recorded or sent on a non-working day or before go-live."""
    from ..notify import run_sweep
    from ..settings import load_settings

    if format not in ("table", "json"):
        raise typer.BadParameter("write table or json", param_hint="--format")
    day = parse_as_of(as_of) or today()
    live = parse_as_of(go_live, option="--go-live") if go_live else None
    settings = load_settings()
    with opened_store() as store:
        from .progress import no_progress, progress

        # --format json: the counts are the output, and nothing else is written
        shown = progress(f"sweep {day}", "reviews") if format == "table" else no_progress()
        with shown as advance:
            report = run_sweep(
                store, day, now(), settings, deliver=send, go_live=live, progress=advance
            )
    if format == "json":
        console.print_json(json.dumps(report.as_dict()))
    elif report.before_go_live:
        console.print(
            f"sweep {day}: the correspondence starts on {report.go_live}: nothing recorded or sent",
            highlight=False,
        )
        return
    elif report.non_working:
        console.print(
            f"sweep {day}: {day} is not a working day ({report.non_working}): nothing recorded"
            " or sent; what falls due today goes out on the next working day",
            highlight=False,
        )
        return
    elif report.opening:
        console.print(
            f"go-live {report.go_live}: opening messages to {report.recipients} recipients "
            f"({report.recorded} recorded), sent {report.sent}, failed {report.failed}, "
            f"pending {report.pending}",
            highlight=False,
        )
    else:
        console.print(summary_line(day, report), highlight=False, markup=False)
    if format != "json":
        from .outbox_commands import backlog_lines

        if send and report.sent:
            console.print(f"delivered through {_where(settings)}", highlight=False, markup=False)
        for line in backlog_lines(report.backlog, sent_now=send) if report.backlog else []:
            console.print(line, highlight=False, markup=False)
    for item in report.withheld:
        error(item, label="not addressed (not a party to the review):", style="yellow")
    _errors(report.errors)


@fails_cleanly
def digest_command(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="A day of the month to summarise (YYYY-MM-DD); default today."
        ),
    ] = None,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="Deliver what is pending after recording.")
    ] = True,
) -> None:
    """Write the monthly status summary: one email per focal point and per permanent mission,
    listing each of the party's reviews, its stage and next deadline. Once per month."""
    from ..notify import run_digest
    from ..settings import load_settings

    day = parse_as_of(as_of) or today()
    settings = load_settings()
    with opened_store() as store:
        report, drained = run_digest(store, day, now(), settings, deliver=send)
    console.print(
        f"digest {report.month}: {report.recipients} summaries, {report.recorded} new, "
        f"sent {drained.sent}, failed {drained.failed}"
        + (f", in doubt {drained.in_doubt}" if drained.in_doubt else "")
        + (f", given up {drained.given_up}" if drained.given_up else ""),
        highlight=False,
        markup=False,
    )
    if send and drained.sent:
        console.print(f"delivered through {_where(settings)}", highlight=False, markup=False)
    _errors(drained.errors)
