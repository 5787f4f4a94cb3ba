"""`untoc demo`: the main job on embedded defaults, end to end, on the bundled sample.

SQLite in the current folder, emails as `.eml` files in a local outbox folder, the report
as a local folder: nothing to install or start. Running it again adds nothing and sends
nothing twice (the import and the outbox are idempotent).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parent / "sample" / "mechanism.json"


def run_demo(
    as_of: date, console: Any, report_dir: Path | None = None, *, command: str = "untoc"
) -> dict[str, Any]:
    """`command`: how the person runs untoc (`.venv/bin/untoc` when it is not on the PATH),
    so that the commands the demo suggests run as printed."""
    from .core import mechanism_states
    from .definitions import load_definitions
    from .notify import run_sweep
    from .reports import status_report, write_status_report
    from .reports.exports import write_calendars, write_csv
    from .settings import load_settings
    from .store import open_store

    settings = load_settings()
    report_dir = report_dir or Path.cwd() / "untoc-report"
    definition = load_definitions(settings.definitions_folders)
    store = open_store(settings.database_url)
    try:
        imported = store.import_file(SAMPLE)
        console.print(f"1. sample mechanism loaded into {_url(settings.database_url)}: {imported}")

        # The clock is read here, at the edge, only to stamp the emails' Date header.
        swept = run_sweep(store, as_of, datetime.now(UTC), settings)
        if swept.opening:
            console.print(
                f"2. go-live of the correspondence on {swept.go_live}: {swept.recorded} messages "
                f"to {swept.recipients} recipients, one each (an opening message listing what "
                "is outstanding in its reviews; nothing earlier is caught up); "
                f"recorded {swept.recorded} new, sent {swept.sent}, failed {swept.failed}"
            )
        else:
            # notices (one deadline's reminder to one Party) and messages (one a recipient
            # a day, carrying its notices) counted apart; a rerun on the go-live day adds none
            again = (
                " (the go-live day: its opening messages are recorded)"
                if (as_of == swept.go_live and not swept.found)
                else ""
            )
            console.print(
                f"2. deadline sweep on {as_of} (live since {swept.go_live}){again}: found "
                f"{swept.found} notices due ({swept.already_recorded} of them already in the"
                " outbox); "
                f"messages: {swept.recorded} new, sent {swept.sent}, failed {swept.failed}, "
                f"pending {swept.pending}"
            )
        if swept.awaiting_approval:
            console.print(
                f"   {swept.awaiting_approval} escalation(s) await the secretariat's approval "
                "(the President's summary, letters to permanent missions): review them with "
                f"`{command} outbox list --awaiting`, then `{command} outbox approve --all`"
            )
        where = settings.notify_url and "the Apprise URL(s) of UNTOC_NOTIFY_URL"
        emails = sorted(settings.outbox_dir.glob("*.eml")) if not settings.notify_url else []
        console.print(f"   emails: {where or settings.outbox_dir} ({len(emails)} .eml files)")
        for path in emails[:3]:
            message = BytesParser(policy=policy.default).parse(path.open("rb"))
            console.print(f"   - {path.name}: to {message['To']} | {message['Subject']}")

        snapshot = store.snapshot(as_of)
    finally:
        store.close()

    # One fold of the Mechanism serves the figures, the page, the CSV and the calendars.
    states = mechanism_states(definition, snapshot, as_of, notifications=False)
    report = status_report(definition, snapshot, as_of, states=states)
    page = write_status_report(
        definition, snapshot, as_of, report_dir, with_forecast=True, states=states
    )
    write_csv(states.values(), snapshot, report_dir / "reviews.csv", definition)
    calendars = write_calendars(
        states, snapshot, as_of, report_dir / "calendars", definitions=definition
    )
    stages = Counter(s.stage for s in states.values())
    console.print(
        f"3. status on {as_of}: {report['reviews']['total']} reviews: "
        + ", ".join(f"{stage} {stages.get(stage, 0)}" for stage in definition.default.stages)
    )
    # the figure of the focal points in office, under the key the default process gives it
    roll = [k for k, fig in definition.default.report.items() if fig.figure == "focal_point_roll"]
    held = ""
    if roll:
        fp = report[roll[0]]
        held = f"{fp['parties_without']} parties without a focal point hold up "
        held += f"{fp['reviews_blocked']} reviews; "
    console.print(
        f"   {held}group 1 complete: "
        f"{report['cluster_progress']['completed']}/{report['cluster_progress']['total']}"
    )
    console.print(f"4. report: {page} (open it in a browser)")
    console.print(
        f"   also: {report_dir / 'reviews.csv'} and {len(calendars)} party calendars (.ics) "
        f"in {report_dir / 'calendars'}"
    )
    console.print(
        f"Next: `{command} status --as-of {as_of}`, "
        f"`{command} report --as-of {as_of} --format json`, "
        f"`{command} sweep --as-of {_next_working_day(settings, as_of)}` "
        "(the next working day's messages)."
    )
    return {"imported": imported, "sweep": swept, "report": report, "page": page}


def _next_working_day(settings: Any, day: date) -> date:
    from datetime import timedelta

    from .working_calendar import load_calendar

    return load_calendar(settings.process_defs).next_working_day(day + timedelta(days=1))


def _url(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url
