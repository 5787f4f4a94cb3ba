"""`untoc draw`, `decide`, `redraw`, `clusters`, `start-cluster` and `late-joiners`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError, Problem
from .common import console, fails_cleanly, opened_store, parse_as_of, today


def _notice_outbox(store: Any) -> Any:
    """notify's outbox as the mechanism sees it (imported late, like every area here)."""
    from ..outbox.decisions import StoreNoticeOutbox

    return StoreNoticeOutbox(store)


def register(app: typer.Typer) -> None:
    app.command("draw")(draw_command)
    app.command("decide")(decide_command)
    app.command("decisions")(decisions_command)
    app.command("redraw")(redraw_command)
    app.command("clusters")(clusters_command)
    app.command("start-cluster")(start_cluster_command)
    app.command("late-joiners")(late_joiners_command)


def _definitions() -> tuple[Any, Any]:
    from ..definitions import load_definitions
    from ..definitions.load import defs_file, is_mechanism_rules
    from ..mechanism.definition import load_mechanism
    from ..settings import load_settings

    defs = load_settings().process_defs
    # Every loaded version: each review folds with the process version it records (or the
    # one a migration moved it to), and a decision reaches the reviews whose process has
    # the step it names.
    return load_definitions(load_settings().definitions_folders), load_mechanism(
        defs_file("mechanism.yaml", defs, is_mechanism_rules)
    )


def _dates(value: str, option: str) -> list[date]:
    out = []
    for part in value.split(","):
        parsed = parse_as_of(part.strip(), option=option)
        if parsed is None:
            raise typer.BadParameter("give at least one date", param_hint=option)
        out.append(parsed)
    if out != sorted(out) or len(set(out)) != len(out):
        raise typer.BadParameter("dates must be distinct and in order", param_hint=option)
    return out


def _out(lines: list[str]) -> None:
    # Plain lines: a decision may move ten thousand deadlines.
    sys.stdout.write("\n".join(lines) + ("\n" if lines else ""))


@fails_cleanly
def draw_command(
    parties_file: Annotated[
        Path, typer.Argument(help="A mechanism file whose parties are drawn (reviews ignored).")
    ],
    start: Annotated[
        str, typer.Option(help="Group start dates, comma-separated: one group per date.")
    ],
    seed: Annotated[int, typer.Option(help="Seed of the draw; the same seed gives the same draw.")],
    out: Annotated[Path, typer.Option(help="The mechanism file to write (.json or .yaml).")],
    cluster: Annotated[int, typer.Option(min=1, max=4, help="The cluster drawn.")] = 1,
) -> None:
    """Draw groups and reviewers by lot and write them as a mechanism file.

    The seed, the rules version and every lot are written beside it in OUT.draw.json.
    """
    from ..mechanism.service import draw_to_file

    starts = _dates(start, "--start")
    _, mechanism = _definitions()
    result, path, record = draw_to_file(
        parties_file, starts, mechanism, seed=seed, out=out, cluster=cluster
    )
    for g in result.groups:
        console.print(f"group {g.group} starts {g.starts_on}: {len(g.reviewed)} reviews")
    for code, why in result.not_drawn:
        console.print(f"not drawn: {code} ({why})")
    load = result.workload()
    console.print(
        f"{len(result.reviews)} reviews, {len(result.lots)} lots; each reviewer reviews "
        f"{min(load.values(), default=0)} to {max(load.values(), default=0)}"
    )
    console.print(f"wrote {path} and its record {record}")


