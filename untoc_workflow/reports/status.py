"""The secretariat's status report for any date (status-report contract), from the event log.

Every figure is computed from the review states the core folds on `as_of` and from the
party events (focal points, experts) up to that day; nothing is stored or typed in.
The keys of the contract are all here; a few more (ministries, Figure VII's delay buckets,
per-group splits) serve the HTML page and the background paper.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from ..core import FocalPointRoll, ReviewState, focal_points_on, fold_mechanism, index_events
from ..core.model import Event, Snapshot
from ..dates import add_months, months_late

# The contract's stages (status-report.md), used when no definition names its own.
STAGES = ("not_started", "questionnaire", "written_feedback", "observations", "completed")


def report_stages(definition: Any, processes: Iterable[str] | None = None) -> tuple[str, ...]:
    """The stages of the default process, then those of any other loaded process that has
    reviews (`processes`), each in its definition's order."""
    every = [definition.default, *definition] if hasattr(definition, "default") else [definition]
    if processes is not None:
        present = set(processes)
        every = [d for i, d in enumerate(every) if i == 0 or d.process in present]
    stages = [st for d in every for st in getattr(d, "stages", STAGES)]
    return tuple(dict.fromkeys(stages)) or STAGES


def stage_ends(definition: Any) -> set[str]:
    """The first and last stage of every loaded process (a review there is not under way)."""
    every = list(definition) if hasattr(definition, "default") else [definition]
    return {st for d in every for st in (d.stages[0], d.stages[-1])} if every else set()


# The 70 % rule of mechanism.yaml (para 25), used when no mechanism definition is given.
DEFAULT_THRESHOLD = 0.7
DEFAULT_PROGRESS_GROUP = 1

# Figure VII: how far behind the agreed schedule the reviews at the written-feedback stage
# are, in calendar months (the month rule of the mechanism-file contract).
FEEDBACK_DELAY_BUCKETS = (
    "not_late",
    "late_up_to_6_months",
    "late_6_12_months",
    "late_over_1_year",
)


def status_report(
    definition: Any,
    snapshot: Snapshot,
    as_of: date,
    *,
    states: Mapping[str, ReviewState] | None = None,
    threshold: float | None = None,
    progress_group: int | None = None,
) -> dict[str, Any]:
    """The status report of the Mechanism on `as_of` as a JSON-ready dict (the contract's keys).

    `states` may be passed when the caller already folded them for the same date.
    `threshold` and `progress_group` default to the 70 % rule for group 1 (mechanism.yaml).
    """
    # With a million events alive the cyclic collector's full passes cost more than the
    # report, which makes no cycles: pause it meanwhile.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _report(definition, snapshot, as_of, states, threshold, progress_group)
    finally:
        if paused:
            gc.enable()


def _report(
    definition: Any,
    snapshot: Snapshot,
    as_of: date,
    states: Mapping[str, ReviewState] | None,
    threshold: float | None,
    progress_group: int | None,
) -> dict[str, Any]:
    if states is None:
        # a report sends nothing: fold without walking the escalation ladders
        folded = fold_mechanism(definition, snapshot, as_of, notifications=False)
        states, roll, by_party = folded.states, folded.roll, folded.party_events
    else:
        _, by_party = index_events(snapshot.events, as_of)
        roll = focal_points_on((e for p in by_party.values() for e in p), as_of, ordered=True)
    experts = [e for events in by_party.values() for e in events if e.type == "experts_nominated"]
    cluster = _running_cluster(states.values())
    threshold, progress_group = next_cluster_rule(threshold, progress_group)
    groups = sorted({s.group for s in states.values()}) or [1, 2, 3]
    every = states
    # the paper's figures (questionnaires, feedback...) are those of the default process;
    # reviews of another process count in the totals, stages and focal points
    default = getattr(definition, "default_process", None)
    if default is not None:
        states = {k: s for k, s in states.items() if s.process == default}
    return {
        "as_of": as_of.isoformat(),
        "reviews": _reviews(
            every.values(),
            groups,
            report_stages(definition, {s.process for s in every.values()}),
            stage_ends(definition),
        ),
        "focal_points": _focal_points(every.values(), roll, groups),
        "experts": _experts(experts),
        "preliminary_consultations": _consultations(states.values(), groups),
        "languages": _languages(states.values()),
        "questionnaires": _questionnaires(states.values(), groups),
        "written_feedback": _written_feedback(states.values(), groups, as_of),
        "observations": _observations(states.values()),
        "cluster_progress": _progress(states.values(), cluster, progress_group, threshold),
    }


