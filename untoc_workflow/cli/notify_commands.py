"""`untoc sweep` (reminders and escalations due on a date) and `untoc digest` (the monthly
status summary): both record to the outbox once, then deliver what is pending."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
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
        from ..outbox.smtp import describe_notify_url

        return describe_notify_url(url)  # Apprise's privacy form: no password
    return str(getattr(settings, "outbox_dir", "the outbox folder"))


def _errors(errors: list[str]) -> None:
    from .outbox_commands import not_delivered

    not_delivered(errors)


def summary_line(day: object, report: Any) -> str:
    """The sweep's counts in one line, each naming what it counts: notices (one deadline's
    reminder, overdue notice or escalation to one Party) and the messages that carry them
    (one per recipient per day, so one message may carry several notices and one notice
    may reach several recipients); only the counts that happened beyond the usual."""
    elsewhere = report.recorded_elsewhere
    extra = (
        ("in doubt", report.in_doubt),
        ("given up", report.given_up),
        ("retried", report.retried),
        ("recovered from a stopped sweep", report.recovered),
    )
    return (
        f"sweep {day}: found {report.found} notices due ({report.already_recorded} of them already"
        f" in the outbox); messages: {report.recorded} new"
        + (f" ({elsewhere} recorded by a sweep running at the same time)" if elsewhere else "")
        + f", {report.cancelled} cancelled, "
        f"sent {report.sent}, failed {report.failed}, pending {report.pending}"
        + "".join(f", {name} {n}" for name, n in extra if n)
    )


def nothing_due_line(day: date, report: Any) -> str:
    """Why a sweep found no notice: the go-live day's opening already said everything up to
    it, or nothing of any review falls due on the day."""
    if day == report.go_live:
        return (
            f"nothing new on {day}: it is the go-live day, whose opening messages (everything"
            " outstanding on that day) were recorded by its first sweep"
        )
    return (
        f"nothing fell due on {day}: no reminder, overdue notice or escalation of any review"
        f" falls on that day or on a day the sweep missed since go-live ({report.go_live})"
    )


def past_date_note(day: date, today: date) -> str | None:
    """What sweeping a day before today means (said, not refused: catching up a day the
    sweep did not run is what the secretariat does after an outage)."""
    if day >= today:
        return None
    return (
        f"note: {day} is a past date (today is {today}): the sweep finds what fell due on"
        f" {day} from the facts dated up to {day}, records it as that day's notices and sends"
        " it now; what fell due since is found by sweeping today (no --as-of)"
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
    past = past_date_note(day, today())
    if past and format != "json":
        console.print(past, highlight=False, markup=False)
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
        if not report.found and not report.cancelled:
            console.print(nothing_due_line(day, report), highlight=False, markup=False)
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
    for line in digest_lines(report, drained, day, send=send, settings=settings):
        console.print(line, highlight=False, markup=False)
    if send and drained.sent:
        console.print(f"delivered through {_where(settings)}", highlight=False, markup=False)
    _errors(drained.errors)


def digest_lines(report: Any, drained: Any, day: date, *, send: bool, settings: Any) -> list[str]:
    """The digest's counts, each naming what it counts, and why nothing was sent when
    nothing was: a non-working day (a holiday named), --no-send, or this month's summaries
    recorded and sent before."""
    from ..working_calendar import load_calendar

    again = report.recorded < report.recipients
    lines = [
        f"digest {report.month}: summaries for {report.recipients} recipients (focal points and"
        f" permanent missions), {report.recorded} of them new"
        + (
            f" ({report.recipients - report.recorded} recorded by an earlier digest this month;"
            " a month's summary is written once)"
            if again
            else ""
        )
        + f"; messages sent {drained.sent}, failed {drained.failed}"
        + (f", in doubt {drained.in_doubt}" if drained.in_doubt else "")
        + (f", given up {drained.given_up}" if drained.given_up else "")
    ]
    if drained.sent or drained.failed:
        return lines
    calendar = load_calendar(settings.process_defs)
    closed = calendar.why_not_working(day)
    if not send:
        lines.append("sent nothing: --no-send records only; the next sweep or digest sends them")
    elif closed:
        lines.append(
            f"sent nothing: {day} is not a working day ({closed}); nothing leaves on such a day."
            f" The summaries go out with the sweep of the next working day,"
            f" {calendar.next_working_day(day)}"
        )
    elif report.recipients and not report.recorded:
        lines.append("sent nothing new: this month's summaries were recorded and sent before")
    elif not report.recipients:
        lines.append("sent nothing: no focal point or permanent mission has a review in progress")
    return lines
