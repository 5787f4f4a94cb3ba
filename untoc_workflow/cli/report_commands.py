"""`untoc report`, `export-csv`, `calendar` and `forecast`: the secretariat's figures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError, Problem
from ..languages import UN_LANGUAGES
from .common import console, fails_cleanly, opened_store, parse_as_of, today

AS_OF_HELP = "Date of the figures (YYYY-MM-DD); default today."


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
    app.command("export-csv")(export_csv_command)
    app.command("calendar")(calendar_command)
    app.command("forecast")(forecast_command)


def _definition() -> Any:
    from ..definitions import load_definitions
    from ..settings import load_settings

    # every version of every process: each review folds with its own
    return load_definitions(load_settings().definitions_folders)


def _load(
    as_of: str | None, *, fold_only: bool = False, added_up: bool = False
) -> tuple[date, Any, Any]:
    """The date, the definitions and the store's snapshot on the date. `fold_only`: the
    caller only folds the reviews, so on or after the last fact the projections serve
    instead of the whole log (`Store.fold_snapshot`); `added_up`: with every Party fact
    the report adds up."""
    day = parse_as_of(as_of) or today()
    definition = _definition()
    with opened_store() as store:
        if fold_only:
            from ..reports.status import added_up_facts

            every_of = added_up_facts(definition) if added_up else ()
            snapshot = store.fold_snapshot(day, every_of)
        else:
            snapshot = store.snapshot(day)
    return day, definition, snapshot


def _threshold_in_force(snapshot: Any, day: date) -> float | None:
    """The share for starting the next cluster on `day` as `untoc clusters` states it: the
    Mechanism's rule, or the one a Conference decision recorded in the store set since (the
    report would otherwise say "may start" where the decision says it may not). None: the
    Mechanism declares no such rule."""
    from ..mechanism import records
    from ..mechanism.clusters import threshold_on
    from ..mechanism.definition import load_mechanism

    mechanism = load_mechanism()
    if mechanism.next_cluster is None:
        return None
    counted = [
        r.cluster for r in snapshot.reviews.values() if mechanism.counts_for_next_cluster(r.process)
    ]
    with opened_store() as store:
        decisions = [d for d, _ in records.applied_decisions(store)]
    return threshold_on(mechanism, decisions, min(counted, default=1), day).percent / 100.0


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"choose {' or '.join(allowed)}", param_hint=option)
    return value


@fails_cleanly
def report_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    format: Annotated[str, typer.Option("--format", help="json | html")] = "json",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="json: a file (default: print). html: a folder for the page and its charts "
            "(default: ./untoc-report-DATE).",
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option("--lang", help=f"Language of the HTML page: {' | '.join(UN_LANGUAGES)}"),
    ] = "en",
    with_forecast: Annotated[
        bool, typer.Option("--forecast/--no-forecast", help="html: add the 70 % forecast.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the forecast.")] = 0,
) -> None:
    """The status report (figures I-VII of the background paper) as of a date."""
    _choice(format, ("json", "html"), "--format")
    from ..reports.i18n import words

    words(lang)  # an unknown language fails before any work
    from .progress import progress

    # three steps (the log read, the figures, the page written): the report's own work
    # has no hook of its own yet
    with progress("report", "steps", long_from=0) as advance:
        advance(0, 3)
        # the figures fold the reviews and add up the Parties' own facts: no timeline
        day, definition, snapshot = _load(as_of, fold_only=True, added_up=True)
        threshold = _threshold_in_force(snapshot, day)
        advance(1, 3)
        if format == "json":
            from ..reports import status_report

            figures = status_report(definition, snapshot, day, threshold=threshold)
            advance(3, 3)
        else:
            from ..reports import write_status_report

            folder = out or Path(f"untoc-report-{day.isoformat()}")
            page = write_status_report(
                definition,
                snapshot,
                day,
                folder,
                lang=lang,
                with_forecast=with_forecast,
                seed=seed,
                threshold=threshold,
            )
            advance(3, 3)
    if format == "json":
        text = json.dumps(figures, indent=2, ensure_ascii=False)
        if out is None:
            typer.echo(text)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n", encoding="utf-8")
            console.print(f"wrote the report of {day.isoformat()} to {out}")
        return
    console.print(f"wrote the report of {day.isoformat()} to {page}")


@fails_cleanly
def export_csv_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="CSV file to write (default: print).")
    ] = None,
) -> None:
    """Every review's state on the date, one row per review, as CSV for spreadsheets."""
    from ..core import mechanism_states
    from ..reports.exports import csv_text, write_csv

    # one row per review's state: the fold's input is enough
    day, definition, snapshot = _load(as_of, fold_only=True)
    states = mechanism_states(definition, snapshot, day).values()
    if out is None:
        typer.echo(csv_text(states, snapshot, definition), nl=False)
        return
    write_csv(states, snapshot, out, definition)
    console.print(f"wrote {len(snapshot.reviews)} reviews as of {day.isoformat()} to {out}")


