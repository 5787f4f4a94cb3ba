"""`untoc migrate` (running reviews to another version of their process, from a date) and
`untoc processes` (what the loaded definitions declare: versions, steps, facts and fields)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError, Problem, did_you_mean
from .common import console, fails_cleanly, opened_store, parse_as_of

if TYPE_CHECKING:
    from ..definitions import ProcessCatalog


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate_command)
    app.command("processes")(processes_command)


def _catalog() -> ProcessCatalog:
    from ..definitions import load_definitions
    from ..settings import load_settings

    return load_definitions(load_settings().definitions_folders)


def _renamed(text: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        old, sep, new = part.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise InputError([Problem(f"{part!r} is not OLD=NEW", path="--rename")])
        out[old.strip()] = new.strip()
    return out


@fails_cleanly
def migrate_command(
    to: Annotated[
        str, typer.Option("--to", help="PROCESS@VERSION, as `untoc processes` lists them.")
    ],
    on: Annotated[str, typer.Option("--on", help="From this date (YYYY-MM-DD).")],
    reviews: Annotated[
        str | None, typer.Option(help="Only these reviews, comma-separated; default: all running.")
    ] = None,
    rename: Annotated[
        str | None, typer.Option(help="Steps renamed by the new version: OLD=NEW,...")
    ] = None,
    basis: Annotated[
        str, typer.Option(help="Why: the decision or agreement it follows.")
    ] = "migration to a new version of the process",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List every deadline that moves; change nothing.")
    ] = False,
    format: Annotated[str, typer.Option("--format", help="text | json")] = "text",
) -> None:
    """Move running reviews to another version of their process from a date.

    Recorded as a dated `process_migrated` event per review with its step mapping: states
    before the date keep folding with the old version. Lists every deadline that moves.
    """
    from ..core.migration import plan_migration
    from ..mechanism_file.convert import event_to_dict

    if format not in ("text", "json"):
        raise typer.BadParameter("choose text or json", param_hint="--format")
    day = parse_as_of(on, option="--on")
    assert day is not None
    catalog = _catalog()
    target = catalog.parse_ref(to)
    wanted = [r.strip() for r in reviews.split(",") if r.strip()] if reviews else None
    with opened_store() as store:
        snapshot = store.snapshot()
        if wanted is not None:
            unknown = [r for r in wanted if r not in snapshot.reviews]
            if unknown:
                raise InputError(
                    [
                        Problem(
                            f"no review {r!r}",
                            path="--reviews",
                            hint=did_you_mean(r, snapshot.reviews),
                        )
                        for r in unknown
                    ]
                )
        plans = plan_migration(
            catalog, snapshot, target, day, wanted, _renamed(rename), basis=basis
        )
        recorded = 0
        if not dry_run and plans:
            from ..core.migration import migration_event
            from ..yamlsource import Located

            events = [
                event_to_dict(
                    migration_event(p.review, p.process, p.to_version, day, p.steps, basis)
                )
                for p in plans
            ]
            doc = {"format": "untoc-mechanism/1", "events": events}
            result = store.import_document(Located(doc, "untoc migrate", {}))
            recorded = result.added.get("events", 0)
    if format == "json":
        payload = {
            "to": target.ref,
            "on": day.isoformat(),
            "dry_run": dry_run,
            "reviews": [
                {
                    "review": p.review,
                    "from": f"{p.process}@{p.from_version}",
                    "steps": dict(p.steps),
                    "moved": [
                        {
                            "step": m.step,
                            "before": _deadline(m.before),
                            "after": _deadline(m.after),
                        }
                        for m in p.moved
                    ],
                }
                for p in plans
            ],
            "recorded": recorded,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    head = "would" if dry_run else "did"
    lines = [f"migration to {target.ref} from {day}: {len(plans)} reviews"]
    moved = [m for p in plans for m in p.moved]
    lines.append(f"deadlines that {head} move: {len(moved)}")
    for m in moved:
        lines.append(f"  {m.review}  {m.step}  {_text(m.before)} -> {_text(m.after)}")
    lines.append("dry run: nothing was changed" if dry_run else f"recorded {recorded} events")
    for line in lines:
        console.print(line, highlight=False, markup=False)


def _deadline(d: Any) -> dict[str, Any] | None:
    return None if d is None else {"due": d.due.isoformat(), "source": d.source}


def _text(d: Any) -> str:
    return "-" if d is None else f"{d.due} ({d.source})"


@fails_cleanly
def processes_command(
    format: Annotated[str, typer.Option("--format", help="text | json")] = "text",
    diagram: Annotated[
        str | None,
        typer.Option(
            "--diagram",
            help="PROCESS[@VERSION]: print its Mermaid diagram (steps, starts, clocks,"
            " ladders); without a version, the latest.",
        ),
    ] = None,
) -> None:
    """The loaded process definitions: versions, steps, and the facts `untoc record` takes."""
    catalog = _catalog()
    if diagram is not None:
        from ..definitions.diagram import mermaid

        ref = diagram if "@" in diagram or diagram not in catalog.processes else None
        chosen = catalog.parse_ref(ref) if ref is not None else catalog.latest(diagram)
        typer.echo(mermaid(chosen), nl=False)
        return
    if format == "json":
        typer.echo(json.dumps(describe(catalog), ensure_ascii=False, indent=1))
        return
    for d in catalog:
        console.print(f"{d.ref}: {d.title.get('en', d.process)}", highlight=False, markup=False)
        for s in d.steps:
            flags = [
                f for f, on_ in (("optional", s.optional), ("extendable", s.extendable)) if on_
            ]
            done = s.completed_by.event or s.completed_by.condition
            console.print(
                f"  step {s.id}: {s.label()} ({s.duration or 'no clock'}; done by {done}"
                + (f"; {', '.join(flags)}" if flags else "")
                + ")",
                highlight=False,
                markup=False,
            )
        for name, fact in d.facts.items():
            fields = ", ".join(
                f"--{f.replace('_', '-')} {spec.type}{'?' if spec.optional else ''}"
                for f, spec in fact.fields.items()
                if spec.type != "agreed"  # its dates are the --agreed-<step> options
            )
            agreed = d.agreed_steps(name)
            if agreed:
                fields += (", " if fields else "") + ", ".join(
                    f"--agreed-{a.replace('_', '-')} date?" for a in agreed
                )
            console.print(
                f"  fact {name} ({fact.scope}): {fields or 'no fields'}",
                highlight=False,
                markup=False,
            )


def describe(catalog: ProcessCatalog) -> list[dict[str, Any]]:
    """The loaded definitions as plain data: what a form or a script builds on."""
    from ..definitions.facts import step_facts

    return [
        {
            "process": d.process,
            "version": d.version,
            "stages": list(d.stages),
            "steps": [
                {
                    "id": s.id,
                    "title": dict(s.title),
                    "duration": s.duration,
                    "optional": s.optional,
                    "extendable": s.extendable,
                    "facts": [f.as_dict() for f in step_facts(d, s.id)],
                }
                for s in d.steps
            ],
        }
        for d in catalog
    ]
