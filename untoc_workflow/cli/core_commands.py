"""`untoc import`, `export`, `record`, `status` and `demo`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.table import Table

from ..errors import InputError, Problem
from .common import (
    console,
    err_console,
    fails_cleanly,
    opened_store,
    output_file,
    parse_as_of,
    today,
    untoc_command,
)
from .helptext import RecordCommand
from .recorder import kept_note

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition

SAMPLE_AS_OF = "2024-04-16"  # the date of the secretariat's 2024 background paper


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
    # a process's facts bring their own options (--count, --agreed-saq...): see _fact_options
    app.command(
        "record",
        cls=RecordCommand,  # `untoc record FACT --help` lists that fact's options
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(record_command)
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
    checked against the process: one that cannot be true is refused with its place.

    With a Prefect API configured (PREFECT_API_URL), the waiting country-review runs the
    new facts move are then resumed: those whose step they complete, and every run of a
    Party whose focal point was named."""
    day = parse_as_of(as_of)
    checked = admission(day or today(), "--as-of" if day else "today")
    from ..mechanism import carry as decisions_carry
    from ..questionnaire import carry

    # a JSON file is scanned once: its questionnaires, decisions and draws are checked
    # before anything is written, and its events are then read from the same scan
    opened = _scanned_json(file)
    carried = carry.read_section(file, opened)
    recorded = decisions_carry.read_sections(file, opened)
    with opened_store() as store:
        decisions_carry.check_against(store.engine, recorded, file)
        mark = _log_mark(store)
        from .progress import progress

        with progress(f"importing {file.name}", "events") as advance:
            result = store.import_file(file, admission=checked, progress=advance, opened=opened)
        console.print(f"imported {file}: {result}")
        if carried:
            console.print(f"questionnaire responses added: {carry.restore(store.engine, carried)}")
        if recorded:
            decisions, draws = decisions_carry.restore(store.engine, recorded)
            console.print(f"decisions added: {decisions}, draws added: {draws}")
        if mark is not None and result.added.get("events", 0):
            _resume_touched_runs(store, mark)


def _scanned_json(file: Path) -> Any:
    """The JSON mechanism file scanned (its head parsed, its events located), or None for
    YAML, which the import reads its own way."""
    if file.suffix.lower() != ".json":
        return None
    from ..mechanism_file.source import JsonStream

    return JsonStream.open(file)


def _log_mark(store: Any) -> int | None:
    """Where the log ends before an import, when runs may need resuming after it."""
    from ..orchestration import api_configured

    if not api_configured():
        return None
    from ..orchestration.catch_up import log_mark

    return log_mark(store)


def _resume_touched_runs(store: Any, mark: int) -> None:
    """One line: the runs the imported facts moved, or why none was resumed (the facts are
    recorded either way, and `untoc flows sync` catches the runs up later)."""
    from ..definitions import load_definitions
    from ..orchestration.catch_up import resume_touched_runs, reviews_touched
    from ..settings import load_settings

    # every loaded version: each run is caught up with its own review's (process, version)
    definition = load_definitions(load_settings().definitions_folders)
    reviews = reviews_touched(store, mark)
    try:
        resumed = resume_touched_runs(definition, store, reviews, mark, today())
    except InputError as exc:  # no server, or it refused us: said in one line
        err_console.print(f"note: the facts are recorded, but no run was resumed: {exc.render()}")
        return
    except Exception as exc:  # noqa: BLE001 - the import is committed; only the resume failed
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        err_console.print(
            f"note: the facts are recorded, but the waiting runs were not resumed ({first});"
            " run `untoc flows sync` later"
        )
        return
    console.print(
        f"resumed {len(resumed)} waiting run(s) of the {len(reviews)} review(s) the new facts"
        " bear on"
    )


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
    output_file(file)
    from ..mechanism import carry as decisions_carry
    from ..mechanism_file.export import write_document
    from ..questionnaire import carry

    with opened_store() as store:
        from .progress import progress

        with progress(f"exporting to {file.name}", "events") as advance:
            document = store.export(progress=advance)
            carry.add_to(document, store.engine)
            path = write_document(decisions_carry.add_to(document, store.engine), file)
            advance(len(document.get("events", ())), len(document.get("events", ())))
    console.print(f"exported the store to {path}")
    from ..inputfile import MAX_YAML_BYTES, MB, limit_for

    if limit_for(path) == MAX_YAML_BYTES and path.stat().st_size > MAX_YAML_BYTES:
        err_console.print(
            f"note: {path} is larger than the {MAX_YAML_BYTES // MB} MB untoc reads as YAML;"
            " export to a .json file to import it again"
        )