@fails_cleanly
def calendar_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="With --party: the .ics file; without: a folder of one .ics per Party."
        ),
    ],
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    party: Annotated[
        str | None,
        typer.Option(
            "--party", help="Only this party's calendar (its code, as in the mechanism file)."
        ),
    ] = None,
    include_overdue: Annotated[
        bool, typer.Option("--include-overdue", help="Also list deadlines already past.")
    ] = False,
) -> None:
    """Upcoming deadlines per Party as iCalendar; re-importing updates, never duplicates."""
    from ..core import mechanism_states
    from ..reports.exports import write_calendars

    day, definition, snapshot = _load(as_of)
    states = mechanism_states(definition, snapshot, day)
    written = write_calendars(
        states,
        snapshot,
        day,
        out,
        party=party,
        include_overdue=include_overdue,
        definitions=definition,
    )
    where = written[0] if party else out
    console.print(f"wrote {len(written)} calendar file(s) as of {day.isoformat()} to {where}")
    from .calendar_words import why_empty

    for line in why_empty(written, day, party=party, include_overdue=include_overdue):
        console.print(line)


@fails_cleanly
def forecast_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    runs: Annotated[int, typer.Option(help="Monte-Carlo runs.")] = 400,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same forecast.")] = 0,
    group: Annotated[
        int | None,
        typer.Option(help="The group measured against the threshold; default mechanism.yaml's."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Share of the group complete, e.g. 0.7; default mechanism.yaml's."),
    ] = None,
    decision: Annotated[
        list[Path] | None,
        typer.Option("--decision", help="What if this decision file is adopted."),
    ] = None,
    extend: Annotated[
        list[str] | None,
        typer.Option(
            "--extend",
            help="What if STEP (a step of the process) is extended by MONTHS: STEP:MONTHS.",
        ),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="text | json")] = "text",
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for forecast.json and forecast.png.")
    ] = None,
    process: Annotated[
        str | None,
        typer.Option(
            "--process",
            help="The process whose reviews are forecast; default country_review, or the "
            "one process the store has reviews of.",
        ),
    ] = None,
) -> None:
    """When each review of a process is likely to complete and when the group reaches the
    70 % rule, from the process's own steps."""
    _choice(format, ("text", "json"), "--format")
    if threshold is not None and not 0 < threshold <= 1:
        raise InputError([Problem("the threshold is a share between 0 and 1", path="--threshold")])
    from ..reports.status import next_cluster_rule

    asked = threshold is not None or group is not None
    threshold, group = next_cluster_rule(threshold, group)  # the 70 % rule for group 1 (para 25)
    from ..reports.forecast import (
        Scenario,
        forecast,
        forecast_phases,
        parse_extend,
        review_lines,
        scenario_from_decision,
        summary_lines,
    )

    day, definition, snapshot = _load(as_of)
    present = {r.process for r in snapshot.reviews.values()}
    if process is None and len(present) == 1:
        from ..reports.status import default_process

        # no process named: the default one, or the one process the store has reviews of
        (only,) = present
        process = only if default_process(definition) != only else None
    phases = forecast_phases(definition, process)  # an unknown process fails before any work
    scenarios: list[Scenario] = []
    for text in extend or []:
        change = parse_extend(text, phases.delays)
        scenarios.append(
            Scenario(
                f"extend-{change.step}",
                f"extend {change.step} by {change.months:g} months",
                (change,),
            )
        )
    for path in decision or []:
        scenarios.append(scenario_from_decision(path, definition))
    result = forecast(
        definition,
        snapshot,
        day,
        runs=runs,
        seed=seed,
        scenarios=scenarios,
        group=group,
        threshold=threshold,
        process=phases.process,
    )
    png = result.pop("png", b"")
    from ..mechanism.definition import load_mechanism

    ruled = asked or load_mechanism().counts_for_next_cluster(phases.process)
    if not ruled:
        # a body whose Mechanism has no rule for these reviews has no threshold nor its date
        for scenario in result.get("scenarios", ()):
            scenario.update(threshold=None, needed=None, threshold_date=None)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "forecast.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (out / "forecast.png").write_bytes(png)
    if format == "json":
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    # the group's date by the 70 % rule, where the Mechanism's rule counts these reviews (a
    # body without clusters has no such date) or a threshold or group was asked for
    if ruled:
        for line in summary_lines(result):
            console.print(line)
    for line in review_lines(result):
        console.print(line, highlight=False)
    if out is not None:
        console.print(f"wrote {out / 'forecast.json'} and {out / 'forecast.png'}")