@fails_cleanly
def decide_command(
    decision_file: Annotated[Path, typer.Argument(help="A decision file (YAML).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option(help="The day it is applied (YYYY-MM-DD); default today.")
    ] = None,
    format: Annotated[str, typer.Option(help="text | json")] = "text",
) -> None:
    """Apply a decision of the body that governs the review process (for UNTOC, the
    Conference): moved deadlines, waived steps, changed rules.

    Lists every deadline that moves (review, step, old, new, why) and every pending
    notification cancelled. Applying the same decision twice changes nothing.
    """
    from ..mechanism.decisions import parse_decision
    from ..mechanism.service import decide
    from ..yamlsource import load_file

    if format not in ("text", "json"):
        raise typer.BadParameter("text or json", param_hint="--format")
    day = parse_as_of(as_of) or today()
    process, mechanism = _definitions()
    source = load_file(decision_file, aliases=False)
    decision = parse_decision(source, process)
    with opened_store() as store:
        applied = decide(
            store,
            decision,
            process,
            mechanism,
            as_of=day,
            dry_run=dry_run,
            outbox=_notice_outbox(store),
            source=source,
        )
    plan = applied.plan
    if format == "json":
        _out([json.dumps(_plan_json(applied, dry_run), ensure_ascii=False, indent=1)])
        return
    head = "would" if dry_run else "did"
    lines = [f"decision {decision.ref} ({decision.label()}), as of {day}:"]
    lines.append(f"deadlines that {head} move: {len(plan.moves)}")
    for m in plan.moves:
        old = f"{m.old.due} ({m.old.source})" if m.old else "-"
        new = f"{m.new.due}" if m.new else "waived"
        lines.append(f"  {m.review}  {m.step}  {old} -> {new}  because {m.why}")
    lines.append(f"pending notifications that {head} get cancelled: {len(plan.cancellations)}")
    for c in plan.cancellations:
        n = c.notice
        lines.append(f"  #{n.id}  {n.review}  {n.step}  to {n.recipient}  ({c.why})")
    for r in plan.rule_changes:
        lines.append(f"rule: {r.rule}: {r.old} -> {r.new} from {r.from_}")
    if plan.kept:
        lines.append(f"deadlines kept: {len(plan.kept)}")
        lines.extend(f"  {k.review}  {k.step}  {k.due}: {k.why}" for k in plan.kept)
    lines.extend(f"not yet: {n}" for n in plan.not_yet)
    lines.extend(f"skipped: {n}" for n in plan.skipped)
    lines.extend(f"note: {c}" for c in plan.conflicts)
    if plan.recorded and not plan.events:
        lines.append(f"already applied: {plan.recorded} events of this decision are recorded")
    if dry_run:
        lines.append("dry run: nothing was changed")
    else:
        lines.append(
            f"recorded {applied.recorded} events, cancelled {applied.cancelled} notifications"
            + ("" if applied.decision_recorded else "; the decision was already recorded")
        )
    _out(lines)


@fails_cleanly
def decisions_command(
    as_of: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD); default today.")] = None,
    reapply: Annotated[
        bool,
        typer.Option(
            "--reapply",
            help="Apply every recorded decision again: standing rules reach newly started steps.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --reapply: change nothing.")
    ] = False,
) -> None:
    """The Conference decisions applied so far; with --reapply, apply them again."""
    from ..mechanism import records
    from ..mechanism.service import reapply_decisions

    day = parse_as_of(as_of) or today()
    process, mechanism = _definitions()
    with opened_store() as store:
        found = records.applied_decisions(store)
        results = (
            reapply_decisions(
                store,
                process,
                mechanism,
                as_of=day,
                dry_run=dry_run,
                outbox=_notice_outbox(store),
            )
            if reapply
            else []
        )
    if not found:
        console.print("no decision has been applied")
    for decision, applied in found:
        console.print(
            f"{decision.ref}: {decision.label()} (adopted {decision.adopted_on}, "
            f"applied as of {applied}, {len(decision.effects)} effects)"
        )
    for r in results:
        verb = "would move" if dry_run else "moved"
        console.print(
            f"reapplied {r.plan.decision.ref}: {verb} {len(r.plan.moves)} deadlines, "
            f"{len(r.plan.cancellations)} notifications to cancel"
        )