# Options of `record`, named after the mechanism file's event fields: the engine's facts
# here, a process's facts from its definition (`untoc processes` lists them).
@fails_cleanly
def record_command(
    ctx: typer.Context,
    type: Annotated[
        str,
        typer.Argument(
            metavar="FACT",
            help="Event type: an engine fact or one a process declares (`untoc processes`).",
        ),
    ],
    review: Annotated[
        str | None, typer.Option(help="The review's id, as in the mechanism file.")
    ] = None,
    party: Annotated[
        str | None, typer.Option(help="The party's code, as in the mechanism file.")
    ] = None,
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
    step: Annotated[
        str | None, typer.Option(help="deadline_extended / step_waived: the step.")
    ] = None,
    due: Annotated[str | None, typer.Option(help="deadline_extended: the new deadline.")] = None,
    basis: Annotated[
        str | None, typer.Option(help="Why: the agreement or decision it follows.")
    ] = None,
    by: Annotated[str | None, typer.Option(help="reviewer_replaced: the joining party.")] = None,
    requested_by: Annotated[str | None, typer.Option(help="reviewer_replaced: who asked.")] = None,
    event_id: Annotated[
        str | None, typer.Option("--id", help="Unique id; a repeat is skipped.")
    ] = None,
    note: Annotated[str | None, typer.Option()] = None,
    recorded_by: Annotated[
        str | None,
        typer.Option(
            "--recorded-by",
            help="Who records the fact, kept with it in its note (default: your login name"
            " and '(untoc command line)').",
        ),
    ] = None,
) -> None:
    """Append one fact to the event log (same types and fields as the mechanism file).
    A fact that cannot be true is refused with the reason: dated after today, before what
    it depends on, at a step the review is not at, or repeating one already recorded.
    Who recorded it is kept in its note, as the resume form of the Prefect UI keeps it.

    A fact a process declares takes its fields as options, e.g. `--count 5`, `--languages
    en,fr`, `--agreed-saq 2021-05-31` (a date agreed for a step); `untoc processes` lists
    every fact with its options, and `untoc record FACT --help` those of one fact.
    """
    fields: dict[str, Any] = {
        # `--on ""` (a variable left empty in a script) is refused as a date, not taken as today
        "on": today().isoformat() if on is None else on,
        "type": type,
        "review": review,
        "party": party,
        "replaces": replaces,
        "step": step,
        "due": due,
        "basis": basis,
        "by": by,
        "requested_by": requested_by,
        "id": event_id,
        # Part of the fact's content id: the same fact recorded again by the same person
        # is found stored; by someone else, the review's repeat rule refuses it.
        "note": kept_note(note, recorded_by),
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
    from ..yamlsource import Located

    with opened_store() as store:
        fields.update(_fact_options(type, list(ctx.args), _fact_definitions(store, review, party)))
        event = {k: v for k, v in fields.items() if v is not None}
        if type == "deadline_extended":
            _refuse_a_shorter_deadline(store, event)
        doc = {"format": "untoc-mechanism/1", "events": [event]}
        try:
            result = store.import_document(
                Located(doc, "untoc record", {}), admission=admission(today())
            )
        except InputError as exc:
            raise InputError([_as_option(p) for p in exc.problems]) from exc
        added = result.added.get("events", 0)
        what = _recorded_line(event)
        console.print(f"recorded {what}" if added else f"already recorded: {what} (nothing added)")
        if added:
            _resume_waiting_runs(store, event)


def _refuse_a_shorter_deadline(store: Any, event: dict[str, Any]) -> None:
    """An extension recorded by hand lengthens an open step's deadline, as one approved in
    the portal does: a date on or before the step's deadline on the fact's day, or a step
    already complete, is refused before anything is written."""
    from datetime import date

    from ..core import mechanism_states
    from ..core.admission import extension_refusal
    from ..core.model import Event
    from ..definitions import load_definitions
    from ..settings import load_settings

    review = event.get("review")
    try:
        on = date.fromisoformat(str(event["on"]))
        due = date.fromisoformat(str(event.get("due")))
    except ValueError:
        return  # a malformed date is the mechanism file's check to locate
    snapshot = store.fold_snapshot(on)
    if review not in snapshot.reviews:
        return  # an unknown review, likewise
    catalog = load_definitions(load_settings().definitions_folders)
    state = mechanism_states(catalog, snapshot, on, notifications=False)[review]
    fact = Event(
        on, "deadline_extended", review=review, data={"step": event.get("step"), "due": due}
    )
    refusal = extension_refusal(state, fact)
    if refusal is not None:
        raise InputError([Problem(refusal.reason, path=f"--{refusal.field}")])


def _fact_definitions(store: Any, review: str | None, party: str | None) -> list[ProcessDefinition]:
    """The definitions a recorded fact's fields are read in: the review's own process (its
    version, then the later ones a migration may have moved it to); for a Party's fact, the
    processes of the Party's reviews. Never another process's declaration of the name."""
    from ..definitions import load_definitions
    from ..settings import load_settings

    catalog = load_definitions(load_settings().definitions_folders)
    reviews: dict[str, Any] = {}
    if review or party:
        with store.engine.connect() as conn:  # the reviews alone, not the log
            reviews = store._reviews(conn)
    if review is not None:
        chosen = [reviews[review]] if review in reviews else []
    else:
        chosen = [
            r
            for r in reviews.values()
            if party is not None
            and (r.reviewed == party or any(a.party == party for a in r.reviewers))
        ]
    out: list[ProcessDefinition] = []
    for r in chosen:
        for version in catalog.versions(r.process):
            found = catalog.get(r.process, version)
            if version >= r.process_version and found is not None and found not in out:
                out.append(found)
    return out


def _fact_options(
    kind: str, args: list[str], definitions: list[ProcessDefinition]
) -> dict[str, Any]:
    """`--count 5 --agreed-saq 2021-05-31` -> the fields of the fact `kind` as the first of
    `definitions` declaring it declares them, typed as declared; an option the fact does not
    have is a usage error."""
    from ..errors import did_you_mean

    if not args:
        return {}
    own = next((d for d in definitions if kind in d.facts), None)
    fact = own.facts[kind] if own is not None else None
    specs = dict(fact.fields) if fact is not None else {}
    agreed_field = next((f for f, spec in specs.items() if spec.type == "agreed"), None)
    agreed_steps = list(own.agreed_steps(kind)) if own is not None else []
    allowed = [f"--{f.replace('_', '-')}" for f, spec in specs.items() if spec.type != "agreed"]
    allowed += [f"--agreed-{s.replace('_', '-')}" for s in agreed_steps]
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    i = 0
    while i < len(args):
        option, _, value = args[i].partition("=")
        if not _:
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        i += 1
        name = option.removeprefix("--").replace("-", "_")
        if not option.startswith("--") or option not in allowed:
            problems.append(
                Problem(
                    f"{kind} has no option {option!r}",
                    path=option,
                    hint=did_you_mean(option, allowed)
                    or (f"options: {', '.join(allowed)}" if allowed else "it takes no fields"),
                )
            )
            continue
        if agreed_field and name.startswith("agreed_") and name[7:] in agreed_steps:
            out.setdefault(agreed_field, {})[name[7:]] = value
            continue
        spec = specs[name]
        if spec.type == "int":
            try:
                out[name] = int(value)
            except ValueError:
                problems.append(Problem(f"{value!r} is not a whole number", path=option))
        elif spec.type in ("languages", "list"):
            out[name] = [x.strip() for x in value.split(",") if x.strip()]
        else:
            out[name] = value
    if problems:
        raise InputError(problems)
    return out


def _recorded_line(event: dict[str, Any]) -> str:
    """What was recorded, in one line: the fact, its review or Party, its date and who."""
    where = f" for review {event['review']}" if event.get("review") else ""
    if not where and event.get("party"):
        where = f" for party {event['party']}"
    from ..orchestration.facts import split_recorder  # pydantic only; no Prefect

    who = split_recorder(event.get("note"))[1]
    return f"{event['type']}{where} on {event['on']}" + (f", recorded by {who}" if who else "")


def _as_option(problem: Problem) -> Problem:
    """events[0].review -> --review: the person typed options, not a file."""
    path = problem.path.removeprefix("events[0]").lstrip(".")
    option = "--" + path.split(".")[-1].replace("_", "-") if path else ""
    if problem.message.startswith("required key ") and option:  # a file's words, not options
        return Problem(
            "required for this fact", path=option, hint="`untoc record FACT --help` lists them"
        )
    return Problem(problem.message, path=option, hint=problem.hint)


def _resume_waiting_runs(store: Any, event: dict[str, Any]) -> None:
    """If a Prefect server runs flows for this fact, resume the runs waiting for it (one
    line each); otherwise do nothing. A fact of a Party (its focal point, no review named)
    resumes every run of the Party waiting for it."""
    try:
        from ..orchestration import api_configured, resume_waiting_runs
        from ..orchestration.runs import ping_server
    except ImportError:
        return
    try:
        if api_configured():
            ping_server()  # a server that is down is said at once, before Prefect loads
        run_ids = resume_waiting_runs(event.get("review"), event)
    except Exception as exc:  # the fact is recorded; the run catches up at its next resume
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        err_console.print(f"note: recorded, but the waiting flow run was not resumed: {why}")
        return
    for run_id in run_ids:
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
    from ..definitions import load_definitions
    from ..settings import load_settings

    definition = load_definitions(load_settings().definitions_folders)
    with opened_store() as store:
        # today (on or after the last fact): the projections, not the whole log
        snapshot = store.fold_snapshot(day)
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
        typer.echo(status_json([numbered(state_to_dict(s)) for s in chosen]))
        return
    table = Table(title=f"{_reviews_called(definition, snapshot, chosen)} on {day}")
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
            str(s.group) if s.group else "",  # 0: its process numbers no groups
            s.stage,
            f"{nxt.step} {deadline.due.isoformat()}" if nxt and deadline else "",
            source,
            str(s.days_overdue) if s.days_overdue else "",
            waiting,
        )
    console.print(table)


