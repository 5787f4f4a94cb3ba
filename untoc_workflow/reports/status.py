"""The secretariat's status report for any date (status-report contract), from the event log.

Every figure is computed from the review states the core folds on `as_of` and from the
party events (focal points, nominations) up to that day; nothing is stored or typed in.
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
from ..core.state import StepState
from ..dates import add_months, months_late
from ..definitions.catalog import Definitions
from ..definitions.process import ProcessDefinition, ReportFigure

# The first and last stage of a process with no definition at hand (a bare list of states).
STAGES = ("not_started", "completed")


def process_versions(definitions: Definitions) -> dict[str, list[ProcessDefinition]]:
    """Every loaded definition by process, oldest version first; the default process first.

    `definitions` is a catalog of every version (`load_definitions()`) or one definition."""
    if isinstance(definitions, ProcessDefinition):
        return {definitions.process: [definitions]}
    out: dict[str, list[ProcessDefinition]] = {}
    default = default_process(definitions)
    for d in sorted(definitions, key=lambda d: (d.process != default, d.process, d.version)):
        out.setdefault(d.process, []).append(d)
    return out


def default_process(definitions: Definitions) -> str:
    """The process whose figures are the secretariat's (country_review when loaded)."""
    if isinstance(definitions, ProcessDefinition):
        return definitions.process
    return str(definitions.default_process)


def report_process(definitions: Definitions, processes: Iterable[str]) -> str:
    """The process whose figures the report gives: the default process when it has reviews
    (or when several processes have), else the one process that has reviews and declares
    its figures. A body whose folder is added to the bundled ones has no country review: its
    report counts its own reviews by its own `report:` block, not UNTOC's figures of no
    review at all; a process that declares none leaves the contract's keys at zero."""
    default = default_process(definitions)
    present = set(processes)
    if default in present or len(present) != 1:
        return default
    (only,) = present
    return only if report_figures(definitions, only) else default


def definition_of(definitions: Definitions, state: ReviewState) -> ProcessDefinition:
    """The definition a review folds with: its own (process, version)."""
    if isinstance(definitions, ProcessDefinition):
        return definitions
    found = definitions.get(state.process, state.process_version)
    return found if found is not None else definitions.latest(state.process)


def report_figures(definitions: Definitions, process: str | None = None) -> dict[str, ReportFigure]:
    """The figures a process declares (`report:` of its newest version that has one)."""
    versions = process_versions(definitions).get(process or default_process(definitions), [])
    for d in reversed(versions):
        if d.report:
            return dict(d.report)
    return {}


def added_up_facts(definitions: Definitions) -> tuple[str, ...]:
    """The Party facts the report adds up (its `nominations` figures' facts): a fold's
    input keeps one of alike facts, the report needs every one."""
    return tuple(
        sorted(
            {
                f.fact
                for process in process_versions(definitions)
                for f in report_figures(definitions, process).values()
                if f.figure == "nominations" and f.fact
            }
        )
    )


def _own_order(versions: Iterable[ProcessDefinition], attr: str) -> tuple[str, ...]:
    """Stages or step ids of a process: the newest version's order, then older ones' extras."""
    out: dict[str, None] = {}
    for d in sorted(versions, key=lambda d: -d.version):
        items = d.stages if attr == "stages" else d.step_ids
        out.update(dict.fromkeys(items))
    return tuple(out)


def report_stages(
    definition: Definitions, processes: Iterable[str] | None = None, default: str | None = None
) -> tuple[str, ...]:
    """The stages of the default process (or the report's, `default`), then those of any
    other loaded process that has reviews (`processes`), each in its definition's order."""
    every = process_versions(definition)
    default = default or default_process(definition)
    present = set(processes) if processes is not None else set(every)
    stages = [
        st
        for name, versions in every.items()
        if name == default or name in present
        for st in _own_order(versions, "stages")
    ]
    return tuple(dict.fromkeys(stages)) or STAGES


def stage_ends(definition: Definitions) -> set[str]:
    """The first and last stage of every loaded process (a review there is not under way)."""
    every = [d for versions in process_versions(definition).values() for d in versions]
    return {st for d in every for st in (d.stages[0], d.stages[-1])}


def stage_at(definition: ProcessDefinition, step_id: str) -> str | None:
    """The stage a review is in while it waits for `step_id`: the one before the stage the
    step's completion moves it to (None for a step that sets no stage)."""
    try:
        after = definition.step(step_id).stage_on_completion
    except KeyError:
        return None
    if after is None or after not in definition.stages:
        return None
    index = definition.stages.index(after)
    return definition.stages[index - 1] if index else None


def _step(state: ReviewState, step_id: str | None) -> StepState | None:
    """The review's step, or None when its version has no such step."""
    if step_id is None:
        return None
    for st in state.steps:
        if st.step == step_id:
            return st
    return None


# The 70 % rule of mechanism.yaml (para 25), used when no mechanism definition is given.
DEFAULT_THRESHOLD = 0.7
DEFAULT_PROGRESS_GROUP = 1