def next_cluster_rule(
    threshold: float | None = None, group: int | None = None
) -> tuple[float, int]:
    """(threshold, group) of the rule for starting the next cluster: the ones given, else
    mechanism.yaml's `next_cluster` (70 % of group 1, para 25)."""
    if threshold is not None and group is not None:
        return threshold, group
    from ..definitions.load import defs_file, is_mechanism_rules

    path = defs_file("mechanism.yaml", accept=is_mechanism_rules)
    try:
        found = _declared_rule(str(path), path.stat().st_mtime)
    except Exception:  # no mechanism.yaml (a bare process_defs folder): the paper's rule
        found = (DEFAULT_THRESHOLD, DEFAULT_PROGRESS_GROUP)
    return (
        threshold if threshold is not None else found[0],
        group if group is not None else found[1],
    )


@lru_cache(maxsize=8)
def _declared_rule(path: str, mtime: float) -> tuple[float, int]:
    """The 70 % rule of a mechanism.yaml, read once per version of the file."""
    from ..mechanism.definition import load_mechanism

    rule = load_mechanism(path).next_cluster
    return rule.threshold_percent / 100.0, rule.group


def _running_cluster(states: Iterable[ReviewState]) -> int:
    clusters = Counter(s.cluster for s in states)
    # The running cluster is the lowest one that has reviews (cluster 1 in the paper).
    return min(clusters) if clusters else 1


def _by_group(groups: Iterable[int], keys: Iterable[str]) -> dict[str, dict[str, int]]:
    keys = tuple(keys)
    return {str(g): dict.fromkeys(keys, 0) for g in groups}


def _reviews(
    states: Iterable[ReviewState],
    groups: list[int],
    stages: tuple[str, ...] = STAGES,
    _ends: Iterable[str] = (STAGES[0], STAGES[-1]),
) -> dict[str, Any]:
    by_stage = dict.fromkeys(stages, 0)
    by_group = _by_group(groups, ("total", *stages))
    # under way: past the first stage of its process and not at its last
    ends = set(_ends)
    under_way = 0
    total = 0
    for s in states:
        total += 1
        by_stage[s.stage] = by_stage.get(s.stage, 0) + 1
        if s.stage not in ends:
            under_way += 1
        g = by_group[str(s.group)]
        g["total"] += 1
        g[s.stage] = g.get(s.stage, 0) + 1
    return {
        "total": total,
        "under_way": under_way,
        "by_stage": by_stage,
        "by_group": by_group,
    }


