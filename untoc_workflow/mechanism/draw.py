"""The drawing of lots: groups of reviewed Parties and their reviewers, for one cluster.

Reproducible: every choice comes from one `random.Random(seed)` (never the global one),
taken in a fixed order over sorted inputs, so the same parties, rules and seed give the
same draw. Auditable: every lot is recorded with the Parties it could have fallen on.

Rules (mechanism.yaml `drawing`, DOMAIN.md section 3), checked before anything is drawn;
each has a name that the error quotes:
- `regional_group_known`: a reviewed Party must have a UN regional group;
- `own_regional_group`: one reviewer from the reviewed Party's own regional group;
- `other_regional_group`: one reviewer from another regional group;
- `instrument_coverage`: each instrument under review is covered by a reviewer party to it
  (a further reviewer is drawn, for that instrument only, when the two do not cover it);
- `no_self_review`: no Party reviews itself (never violated: it is never a candidate);
- `group_sizes`: the groups' sizes must add up to the number of reviewed Parties.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..core.model import Party, Review, ReviewerAssignment
from ..errors import InputError, Problem
from .definition import MechanismDefinition
from .parties import instruments_on, is_party_on, with_regional_groups

OWN = "own_regional_group"
OTHER = "other_regional_group"
FURTHER = "instrument_coverage"


class DrawImpossible(InputError):
    """The rules cannot be met; each problem names the party (path) and the rule (hint)."""


@dataclass(frozen=True, slots=True)
class Lot:
    """One drawing of lots: for which review and slot, among whom, and who was drawn."""

    review: str
    slot: str  # own_regional_group | other_regional_group | instrument_coverage:<instrument>
    pool: tuple[str, ...]  # every Party the rules allowed
    lot: tuple[str, ...]  # those the lot fell among (lowest workload, no reciprocity)
    drawn: str

    def as_dict(self) -> dict[str, object]:
        return {
            "review": self.review,
            "slot": self.slot,
            "pool": list(self.pool),
            "lot": list(self.lot),
            "drawn": self.drawn,
        }


@dataclass(frozen=True, slots=True)
class GroupDraw:
    group: int
    starts_on: date
    reviewed: tuple[str, ...]


@dataclass(frozen=True)
class ClusterDraw:
    """The outcome of a draw for one cluster, with everything needed to audit it."""

    cluster: int
    seed: int
    rules_version: str
    groups: tuple[GroupDraw, ...]
    reviews: tuple[Review, ...]
    lots: tuple[Lot, ...]
    not_drawn: tuple[tuple[str, str], ...]  # (party, why): e.g. not yet party on the start
    parties: Mapping[str, Party] = field(default_factory=dict)

    def workload(self) -> Counter[str]:
        """How many reviews each Party reviews in this draw."""
        return Counter(r.party for review in self.reviews for r in review.reviewers)

    def record(self) -> dict[str, object]:
        """The audit record: seed, rules version, groups and every lot, as plain data."""
        return {
            "cluster": self.cluster,
            "seed": self.seed,
            "rules_version": self.rules_version,
            "groups": [
                {
                    "group": g.group,
                    "starts_on": g.starts_on.isoformat(),
                    "reviewed": list(g.reviewed),
                }
                for g in self.groups
            ],
            "not_drawn": [{"party": p, "why": why} for p, why in self.not_drawn],
            "lots": [lot.as_dict() for lot in self.lots],
        }


def review_id(cluster: int, group: int, code: str) -> str:
    return f"C{cluster}-G{group}-{code}"


def group_sizes(
    definition: MechanismDefinition, cluster: int, starts: Sequence[date], count: int
) -> list[int]:
    """The declared sizes when they fit the draw, else as even as possible (later groups larger)."""
    try:
        declared = definition.cluster(cluster).groups
    except KeyError:
        declared = ()
    sizes = [g.reviews for g in declared]
    if (
        len(declared) == len(starts)
        and all(s is not None for s in sizes)
        and sum(s for s in sizes if s is not None) == count
    ):
        return [int(s) for s in sizes if s is not None]
    k = len(starts)
    base, extra = divmod(count, k)
    return [base + (1 if i >= k - extra else 0) for i in range(k)]


def draw_cluster(
    parties: Iterable[Party],
    starts: Sequence[date],
    definition: MechanismDefinition,
    *,
    seed: int,
    cluster: int = 1,
    sizes: Sequence[int] | None = None,
    first_group: int = 1,
) -> ClusterDraw:
    """Split the Parties into groups (one per start date) and draw their reviewers.

    A Party is reviewed when it is party to the Convention on the first start date; a Party
    that joins later is left to the late-joiner rule. Raises DrawImpossible, listing every
    Party whose rules cannot be met, before drawing anything.
    """
    if not starts:
        raise InputError("give at least one start date")
    if list(starts) != sorted(starts) or len(set(starts)) != len(starts):
        raise InputError("start dates must be distinct and in order")
    parties = list(parties)
    seen: Counter[str] = Counter(p.code for p in parties)
    twice = sorted(c for c, n in seen.items() if n > 1)
    if twice:
        raise InputError(
            [Problem(f"party {c} is listed twice", path=f"parties[{c}]") for c in twice]
        )
    by_code = with_regional_groups(parties, definition)
    codes = sorted(by_code)
    rng = random.Random(seed)

    reviewed = [c for c in codes if is_party_on(by_code[c], starts[0], definition)]
    not_drawn = tuple(
        (c, f"not party to the Convention on {starts[0].isoformat()}: left to the late-joiner rule")
        for c in codes
        if c not in reviewed
    )
    sizes = (
        list(sizes)
        if sizes is not None
        else group_sizes(definition, cluster, starts, len(reviewed))
    )
    problems: list[Problem] = []
    if len(sizes) != len(starts) or sum(sizes) != len(reviewed) or min(sizes, default=0) < 1:
        problems.append(
            Problem(
                f"group sizes {sizes} do not split {len(reviewed)} reviewed parties into "
                f"{len(starts)} groups",
                path="groups",
                hint="rule group_sizes",
            )
        )
        raise DrawImpossible(problems, title="the draw is impossible")

    # Groups: deal the Parties region by region, each to the group where its region is
    # least represented for the group's size (then the emptiest), so every group mixes all.
    members_of: list[list[str]] = [[] for _ in starts]
    regions = sorted({by_code[c].regional_group or "" for c in reviewed})
    for region in regions:
        members = [c for c in reviewed if (by_code[c].regional_group or "") == region]
        rng.shuffle(members)
        here = [0] * len(starts)
        for code in members:
            open_groups = [i for i in range(len(starts)) if len(members_of[i]) < sizes[i]]
            g = min(
                open_groups,
                key=lambda i: (here[i] / sizes[i], -(sizes[i] - len(members_of[i])) / sizes[i], i),
            )
            members_of[g].append(code)
            here[g] += 1
    groups = tuple(
        GroupDraw(first_group + i, starts[i], tuple(sorted(members_of[i])))
        for i in range(len(starts))
    )

    plans = [(grp.group, grp.starts_on, code) for grp in groups for code in grp.reviewed]
    reviews, lots = draw_reviewers(plans, by_code, definition, rng, cluster=cluster)
    return ClusterDraw(
        cluster=cluster,
        seed=seed,
        rules_version=definition.rules_version,
        groups=groups,
        reviews=reviews,
        lots=lots,
        not_drawn=not_drawn,
        parties=by_code,
    )


def draw_reviewers(
    plans: Sequence[tuple[int, date, str]],
    parties: Mapping[str, Party],
    definition: MechanismDefinition,
    rng: random.Random,
    *,
    cluster: int,
    workload: Counter[str] | None = None,
    pairs: Iterable[tuple[str, str]] = (),
) -> tuple[tuple[Review, ...], tuple[Lot, ...]]:
    """Draw the reviewers of each (group, start, reviewed party), by the rules.

    `workload` (reviews each Party already reviews in the cluster) and `pairs` (reviewer,
    reviewed) already drawn let a later draw (late joiners) keep the cluster's balance.
    Raises DrawImpossible naming every Party whose rules cannot be met, drawing nothing.
    """
    problems = [p for _, on, code in plans for p in check_feasible(code, on, parties, definition)]
    if problems:
        raise DrawImpossible(problems, title="the draw is impossible: these rules cannot be met")
    drawer = _Drawer(parties, definition, rng)
    drawer.load.update(workload or {})
    drawer.pairs.update(pairs)
    slots: dict[str, list[ReviewerAssignment]] = {}
    # The own-group slot is the tighter one, so it is drawn first for every review; then the
    # other-group slot; then further reviewers for instruments still uncovered.
    for phase in (OWN, OTHER, FURTHER):
        sequence = list(plans)
        rng.shuffle(sequence)
        for group, on, code in sequence:
            rid = review_id(cluster, group, code)
            drawer.fill(phase, rid, code, on, slots.setdefault(rid, []))
    reviews = tuple(
        Review(
            id=review_id(cluster, group, code),
            cluster=cluster,
            group=group,
            reviewed=code,
            instruments=instruments_on(parties[code], on, definition),
            reviewers=tuple(slots[review_id(cluster, group, code)]),
            starts_on=on,
        )
        for group, on, code in plans
    )
    return reviews, tuple(drawer.lots)


def check_feasible(
    code: str, on: date, parties: Mapping[str, Party], definition: MechanismDefinition
) -> list[Problem]:
    """Why the rules cannot be met for reviewing `code` on `on` (empty when they can)."""
    me = parties[code]
    path = f"parties[{code}]"
    if me.regional_group is None:
        return [
            Problem(
                f"{code} has no UN regional group, so no reviewer can be drawn from its own group",
                path=path,
                hint="rule regional_group_known: set regional_group in the parties file or add "
                "it under regional_groups.explicit in mechanism.yaml",
            )
        ]
    others = [p for c, p in parties.items() if c != code and is_party_on(p, on, definition)]
    out: list[Problem] = []
    if not any(p.regional_group == me.regional_group for p in others):
        out.append(
            Problem(
                f"{code}: no other party of the {me.regional_group} group is party to the "
                f"Convention on {on.isoformat()}",
                path=path,
                hint="rule own_regional_group",
            )
        )
    if not any(p.regional_group not in (None, me.regional_group) for p in others):
        out.append(
            Problem(
                f"{code}: no party of another regional group than {me.regional_group} is party "
                f"to the Convention on {on.isoformat()}",
                path=path,
                hint="rule other_regional_group",
            )
        )
    for instrument in instruments_on(me, on, definition):
        if not any(p.is_party_to(instrument, on) for p in others):
            out.append(
                Problem(
                    f"{code} is reviewed on {instrument}, but no other party is party to "
                    f"{instrument} on {on.isoformat()}",
                    path=path,
                    hint="rule instrument_coverage",
                )
            )
    return out


class _Drawer:
    """Draws reviewers one slot at a time, keeping the workload as even as it can."""

    def __init__(
        self, parties: Mapping[str, Party], definition: MechanismDefinition, rng: random.Random
    ) -> None:
        self.parties = parties
        self.definition = definition
        self.rules = definition.draw_rules
        self.rng = rng
        self.load: Counter[str] = Counter()
        self.pairs: set[tuple[str, str]] = set()  # (reviewer, reviewed)
        self.lots: list[Lot] = []
        self.codes = sorted(parties)

    def fill(
        self, phase: str, rid: str, code: str, on: date, chosen: list[ReviewerAssignment]
    ) -> None:
        me = self.parties[code]
        under_review = instruments_on(me, on, self.definition)
        taken = {a.party for a in chosen} | {code}
        if phase in (OWN, OTHER):
            same = phase == OWN
            pool = [
                c
                for c in self.codes
                if c not in taken
                and is_party_on(self.parties[c], on, self.definition)
                and (self.parties[c].regional_group == me.regional_group) == same
                and self.parties[c].regional_group is not None
            ]
            drawn = self._draw(rid, phase, code, pool)
            chosen.append(self._assignment(drawn, under_review, on))
            return
        if not self.rules.further_reviewer_for_uncovered_instruments:
            return
        for instrument in under_review:
            if any(instrument in a.instruments for a in chosen):
                continue
            pool = [
                c
                for c in self.codes
                if c not in taken and self.parties[c].is_party_to(instrument, on)
            ]
            drawn = self._draw(rid, f"{FURTHER}:{instrument}", code, pool)
            # The further reviewer reviews only what is still uncovered and it is party to.
            covered = {i for a in chosen for i in a.instruments}
            mine = tuple(
                i
                for i in under_review
                if i not in covered and self.parties[drawn].is_party_to(i, on)
            )
            chosen.append(ReviewerAssignment(drawn, mine))
            taken.add(drawn)

    def _assignment(self, drawn: str, under_review: Sequence[str], on: date) -> ReviewerAssignment:
        party = self.parties[drawn]
        return ReviewerAssignment(drawn, tuple(i for i in under_review if party.is_party_to(i, on)))

    def _draw(self, rid: str, slot: str, reviewed: str, pool: list[str]) -> str:
        if not pool:  # check_feasible rules this out; keep the failure explicit anyway
            raise DrawImpossible(
                [
                    Problem(
                        f"no party can take the {slot} slot of {rid}",
                        path=f"parties[{reviewed}]",
                        hint=f"rule {slot}",
                    )
                ]
            )
        lot = pool
        if self.rules.even_workload:
            least = min(self.load[c] for c in lot)
            lot = [c for c in lot if self.load[c] == least]
        if self.rules.avoid_reciprocal:
            one_way = [c for c in lot if (reviewed, c) not in self.pairs]
            lot = one_way or lot
        drawn = self.rng.choice(lot)
        self.load[drawn] += 1
        self.pairs.add((drawn, reviewed))
        self.lots.append(Lot(rid, slot, tuple(pool), tuple(lot), drawn))
        return drawn


def reviewer_instruments_ok(review: Review, parties: Mapping[str, Party]) -> bool:
    """Each reviewer is party to what it reviews, and every instrument is covered."""
    covered = {i for a in review.reviewers for i in a.instruments}
    if set(review.instruments) - covered:
        return False
    return all(
        parties[a.party].is_party_to(i, review.starts_on) and i in review.instruments
        for a in review.reviewers
        for i in a.instruments
    )


__all__ = [
    "ClusterDraw",
    "DrawImpossible",
    "GroupDraw",
    "Lot",
    "check_feasible",
    "draw_cluster",
    "draw_reviewers",
    "group_sizes",
    "review_id",
    "reviewer_instruments_ok",
]