# Figure VII: how far behind the agreed schedule the reviews waiting for a `progress` step
# are, in calendar months (the month rule of the mechanism-file contract).
DELAY_BUCKETS = (
    "not_late",
    "late_up_to_6_months",
    "late_6_12_months",
    "late_over_1_year",
)

# The lateness of a `submissions` figure, against the step's deadline (status-report.md).
LATENESS_BUCKETS = (
    "on_time",
    "late_1_10_days",
    "late_11_days_3_months",
    "late_3_6_months",
    "late_over_6_months",
    "late_over_1_year",
)


def status_report(
    definition: Definitions,
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
    definition: Definitions,
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
    # a Mechanism that declares no rule for the next cluster has no threshold to report
    # (unless one is given): the paper's 70 % would be a rule it never adopted
    ruled = threshold is not None or declares_next_cluster()
    threshold, progress_group = next_cluster_rule(threshold, progress_group)
    groups = sorted({s.group for s in states.values()}) or [1, 2, 3]
    every = states
    # the paper's figures (questionnaires, feedback...) are those of the default process,
    # as its definition declares them; reviews of another process count in the totals,
    # stages and focal points, and each process has its own section under `processes`
    present = {s.process for s in every.values()}
    default = report_process(definition, present)
    own = [s for s in states.values() if s.process == default]
    cluster = _running_cluster(own)
    out: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "reviews": _reviews(
            every.values(),
            groups,
            report_stages(definition, present, default),
            stage_ends(definition),
        ),
    }
    figures = report_figures(definition, default)
    for key, fig in figures.items():
        kind = fig.figure
        if kind == "focal_point_roll":
            out[key] = _focal_points(every.values(), roll, groups)
        elif kind == "nominations":
            named = [e for events in by_party.values() for e in events if e.type == fig.fact]
            out[key] = _nominations(named)
        elif kind == "consultations":
            out[key] = _consultations(own, groups, fig.step)
        elif kind == "languages":
            out[key] = _languages(own, fig.step)
        elif kind == "submissions":
            out[key] = _submissions(definition, own, groups, fig.step)
        elif kind == "progress":
            out[key] = _progress_at(definition, own, groups, as_of, fig.step)
        elif kind == "outcome":
            out[key] = _outcome(definition, own, fig.step)
    out["cluster_progress"] = _progress(
        definition, own, cluster, progress_group, threshold if ruled else None
    )
    out["processes"] = _processes(definition, every.values(), as_of)
    # which key counts what, for readers of the JSON and for the page's figures I-VII
    out["figures"] = {
        key: {"figure": fig.figure, "process": default}
        | ({"step": fig.step} if fig.step else {})
        | ({"fact": fig.fact} if fig.fact else {})
        for key, fig in figures.items()
    }
    return out


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


def declares_next_cluster() -> bool:
    """Whether the loaded mechanism.yaml has the rule for starting the next cluster: a body
    without clusters leaves `next_cluster` out, and its page says nothing of a 70 % rule."""
    from ..definitions.load import defs_file, is_mechanism_rules

    path = defs_file("mechanism.yaml", accept=is_mechanism_rules)
    try:
        return _has_rule(str(path), path.stat().st_mtime)
    except Exception:  # no mechanism.yaml (a bare process_defs folder): the paper's rule
        return True


@lru_cache(maxsize=8)
def _has_rule(path: str, mtime: float) -> bool:
    from ..mechanism.definition import load_mechanism

    return load_mechanism(path).next_cluster is not None


@lru_cache(maxsize=8)
def _declared_rule(path: str, mtime: float) -> tuple[float, int]:
    """The 70 % rule of a mechanism.yaml, read once per version of the file."""
    from ..mechanism.definition import load_mechanism

    rule = load_mechanism(path).next_cluster
    if rule is None:  # a Mechanism without the rule: the paper's key keeps the paper's rule
        return DEFAULT_THRESHOLD, DEFAULT_PROGRESS_GROUP
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
    _ends: Iterable[str] = STAGES,
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


def _nominations(named: list[Event]) -> dict[str, Any]:
    """Persons named by Parties up to the date: the lists add up (mechanism-file contract)."""
    persons = sum(e.data.get("count") or 0 for e in named)
    women = sum(e.data.get("women") or 0 for e in named)
    return {
        "persons": persons,
        "women": women,
        "women_share": women / persons if persons else 0.0,
        "parties": len({e.party for e in named if e.party}),
    }


def _done_on(state: ReviewState, step_id: str | None) -> date | None:
    st = _step(state, step_id)
    return st.completed_on if st is not None and st.status == "completed" else None


def _consultations(
    states: Iterable[ReviewState], groups: list[int], step_id: str | None
) -> dict[str, Any]:
    by_group = {str(g): 0 for g in groups}
    # the reviews of the process per group, so that "not held" counts only its own
    reviews = {str(g): 0 for g in groups}
    held = 0
    for s in states:
        reviews[str(s.group)] += 1
        if _done_on(s, step_id) is not None:
            held += 1
            by_group[str(s.group)] += 1
    return {"held": held, "by_group": by_group, "reviews_by_group": reviews}


