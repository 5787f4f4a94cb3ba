"""`untoc import`, `export`, `record`, `status` and `demo`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..errors import InputError, Problem
from .common import console, err_console, fails_cleanly, opened_store, parse_as_of, today

SAMPLE_AS_OF = "2024-04-16"  # the date of the secretariat's 2024 background paper


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("record")(record_command)
    app.command("status")(status_command)
    app.command("demo")(demo_command)


@fails_cleanly
def import_command(
    file: Annotated[
        Path, typer.Argument(help="A mechanism file (untoc-mechanism/1), JSON or YAML.")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the history runs to (YYYY-MM-DD); a fact dated after it is refused."
            " Default today.",
        ),
    ] = None,
) -> None:
    """Load a mechanism file into the store: all or nothing, and idempotent. Every fact is
    checked against the process: one that cannot be true is refused with its place."""
    day = parse_as_of(as_of)
    checked = admission(day or today(), "--as-of" if day else "today")
    with opened_store() as store:
        result = store.import_file(file, admission=checked)
    console.print(f"imported {file}: {result}")


def admission(day: Any, name: str = "today") -> Any:
    """The facts check of an import or a record, against the date of the command."""
    from ..core.admission import CommandDate
    from ..store.admission import Admission

    return Admission(CommandDate(day, name))


@fails_cleanly
def export_command(
    file: Annotated[Path, typer.Argument(help="Where to write; .json or .yaml decides the form.")],
) -> None:
    """Write the whole store as a mechanism file (re-importable into an empty store)."""
    with opened_store() as store:
        path = store.export_file(file)
    console.print(f"exported the store to {path}")


# Options of `record`, named after the mechanism file's event fields.
@fails_cleanly
def record_command(
    type: Annotated[
        str, typer.Argument(help="Event type, e.g. saq_submitted (mechanism-file.md).")
    ],
    review: Annotated[str | None, typer.Option(help="Review id, e.g. C1-G1-NGA.")] = None,
    party: Annotated[str | None, typer.Option(help="Party code, e.g. NGA.")] = None,
    on: Annotated[
        str | None, typer.Option(help="Date of the fact (YYYY-MM-DD); default today.")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="focal_point_nominated: the person's name.")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="The person's email (nominated or withdrawn).")
    ] = None,
    gender: Annotated[str | None, typer.Option(help="female | male | other")] = None,
    ministry: Annotated[str | None, typer.Option()] = None,
    language: Annotated[str | None, typer.Option(help="The person's UN language code.")] = None,
    replaces: Annotated[str | None, typer.Option(help="Email of the focal point replaced.")] = None,
    count: Annotated[int | None, typer.Option(help="experts_nominated: how many.")] = None,
    women: Annotated[int | None, typer.Option(help="experts_nominated: of whom women.")] = None,
    languages: Annotated[
        str | None,
        typer.Option(help="Consultation: working languages, comma-separated (empty: none)."),
    ] = None,
    agreed_saq: Annotated[str | None, typer.Option(help="Consultation: SAQ date agreed.")] = None,
    agreed_written_feedback: Annotated[str | None, typer.Option()] = None,
    agreed_observations: Annotated[str | None, typer.Option()] = None,
    step: Annotated[
        str | None, typer.Option(help="deadline_extended / step_waived: the step.")
    ] = None,
    due: Annotated[str | None, typer.Option(help="deadline_extended: the new deadline.")] = None,
    basis: Annotated[
        str | None, typer.Option(help="Why: the agreement or Conference decision.")
    ] = None,
    by: Annotated[str | None, typer.Option(help="reviewer_replaced: the joining party.")] = None,
    requested_by: Annotated[str | None, typer.Option(help="reviewer_replaced: who asked.")] = None,
    event_id: Annotated[
        str | None, typer.Option("--id", help="Unique id; a repeat is skipped.")
    ] = None,
    note: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Append one fact to the event log (same types and fields as the mechanism file).
    A fact that cannot be true is refused with the reason: dated after today, before what
    it depends on, at a step the review is not at, or repeating one already recorded."""
    fields: dict[str, Any] = {
        "on": on or today().isoformat(),
        "type": type,
        "review": review,
        "party": party,
        "replaces": replaces,
        "count": count,
        "women": women,
        "step": step,
        "due": due,
        "basis": basis,
        "by": by,
        "requested_by": requested_by,
        "id": event_id,
        "note": note,
    }
    if type == "focal_point_nominated":
        person = {
            "name": name,
            "email": email,
            "gender": gender,
            "ministry": ministry,
            "language": language,
        }
        fields["person"] = {k: v for k, v in person.items() if v is not None}
    elif email is not None:
        fields["email"] = email
    if languages is not None:
        fields["languages"] = [x.strip() for x in languages.split(",") if x.strip()]
    agreed = {
        "saq": agreed_saq,
        "written_feedback": agreed_written_feedback,
        "observations": agreed_observations,
    }
    if any(agreed.values()):
        fields["agreed"] = {k: v for k, v in agreed.items() if v}
    event = {k: v for k, v in fields.items() if v is not None}

    from ..yamlsource import Located

    doc = {"format": "untoc-mechanism/1", "events": [event]}
    with opened_store() as store:
        try:
            result = store.import_document(
                Located(doc, "untoc record", {}), admission=admission(today())
            )
        except InputError as exc:
            raise InputError([_as_option(p) for p in exc.problems]) from exc
        added = result.added.get("events", 0)
        console.print(f"recorded {type}" if added else f"already recorded: {type} (nothing added)")
        if added:
            _resume_waiting_run(store, event)


