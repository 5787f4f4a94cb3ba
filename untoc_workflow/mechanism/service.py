"""The mechanism's operations on a store: draw, redraw, start a cluster, late joiners, decide.

Each checks everything first and writes only when the input is good; each write is
idempotent (deterministic event ids, draws recorded by id), so running it again after an
interruption completes it rather than doubling it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..core.derive import MIGRATED, resolve_definition
from ..core.model import Event, Review, Snapshot
from ..definitions.catalog import Definitions
from ..errors import InputError
from ..mechanism_file import document_from_core, load_mechanism_file, write_document
from ..yamlsource import Located
from . import records
from .clusters import (
    ClusterStatus,
    cluster_status,
    late_joiner_reviews,
    start_next_cluster,
    threshold_on,
)
from .decide import Cancellation, DecisionPlan, plan_decision
from .decisions import ChangeDuration, Decision, reviews_not_concerned, unknown_reviews
from .definition import MechanismDefinition
from .draw import ClusterDraw, draw_cluster
from .outbox import NoticeOutbox
from .redraw import Redraw, redraw


def draw_to_file(
    parties_file: str | Path,
    starts: list[date],
    definition: MechanismDefinition,
    *,
    seed: int,
    out: str | Path,
    cluster: int = 1,
) -> tuple[ClusterDraw, Path, Path]:
    """`untoc draw`: read the parties of a mechanism file, draw, write the file and its record.

    The mechanism file gets `parties` and `reviews`; the record (seed, rules version, every
    lot, and a fingerprint of the parties drawn from) is written beside it as
    `<out>.draw.json`, because the mechanism file admits no other keys.
    """
    parsed = load_mechanism_file(parties_file)
    result = draw_cluster(parsed.parties, starts, definition, seed=seed, cluster=cluster)
    parties = [result.parties[c] for c in sorted(result.parties)]
    document = document_from_core(parties, result.reviews, [])
    document.pop("events", None)
    out = Path(out)
    record = {
        "drawn_from": str(parties_file),
        "parties_digest": _digest(document["parties"]),
        "reviews_digest": _digest(document["reviews"]),
        "command": (
            f"untoc draw {parties_file} --start {','.join(d.isoformat() for d in starts)} "
            f"--seed {seed} --out {out}"
        ),
        **result.record(),
    }
    record_path = out.with_name(out.name + ".draw.json")
    # Write the record first: a mechanism file never exists without its record.
    tmp = record_path.with_name(record_path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(record_path)
    write_document(document, out)
    return result, out, record_path


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Applied:
    plan: DecisionPlan
    recorded: int  # events recorded now
    cancelled: int  # notifications cancelled now
    decision_recorded: bool


def decide(
    store: Any,
    decision: Decision,
    process: Definitions,
    definition: MechanismDefinition,
    *,
    as_of: date,
    dry_run: bool,
    outbox: NoticeOutbox,
    source: Located | None = None,
) -> Applied:
    """Plan a decision against the store; unless `dry_run`, record its events, cancel the
    notifications that no longer apply, and record the decision itself. A review id the
    store does not hold is an error (located in `source`, the decision file, if given)."""
    records.check_not_amended(store, decision)  # refuses an edited decision, writes nothing
    snapshot = store.snapshot()
    unknown = unknown_reviews(decision, snapshot.reviews, source)
    unknown += reviews_not_concerned(
        decision,
        process,
        snapshot.reviews,
        _definition_on(process, snapshot, decision, as_of),
        source,
    )
    if unknown:
        where = source.file if source else f"decision {decision.ref}"
        raise InputError(unknown, title=f"{where}: nothing was applied")
    applied = [d for d, _ in records.applied_decisions(store) if d.ref != decision.ref]
    plan = plan_decision(
        decision,
        process,
        snapshot,
        as_of,
        pending=outbox.pending_notices(),
        threshold_before=lambda cluster, on: (
            threshold_on(definition, applied, cluster or 1, on).percent
        ),
    )
    if dry_run:
        return Applied(plan, 0, 0, False)
    flags = store.append(plan.events) if plan.events else []
    cancelled = outbox.cancel(plan.cancellations)
    recorded = records.record_decision(store, decision, as_of)
    return Applied(plan, sum(flags), cancelled, recorded)


def _definition_on(
    process: Definitions, snapshot: Snapshot, decision: Decision, as_of: date
) -> Callable[[Review, Any], Any]:
    """The definition a review named by an effect folds with on the day the effect is
    planned (a migration before then counts)."""
    named = {
        rid
        for effect in decision.effects
        for rid in (getattr(getattr(effect, "reviews", None), "ids", None) or ())
    }
    migrations: dict[str, list[Event]] = {}
    if named and hasattr(process, "resolve"):
        for e in snapshot.events:
            if e.type == MIGRATED and e.review is not None and e.review in named:
                migrations.setdefault(e.review, []).append(e)

    def definition_on(review: Review, effect: Any) -> Any:
        day = min(decision.effective_on(effect), as_of)
        if isinstance(effect, ChangeDuration):
            day = as_of  # the plan folds a clock change on the day it is applied
        return resolve_definition(process, review, migrations.get(review.id, ()), day)[0]

    return definition_on


def redraw_reviewer(
    store: Any,
    definition: MechanismDefinition,
    *,
    review: str,
    leaving: str,
    requested_by: str,
    on: date,
    seed: int,
    outbox: NoticeOutbox,
    dry_run: bool = False,
) -> tuple[Redraw, list[Cancellation]]:
    """Draw a new reviewer; record the event and the lot; cancel pending notices to the
    leaving reviewer for this review (the next sweep addresses the new one)."""
    result = redraw(
        store.snapshot(),
        definition,
        review_id=review,
        leaving=leaving,
        requested_by=requested_by,
        on=on,
        seed=seed,
    )
    stale = [
        Cancellation(n, f"{leaving} replaced by {result.event.data['by']} on {on.isoformat()}")
        for n in outbox.pending_notices([review])
        if n.party == leaving
    ]
    if not dry_run:
        store.append([result.event])
        records.record_draw(
            store,
            id=str(result.event.id),
            kind="redraw",
            cluster=store.snapshot().reviews[review].cluster,
            seed=seed,
            rules_version=definition.rules_version,
            made_on=on,
            record=result.record(),
        )
        outbox.cancel(stale)
    return result, stale


def add_reviews(store: Any, reviews: tuple[Review, ...], label: str) -> Any:
    """Add drawn reviews to the store (all or nothing; idempotent)."""
    document = document_from_core([], reviews, [])
    return store.import_document(Located(document, label, {}))


def start_cluster(
    store: Any,
    process: Definitions,
    definition: MechanismDefinition,
    *,
    as_of: date,
    starts: list[date],
    seed: int,
    dry_run: bool = False,
) -> ClusterDraw:
    """Start the next cluster when the rule allows it: draw it and add its reviews."""
    decisions = [d for d, _ in records.applied_decisions(store)]
    result = start_next_cluster(
        process,
        definition,
        store.snapshot(),
        as_of=as_of,
        starts=starts,
        seed=seed,
        decisions=decisions,
    )
    if not dry_run:
        add_reviews(store, result.reviews, f"<draw of cluster {result.cluster}>")
        records.record_draw(
            store,
            id=f"cluster:{result.cluster}",
            kind="cluster",
            cluster=result.cluster,
            seed=seed,
            rules_version=result.rules_version,
            made_on=as_of,
            record=result.record(),
        )
    return result


def schedule_late_joiners(
    store: Any,
    definition: MechanismDefinition,
    *,
    cluster: int,
    as_of: date,
    seed: int,
    dry_run: bool = False,
) -> tuple[list[Any], tuple[Review, ...]]:
    """Create the reviews the late-joiner rule schedules (none when there is nobody new)."""
    plans, reviews, lots = late_joiner_reviews(
        definition, store.snapshot(), cluster, as_of=as_of, seed=seed
    )
    if reviews and not dry_run:
        add_reviews(store, reviews, "<late joiners>")
        for review in reviews:
            records.record_draw(
                store,
                id=f"late_joiner:{review.id}",
                kind="late_joiner",
                cluster=cluster,
                seed=seed,
                rules_version=definition.rules_version,
                made_on=as_of,
                record={
                    "review": review.id,
                    "rule": definition.joiner_rule.model_dump(),
                    "lots": [lot.as_dict() for lot in lots if lot.review == review.id],
                },
            )
    return plans, reviews


def clusters(
    store: Any, process: Definitions, definition: MechanismDefinition, as_of: date
) -> list[ClusterStatus]:
    decisions = [d for d, applied in records.applied_decisions(store)]
    return cluster_status(process, definition, store.snapshot(as_of), as_of, decisions)


def reapply_decisions(
    store: Any,
    process: Definitions,
    definition: MechanismDefinition,
    *,
    as_of: date,
    outbox: NoticeOutbox,
    dry_run: bool = False,
) -> list[Applied]:
    """Apply every recorded decision again on `as_of`.

    Nothing already recorded changes (deterministic ids); what is new is what a standing
    rule now reaches, e.g. a step that started after a `change_duration` decision was first
    applied. Meant for the daily sweep, before notifications are computed.
    """
    out = []
    for decision, applied_as_of in records.applied_decisions(store):
        if applied_as_of > as_of:
            continue
        out.append(
            decide(
                store, decision, process, definition, as_of=as_of, dry_run=dry_run, outbox=outbox
            )
        )
    return out