def _languages(states: Iterable[ReviewState], step_id: str | None) -> dict[str, Any]:
    single: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    triples: Counter[str] = Counter()
    none = 0
    for s in states:
        # the languages are those of the fact that completed the step (the review's terms)
        if _done_on(s, step_id) is None or s.languages is None:
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

    def ordered(c: Counter[str]) -> dict[str, int]:
        return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    return {
        "single": ordered(single),
        "pairs": ordered(pairs),
        "triples": ordered(triples),
        "no_agreement": none,
    }


def _submissions(
    definition: Definitions, states: Iterable[ReviewState], groups: list[int], step_id: str | None
) -> dict[str, Any]:
    lateness = dict.fromkeys(LATENESS_BUCKETS, 0)
    by_group = _by_group(groups, ("submitted", "in_preparation"))
    submitted = in_preparation = 0
    for s in states:
        g = by_group[str(s.group)]
        if step_id is not None and s.stage == stage_at(definition_of(definition, s), step_id):
            in_preparation += 1
            g["in_preparation"] += 1
        step = _step(s, step_id)
        if step is None or step.status != "completed" or step.completed_on is None:
            continue
        submitted += 1
        g["submitted"] += 1
        due = step.deadline.due if step.deadline else None
        if due is None or step.completed_on <= due:
            lateness["on_time"] += 1
            continue
        days = (step.completed_on - due).days
        months = months_late(due, step.completed_on)
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


def _progress_at(
    definition: Definitions,
    states: Iterable[ReviewState],
    groups: list[int],
    as_of: date,
    step_id: str | None,
) -> dict[str, Any]:
    by_group = _by_group(groups, ("at_stage", "completed", "late"))
    delays = dict.fromkeys(DELAY_BUCKETS, 0)
    at_stage = completed = late = over_year = 0
    for s in states:
        g = by_group[str(s.group)]
        step = _step(s, step_id)
        if step is None or step_id is None:
            continue
        if step.status in ("completed", "waived"):
            completed += 1
            g["completed"] += 1
        if s.stage != stage_at(definition_of(definition, s), step_id):
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


def _outcome(
    definition: Definitions, states: Iterable[ReviewState], step_id: str | None
) -> dict[str, Any]:
    at_stage = completed = 0
    for s in states:
        own = definition_of(definition, s)
        if step_id is not None and s.stage == stage_at(own, step_id):
            at_stage += 1
        elif s.stage == own.stages[-1]:
            completed += 1
    return {"at_stage": at_stage, "completed": completed}


def _progress(
    definition: Definitions,
    states: Iterable[ReviewState],
    cluster: int,
    group: int,
    threshold: float | None,
) -> dict[str, Any]:
    """The group's progress towards the next cluster; `threshold` None: the Mechanism has no
    such rule, and the report says neither a threshold nor whether the next may start."""
    total = completed = 0
    for s in states:
        if s.cluster == cluster and s.group == group:
            total += 1
            completed += s.stage == definition_of(definition, s).stages[-1]
    share = completed / total if total else 0.0
    return {
        "cluster": cluster,
        "group": group,
        "completed": completed,
        "total": total,
        "share": share,
        "threshold": threshold,
        "next_cluster_may_start": None if threshold is None else total > 0 and share >= threshold,
    }


def _processes(
    definition: Definitions, states: Iterable[ReviewState], as_of: date
) -> dict[str, dict[str, Any]]:
    """Every process that has reviews, from its own definition (status-report.md, 2026-12-07):
    its reviews by its own stages, and per step how many are open, late, late by more than
    12 calendar months, and completed."""
    mine: dict[str, list[ReviewState]] = {}
    for s in states:
        mine.setdefault(s.process, []).append(s)
    out: dict[str, dict[str, Any]] = {}
    versions = process_versions(definition)
    for name in [*versions, *sorted(set(mine) - set(versions))]:
        reviews = mine.get(name)
        if not reviews:
            continue
        own = versions.get(name, [])
        by_stage = dict.fromkeys(_own_order(own, "stages"), 0)
        steps = {
            step: {"open": 0, "late": 0, "late_over_1_year": 0, "completed": 0}
            for step in _own_order(own, "steps")
        }
        for s in reviews:
            by_stage[s.stage] = by_stage.get(s.stage, 0) + 1
            for st in s.steps:
                count = steps.setdefault(
                    st.step, {"open": 0, "late": 0, "late_over_1_year": 0, "completed": 0}
                )
                if st.status == "completed":
                    count["completed"] += 1
                elif st.is_open:
                    count["open"] += 1
                    due = st.deadline.due if st.deadline else None
                    if due is not None and due < as_of:
                        count["late"] += 1
                        if add_months(due, 12) < as_of:
                            count["late_over_1_year"] += 1
        newest = own[-1] if own else None
        out[name] = {
            "title": dict(newest.title) if newest is not None else {},
            "reviews": len(reviews),
            "by_stage": by_stage,
            "steps": steps,
        }
    return out
