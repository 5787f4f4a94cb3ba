"""Clusters and phases: the 70 % rule, starting the next cluster, and late joiners.

The share is counted from the event log: a review of the first group is complete on D when
its stage on D is the one the definition names (`completed`: observations agreed). The
threshold is the definition's, unless a Conference decision recorded in the store set
another from a date on or before D.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.model import Review, Snapshot
from ..definitions.catalog import Definitions
from ..errors import InputError, Problem
from .decisions import Decision, SetThreshold
from .definition import MechanismDefinition
from .draw import ClusterDraw, Lot, draw_cluster, draw_reviewers
from .parties import is_party_on, late_joiners, with_regional_groups
from .redraw import current_reviewers
from .states import Folder


@dataclass(frozen=True, slots=True)
class Threshold:
    percent: float
    source: str  # "mechanism.yaml" or "decision <ref>"
    since: date | None = None


@dataclass(frozen=True)
class ClusterStatus:
    cluster: int
    as_of: date
    group: int  # the group the rule counts
    reviews: int
    complete: int
    threshold: Threshold
    next_cluster: int | None
    next_started: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.complete / self.reviews if self.reviews else 0.0

    @property
    def rule_met(self) -> bool:
        return self.reviews > 0 and self.percent >= self.threshold.percent

    @property
    def needed(self) -> int:
        """Reviews of the group still to complete before the rule is met."""
        import math

        return max(0, math.ceil(self.threshold.percent * self.reviews / 100 - 1e-9) - self.complete)


def threshold_on(
    definition: MechanismDefinition,
    decisions: Iterable[Decision],
    cluster: int,
    on: date,
) -> Threshold:
    """The share in force on `on` for starting the cluster after `cluster`."""
    rule = definition.next_cluster
    if rule is None:
        raise InputError(
            [
                Problem(
                    "the Mechanism declares no rule for starting the next cluster",
                    hint="next_cluster in mechanism.yaml",
                )
            ]
        )
    found = Threshold(rule.threshold_percent, "mechanism.yaml")
    best: tuple[date, str] | None = None
    for decision in decisions:
        for effect in decision.effects:
            if not isinstance(effect, SetThreshold):
                continue
            if effect.cluster is not None and effect.cluster != cluster:
                continue
            since = decision.effective_on(effect)
            if since > on:
                continue
            key = (since, decision.adopted_on.isoformat() + decision.ref)
            if best is None or key >= best:
                best = key
                found = Threshold(effect.percent, f"decision {decision.ref}", since)
    return found


def cluster_status(
    process: Definitions,
    definition: MechanismDefinition,
    snapshot: Snapshot,
    as_of: date,
    decisions: Iterable[Decision] = (),
) -> list[ClusterStatus]:
    """The 70 % rule for every cluster with reviews in the store, in order of review (none
    when the Mechanism declares no such rule)."""
    decisions = list(decisions)
    folder = Folder(process, snapshot)
    rule = definition.next_cluster
    if rule is None:
        return []
    # only the reviews of the process the rule belongs to, numbered in its clusters: another
    # process's reviews, numbered or not, are not the Mechanism's cluster
    counted = [
        r for r in snapshot.reviews.values() if definition.counts_for_next_cluster(r.process)
    ]
    present = {r.cluster for r in counted}
    out = []
    for c in definition.clusters_in_order:
        if c.number not in present:
            continue
        group = [
            r
            for r in counted
            if r.cluster == c.number and r.group == rule.group and r.starts_on <= as_of
        ]
        complete = sum(1 for r in group if folder.state(r, as_of).stage == rule.complete_at_stage)
        nxt = definition.next_after(c.number)
        out.append(
            ClusterStatus(
                cluster=c.number,
                as_of=as_of,
                group=rule.group,
                reviews=len(group),
                complete=complete,
                threshold=threshold_on(definition, decisions, c.number, as_of),
                next_cluster=nxt.number if nxt else None,
                next_started=nxt is not None and nxt.number in present,
            )
        )
    return out


def start_next_cluster(
    process: Definitions,
    definition: MechanismDefinition,
    snapshot: Snapshot,
    *,
    as_of: date,
    starts: Sequence[date],
    seed: int,
    decisions: Iterable[Decision] = (),
) -> ClusterDraw:
    """Draw the reviews of the next cluster, if the rule allows it on `as_of`."""
    statuses = cluster_status(process, definition, snapshot, as_of, decisions)
    running = [s for s in statuses if not s.next_started]
    if not running:
        raise InputError("no cluster is running: import the first cluster's reviews first")
    status = running[0]
    if status.next_cluster is None:
        raise InputError(f"cluster {status.cluster} is the last one")
    if not status.rule_met:
        raise InputError(
            [
                Problem(
                    f"cluster {status.next_cluster} cannot start on {as_of.isoformat()}: "
                    f"{status.complete} of {status.reviews} reviews of group {status.group} of "
                    f"cluster {status.cluster} are complete ({status.percent:.1f} %), below the "
                    f"{status.threshold.percent:g} % set by {status.threshold.source}",
                    hint=f"{status.needed} more must complete, or the Conference must decide "
                    "otherwise (a set_threshold decision)",
                )
            ]
        )
    if starts and starts[0] < as_of:
        raise InputError("the next cluster's groups must start on or after --as-of")
    parties = [p for p in snapshot.parties.values() if is_party_on(p, starts[0], definition)]
    return draw_cluster(parties, starts, definition, seed=seed, cluster=status.next_cluster)


@dataclass(frozen=True)
class LateJoinerPlan:
    party: str
    became_party: date
    starts_on: date
    group: int


def late_joiner_reviews(
    definition: MechanismDefinition,
    snapshot: Snapshot,
    cluster: int,
    *,
    as_of: date,
    seed: int,
) -> tuple[list[LateJoinerPlan], tuple[Review, ...], tuple[Lot, ...]]:
    """The reviews the late-joiner rule schedules for Parties not yet reviewed in `cluster`.

    A Party counts once it is party to the Convention on `as_of`; each distinct start date
    gets a new group numbered after the cluster's last one. Reviewers are drawn by the rules,
    continuing the cluster's workload.
    """
    in_cluster = [
        r
        for r in snapshot.reviews.values()
        if r.cluster == cluster and definition.has_clusters(r.process)
    ]
    if not in_cluster:
        raise InputError(f"cluster {cluster} has no reviews yet")
    party_to = definition.party_to
    if party_to is None:
        raise InputError(
            [
                Problem(
                    "the Mechanism names no instrument every Party is party to,"
                    " so no Party joins late",
                    hint="parties.party_to in mechanism.yaml",
                )
            ]
        )
    rule = definition.joiner_rule
    first_start = min(r.starts_on for r in in_cluster)
    parties = with_regional_groups(snapshot.parties.values(), definition)
    joiners = [
        p
        for p in late_joiners(parties, (r.reviewed for r in in_cluster), first_start, definition)
        if p.instruments[party_to] <= as_of
    ]
    last_group = max(r.group for r in in_cluster)
    start_of = {p.code: rule.review_start(p.instruments[party_to]) for p in joiners}
    group_of = {d: last_group + i + 1 for i, d in enumerate(sorted(set(start_of.values())))}
    plans = [
        LateJoinerPlan(
            p.code, p.instruments[party_to], start_of[p.code], group_of[start_of[p.code]]
        )
        for p in joiners
    ]
    if not plans:
        return [], (), ()
    events_by_review: dict[str, list[Any]] = {}
    for e in snapshot.events:
        if e.type == "reviewer_replaced" and e.review:
            events_by_review.setdefault(e.review, []).append(e)
    load: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    for r in in_cluster:
        for code in current_reviewers(r, events_by_review.get(r.id, []), as_of):
            load[code] += 1
            pairs.add((code, r.reviewed))
    rng = random.Random(seed)
    reviews, lots = draw_reviewers(
        [(p.group, p.starts_on, p.party) for p in plans],
        parties,
        definition,
        rng,
        cluster=cluster,
        workload=load,
        pairs=pairs,
    )
    return plans, reviews, lots