def _focal_points(
    states: Iterable[ReviewState], roll: FocalPointRoll, groups: list[int]
) -> dict[str, Any]:
    involved: set[str] = set()
    blocked_by_group = {str(g): 0 for g in groups}
    blocked = 0
    for s in states:
        involved.add(s.reviewed)
        involved.update(s.reviewers)
        if s.blocked:
            blocked += 1
            blocked_by_group[str(s.group)] += 1
    persons = roll.all_persons()
    women = sum(1 for _, p in persons if p.gender == "female")
    ministries = Counter(p.ministry or "not stated" for _, p in persons)
    per_party = Counter(party for party, _ in persons)
    return {
        "parties_without": sum(1 for p in involved if not roll.has(p)),
        "reviews_blocked": blocked,
        "blocked_by_group": blocked_by_group,
        "persons": len(persons),
        "parties_with": len(roll.parties_with),
        "women": women,
        "women_share": women / len(persons) if persons else 0.0,
        "parties_changed": len(roll.parties_changed),
        "parties_with_several": sum(1 for n in per_party.values() if n > 1),
        "ministries": dict(sorted(ministries.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def _experts(experts: list[Event]) -> dict[str, Any]:
    """Governmental experts named up to the date: the lists add up (mechanism-file contract)."""
    persons = sum(e.data.get("count") or 0 for e in experts)
    women = sum(e.data.get("women") or 0 for e in experts)
    return {
        "persons": persons,
        "women": women,
        "women_share": women / persons if persons else 0.0,
        "parties": len({e.party for e in experts if e.party}),
    }


def _consultations(states: Iterable[ReviewState], groups: list[int]) -> dict[str, Any]:
    by_group = {str(g): 0 for g in groups}
    held = 0
    for s in states:
        if s.consultation_held_on is not None:
            held += 1
            by_group[str(s.group)] += 1
    return {"held": held, "by_group": by_group}


def _languages(states: Iterable[ReviewState]) -> dict[str, Any]:
    single: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    triples: Counter[str] = Counter()
    none = 0
    for s in states:
        if s.consultation_held_on is None or s.languages is None:
            continue
        langs = sorted(set(s.languages))
        key = "+".join(langs)
        if not langs:
            none += 1
        elif len(langs) == 1:
            single[key] += 1
        elif len(langs) == 2:
            pairs[key] += 1
        else:
            triples[key] += 1
    ordered = lambda c: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))  # noqa: E731
    return {
        "single": ordered(single),
        "pairs": ordered(pairs),
        "triples": ordered(triples),
        "no_agreement": none,
    }


def _questionnaires(states: Iterable[ReviewState], groups: list[int]) -> dict[str, Any]:
    lateness = {
        "on_time": 0,
        "late_1_10_days": 0,
        "late_11_days_3_months": 0,
        "late_3_6_months": 0,
        "late_over_6_months": 0,
        "late_over_1_year": 0,
    }
    by_group = _by_group(groups, ("submitted", "in_preparation"))
    submitted = in_preparation = 0
    for s in states:
        g = by_group[str(s.group)]
        if s.stage == "questionnaire":
            in_preparation += 1
            g["in_preparation"] += 1
        saq = s.step("saq")
        if saq.status != "completed" or saq.completed_on is None:
            continue
        submitted += 1
        g["submitted"] += 1
        due = saq.deadline.due if saq.deadline else None
        if due is None or saq.completed_on <= due:
            lateness["on_time"] += 1
            continue
        days = (saq.completed_on - due).days
        months = months_late(due, saq.completed_on)
        if days <= 10:
            lateness["late_1_10_days"] += 1
        elif months < 3:
            lateness["late_11_days_3_months"] += 1
        elif months < 6:
            lateness["late_3_6_months"] += 1
        else:
            lateness["late_over_6_months"] += 1
            if months >= 12:
                lateness["late_over_1_year"] += 1
    return {
        "submitted": submitted,
        "in_preparation": in_preparation,
        "lateness": lateness,
        "by_group": by_group,
    }


def _written_feedback(
    states: Iterable[ReviewState], groups: list[int], as_of: date
) -> dict[str, Any]:
    by_group = _by_group(groups, ("at_stage", "completed", "late"))
    delays = dict.fromkeys(FEEDBACK_DELAY_BUCKETS, 0)
    at_stage = completed = late = over_year = 0
    for s in states:
        g = by_group[str(s.group)]
        step = s.step("written_feedback")
        if step.status in ("completed", "waived"):
            completed += 1
            g["completed"] += 1
        if s.stage != "written_feedback":
            continue
        at_stage += 1
        g["at_stage"] += 1
        due = step.deadline.due if step.deadline else None
        if due is None or due >= as_of:
            delays["not_late"] += 1
            continue
        late += 1
        g["late"] += 1
        # "more than 12 calendar months before the date": due + 12 months < as_of
        if add_months(due, 12) < as_of:
            over_year += 1
            delays["late_over_1_year"] += 1
        elif add_months(due, 6) < as_of:
            delays["late_6_12_months"] += 1
        else:
            delays["late_up_to_6_months"] += 1
    return {
        "at_stage": at_stage,
        "completed": completed,
        "late": late,
        "late_over_1_year": over_year,
        "delays": delays,
        "by_group": by_group,
    }


def _observations(states: Iterable[ReviewState]) -> dict[str, Any]:
    at_stage = completed = 0
    for s in states:
        if s.stage == "observations":
            at_stage += 1
        elif s.stage == "completed":
            completed += 1
    return {"at_stage": at_stage, "completed": completed}


def _progress(
    states: Iterable[ReviewState], cluster: int, group: int, threshold: float
) -> dict[str, Any]:
    total = completed = 0
    for s in states:
        if s.cluster == cluster and s.group == group:
            total += 1
            completed += s.stage == "completed"
    share = completed / total if total else 0.0
    return {
        "cluster": cluster,
        "group": group,
        "completed": completed,
        "total": total,
        "share": share,
        "threshold": threshold,
        "next_cluster_may_start": total > 0 and share >= threshold,
    }