def _reviews_called(definitions: Any, snapshot: Any, states: list[Any]) -> str:
    """What the table's reviews are called: their process's own plural when they all run one
    process that names its reviews (`roles: review_other`), else the country reviews."""
    processes = {
        d.ref: d for d in (definitions.for_review(snapshot.reviews[s.review]) for s in states)
    }
    own = next(iter(processes.values())) if len(processes) == 1 else None
    if own is None or "review_other" not in own.roles:
        return "Country reviews"
    called = str(own.role_title("review_other", "en"))
    return called[:1].upper() + called[1:]


def numbered(state: dict[str, Any]) -> dict[str, Any]:
    """A review's state as the status JSON states it: the cluster and group of a review whose
    process numbers its reviews in none are null, as the table leaves them empty (the store
    keeps 0, NOT_NUMBERED, which no review is in)."""
    from ..core.model import NOT_NUMBERED

    for key in ("cluster", "group"):
        if state.get(key) == NOT_NUMBERED:
            state[key] = None
    return state


def status_json(states: list[dict[str, Any]]) -> str:
    """The states as `json.dumps(states, indent=2, ensure_ascii=False)` writes them, the same
    text, by orjson: at 10,000 reviews the standard library's indenting encoder (pure
    Python: its C one runs only without indent) took half the command's time."""
    return orjson.dumps(states, option=orjson.OPT_INDENT_2).decode("utf-8")


@fails_cleanly
def demo_command(
    as_of: Annotated[
        str, typer.Option("--as-of", help="Date of the sweep and report.")
    ] = SAMPLE_AS_OF,
) -> None:
    """Load the bundled sample, run the deadline sweep, write the emails and the report."""
    from ..demo import run_demo

    run_demo(parse_as_of(as_of) or today(), console, command=untoc_command())