def _plan_json(applied: Any, dry_run: bool) -> dict[str, Any]:
    plan = applied.plan

    def d(x: Any) -> str | None:
        return x.isoformat() if x else None

    return {
        "decision": plan.decision.ref,
        "as_of": d(plan.as_of),
        "dry_run": dry_run,
        "moves": [
            {
                "review": m.review,
                "step": m.step,
                "old": d(m.old_due),
                "old_source": m.old.source if m.old else None,
                "new": d(m.new_due),
                "waived": m.new is None,
                "why": m.why,
            }
            for m in plan.moves
        ],
        "cancelled_notifications": [
            {
                "id": c.notice.id,
                "review": c.notice.review,
                "step": c.notice.step,
                "recipient": c.notice.recipient,
                "why": c.why,
            }
            for c in plan.cancellations
        ],
        "rule_changes": [
            {"rule": r.rule, "old": r.old, "new": r.new, "from": d(r.from_)}
            for r in plan.rule_changes
        ],
        "kept": [
            {"review": k.review, "step": k.step, "due": d(k.due), "why": k.why} for k in plan.kept
        ],
        "not_yet": plan.not_yet,
        "skipped": plan.skipped,
        "conflicts": plan.conflicts,
        "events_recorded": applied.recorded,
        "notifications_cancelled": applied.cancelled,
    }


@fails_cleanly
def redraw_command(
    review: Annotated[str, typer.Argument(help="The review's id, as in the mechanism file.")],
    party: Annotated[str, typer.Option(help="The reviewer leaving the review.")],
    requested_by: Annotated[str, typer.Option(help="The party asking for the redraw.")],
    on: Annotated[str, typer.Option(help="Day of the redraw (YYYY-MM-DD).")],
    seed: Annotated[int, typer.Option(help="Seed of the lot.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Draw, show, record nothing.")] = False,
) -> None:
    """Draw a new reviewer for a review (at most the limit of redraws per State)."""
    from ..mechanism.service import redraw_reviewer

    day = parse_as_of(on, option="--on")
    assert day is not None
    _, mechanism = _definitions()
    with opened_store() as store:
        result, stale = redraw_reviewer(
            store,
            mechanism,
            review=review,
            leaving=party,
            requested_by=requested_by,
            on=day,
            seed=seed,
            dry_run=dry_run,
            outbox=_notice_outbox(store),
        )
    lot = result.lot
    console.print(
        f"{review}: {party} -> {lot.drawn} ({lot.slot}), drawn among {', '.join(lot.lot)} "
        f"of {len(lot.pool)} eligible; redraw {result.requests_used} of {result.limit} "
        f"for {requested_by}"
    )
    verb = "would cancel" if dry_run else "cancelled"
    console.print(f"{verb} {len(stale)} pending notifications to {party}")
    if dry_run:
        console.print("dry run: nothing was recorded")


@fails_cleanly
def clusters_command(
    as_of: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD); default today.")] = None,
    format: Annotated[str, typer.Option(help="text | json")] = "text",
) -> None:
    """Where each cluster stands against the 70 % rule for starting the next one."""
    from ..mechanism.service import clusters

    day = parse_as_of(as_of) or today()
    process, mechanism = _definitions()
    with opened_store() as store:
        statuses = clusters(store, process, mechanism, day)
    if format == "json":
        _out(
            [
                json.dumps(
                    [
                        {
                            "cluster": s.cluster,
                            "as_of": day.isoformat(),
                            "group": s.group,
                            "reviews": s.reviews,
                            "complete": s.complete,
                            "percent": round(s.percent, 1),
                            "threshold": s.threshold.percent,
                            "threshold_source": s.threshold.source,
                            "rule_met": s.rule_met,
                            "next_cluster": s.next_cluster,
                            "next_started": s.next_started,
                        }
                        for s in statuses
                    ],
                    indent=1,
                )
            ]
        )
        return
    if not statuses:
        console.print(
            "no review numbered in a cluster of the rule's process is in the store"
            if mechanism.next_cluster is not None
            else "the Mechanism declares no rule for starting the next cluster"
            " (next_cluster in mechanism.yaml)"
        )
    for s in statuses:
        verdict = "met" if s.rule_met else f"not met ({s.needed} more to complete)"
        nxt = _next_cluster_words(mechanism, s)
        console.print(
            f"cluster {s.cluster} on {day}: {s.complete} of {s.reviews} reviews of group "
            f"{s.group} complete ({s.percent:.1f} %); threshold {s.threshold.percent:g} % "
            f"({s.threshold.source}): {verdict}; {nxt}"
        )