def _as_option(problem: Problem) -> Problem:
    """events[0].review -> --review: the person typed options, not a file."""
    path = problem.path.removeprefix("events[0]").lstrip(".")
    option = "--" + path.split(".")[-1].replace("_", "-") if path else ""
    return Problem(problem.message, path=option, hint=problem.hint)


def _resume_waiting_run(store: Any, event: dict[str, Any]) -> None:
    """If a Prefect server runs a flow for this review, resume it; otherwise do nothing."""
    try:
        from ..orchestration import resume_waiting_run
    except ImportError:
        return
    # With no review (a focal point named for a party), the party's waiting runs resume.
    try:
        run_id = resume_waiting_run(event.get("review"), event)
    except Exception as exc:  # the fact is recorded; the run catches up at its next resume
        err_console.print(f"note: recorded, but the waiting flow run was not resumed: {exc}")
        return
    if run_id:
        console.print(f"resumed flow run {run_id}")


@fails_cleanly
def status_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")
    ] = None,
    review: Annotated[str | None, typer.Option(help="Only this review.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Each review's stage, next deadline and its source, days overdue, and who holds it up."""
    if format not in ("table", "json"):
        raise typer.BadParameter("choose table or json", param_hint="--format")
    day = parse_as_of(as_of) or today()
    from ..core import mechanism_states
    from ..core.serialize import state_to_dict
    from ..definitions import load_process
    from ..settings import load_settings

    definition = load_process(load_settings().process_defs / "country_review.yaml")
    with opened_store() as store:
        snapshot = store.snapshot(day)
    if review is not None and review not in snapshot.reviews:
        from ..errors import did_you_mean

        raise InputError(
            [
                Problem(
                    f"no review {review!r}",
                    path="--review",
                    hint=did_you_mean(review, snapshot.reviews),
                )
            ]
        )
    states = mechanism_states(definition, snapshot, day)
    chosen = [states[review]] if review else list(states.values())
    if format == "json":
        typer.echo(json.dumps([state_to_dict(s) for s in chosen], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Country reviews on {day.isoformat()}", show_lines=False)
    for column in (
        "review",
        "group",
        "stage",
        "next deadline",
        "source",
        "days overdue",
        "waiting for",
    ):
        table.add_column(column, overflow="fold")
    for s in chosen:
        nxt = s.next_deadline
        deadline = nxt.deadline if nxt else None
        source = ""
        if deadline:
            source = deadline.source + (f" ({deadline.basis})" if deadline.basis else "")
        waiting = ", ".join(s.waiting_for)
        if s.blocked:
            waiting = "no focal point: " + ", ".join(s.parties_without_focal_point)
        table.add_row(
            s.review,
            str(s.group),
            s.stage,
            f"{nxt.step} {deadline.due.isoformat()}" if nxt and deadline else "",
            source,
            str(s.days_overdue) if s.days_overdue else "",
            waiting,
        )
    console.print(table)


@fails_cleanly
def demo_command(
    as_of: Annotated[
        str, typer.Option("--as-of", help="Date of the sweep and report.")
    ] = SAMPLE_AS_OF,
) -> None:
    """Load the bundled sample, run the deadline sweep, write the emails and the report."""
    from ..demo import run_demo

    run_demo(parse_as_of(as_of) or today(), console)