def _next_cluster_words(mechanism: Any, s: Any) -> str:
    """Which cluster comes next and why that one: the order of review the mechanism file
    gives (not the clusters' numbers: cluster 4 is reviewed second), and whether it started;
    when not, what it waits for (the rule above, or a decision of the Conference)."""
    if not s.next_cluster:
        return f"cluster {s.cluster} is the last in the order of review"
    by_number = {c.number: c for c in mechanism.clusters}
    nxt = by_number.get(s.next_cluster)
    title = f" ({nxt.title.get('en') or next(iter(nxt.title.values()))})" if nxt else ""
    place = f", {_ORDINALS.get(nxt.order, f'number {nxt.order}')}" if nxt else ""
    said = f"next in the order of review (mechanism.yaml{place}): cluster {s.next_cluster}{title},"
    if s.next_started:
        return f"{said} started"
    return (
        f"{said} not started: it may start once the rule is met"
        f" ({s.threshold.percent:g} % of group {s.group} of cluster {s.cluster} complete,"
        " unless the Conference decides otherwise); `untoc start-cluster` starts it then"
    )


_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


@fails_cleanly
def start_cluster_command(
    as_of: Annotated[str, typer.Option(help="The day the rule is checked (YYYY-MM-DD).")],
    start: Annotated[str, typer.Option(help="Group start dates, comma-separated.")],
    seed: Annotated[int, typer.Option(help="Seed of the draw.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Draw, show, add nothing.")] = False,
) -> None:
    """Start the next cluster (if the 70 % rule allows it): draw it and add its reviews."""
    from ..mechanism.service import start_cluster

    day = parse_as_of(as_of)
    assert day is not None
    process, mechanism = _definitions()
    with opened_store() as store:
        result = start_cluster(
            store,
            process,
            mechanism,
            as_of=day,
            starts=_dates(start, "--start"),
            seed=seed,
            dry_run=dry_run,
        )
    for g in result.groups:
        console.print(
            f"cluster {result.cluster} group {g.group} starts {g.starts_on}: "
            f"{len(g.reviewed)} reviews"
        )
    console.print(
        "dry run: nothing was added" if dry_run else f"added {len(result.reviews)} reviews"
    )


@fails_cleanly
def late_joiners_command(
    cluster: Annotated[int, typer.Option(min=1, max=4, help="The running cluster.")],
    as_of: Annotated[str, typer.Option(help="Date (YYYY-MM-DD).")],
    seed: Annotated[int, typer.Option(help="Seed of the draw.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show, add nothing.")] = False,
) -> None:
    """Schedule the reviews of Parties that joined after the cluster's draw (by the rule)."""
    from ..mechanism.service import schedule_late_joiners

    day = parse_as_of(as_of)
    if day is None:
        raise InputError([Problem("give --as-of")])
    _, mechanism = _definitions()
    with opened_store() as store:
        plans, reviews = schedule_late_joiners(
            store, mechanism, cluster=cluster, as_of=day, seed=seed, dry_run=dry_run
        )
    if not plans:
        console.print("no late joiners to schedule")
    by_party = {r.reviewed: r for r in reviews}
    for p in plans:
        r = by_party[p.party]
        who = ", ".join(f"{a.party} ({'/'.join(a.instruments)})" for a in r.reviewers)
        console.print(
            f"{p.party} (party since {p.became_party}): review {r.id}, group {p.group}, "
            f"starts {p.starts_on}; reviewers {who}"
        )
    if dry_run:
        console.print("dry run: nothing was added")
