"""When will the reviews complete, and when will group 1 reach the 70 % rule? A forecast.

The model, kept simple enough to explain to a working group:

- A review passes one phase per step that moves it to its next stage, in the order of the
  process's stages (for the country review, four: from the start of the review, including
  the wait for focal points, to the preliminary consultation, then each of the steps that
  lead to the agreed summary). A phase ends when its step is done.
- Each phase, in each group, has a rate of completion estimated from the event log up to the
  date: completions divided by the time reviews have spent in the phase, counting the time of
  the reviews still in it (so the slow ones weigh in, not only the few that finished). A
  phase rarely completed so far gets one pseudo-completion at the rule's six months, so it is
  never treated as instantaneous or endless.
- Rates are uncertain: each run draws them from their gamma posterior, then draws each
  review's remaining time in each phase (exponential, i.e. memoryless: a review stuck for two
  years is not "due" to finish). Groups with fewer than three completions of a phase borrow
  the rate of all groups.
- A what-if applies a Conference decision (or `extend STEP by N months`): an extension adds
  the months to the phase for the reviews it selects that have not passed it (parties use
  the time they are given), and so does an extension of a step that phase's step waits for
  (directly or through others, one of several it comes `after`: the fold starts a step when
  the last of them is complete); a waived step skips its phase; a new threshold moves the
  line. Only a phase's own step, waived, skips the phase: one it waits for, waived, leaves
  the phase's own step still to be done.

Deterministic for a seed (numpy PCG64).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core import ReviewState, mechanism_states
from ..core.model import Snapshot
from ..definitions.catalog import Definitions
from ..definitions.process import ProcessDefinition
from ..errors import InputError, Problem, did_you_mean
from .status import default_process, process_versions, stage_at

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as Canvas


@dataclass(frozen=True)
class Phases:
    """The phases of one process: the steps that move a review to its next stage, in the
    order of its stages, and the stage a review is in while each is awaited."""

    process: str
    steps: tuple[str, ...]  # the step that ends each phase
    stages: tuple[str, ...]  # the stage a review is in during each phase
    final: str  # the last stage: the review is complete
    delays: dict[str, int]  # step -> the phase an extension or waiver of it delays

    @classmethod
    def of(cls, definition: ProcessDefinition) -> Phases:
        steps: list[str] = []
        stages: list[str] = []
        for stage in definition.stages[:-1]:
            step = next(
                (st.id for st in definition.steps if stage_at(definition, st.id) == stage), None
            )
            if step is not None:
                steps.append(step)
                stages.append(stage)
        return cls(
            definition.process,
            tuple(steps),
            tuple(stages),
            definition.stages[-1],
            _delays(definition, steps),
        )


def _delays(definition: ProcessDefinition, steps: Sequence[str]) -> dict[str, int]:
    """Step -> the phase its extension or waiver delays: each phase's own step, and every
    step it waits for, directly or through others. The fold starts a step when the last
    of the steps it comes `after` is complete, so any one of several can hold it back; a
    step the steps of two phases wait for delays the earlier (the later follows it)."""
    delays = {step: k for k, step in enumerate(steps)}
    by_id = {st.id: st for st in definition.steps}
    for k, step in enumerate(steps):
        waits_for = list(by_id[step].starts.afters)
        while waits_for:
            before = waits_for.pop(0)
            if before in delays or before not in by_id:
                continue  # a phase's own step, or one an earlier phase already waits for
            delays[before] = k
            waits_for.extend(by_id[before].starts.afters)
    return delays


RULE_DAYS = 182.6  # the rule's six months, the prior of a phase
MONTH_DAYS = 30.44
MIN_EVENTS_PER_GROUP = 3
HORIZON_YEARS = 30


@dataclass(frozen=True)
class WhatIf:
    """One change to try: `kind` extend | waive | threshold, for `step`, selected reviews."""

    kind: str
    step: str | None = None
    months: float = 0.0
    groups: tuple[int, ...] | None = None  # None: every group
    ids: tuple[str, ...] | None = None
    percent: float | None = None

    def selects(self, review: str, group: int) -> bool:
        if self.groups is not None and group not in self.groups:
            return False
        return self.ids is None or review in self.ids


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    changes: tuple[WhatIf, ...] = ()


def parse_extend(text: str, steps: Iterable[str] | None = None) -> WhatIf:
    """'STEP:3' -> extend that step by three months, every review; `steps`
    are the ones the forecast's process can extend (its phases)."""
    step, _, months = text.partition(":")
    step = step.strip()
    known = tuple(steps) if steps is not None else None
    if not step or (known is not None and step not in known) or not months.strip():
        hint = f"steps: {', '.join(known)}" if known else "STEP:MONTHS"
        raise InputError(
            [
                Problem(
                    f"{text!r} is not STEP:MONTHS of a step of the process",
                    path="--extend",
                    hint=f"e.g. {known[-1] if known else 'STEP'}:3; {hint}",
                )
            ]
        )
    try:
        n = float(months)
    except ValueError:
        raise InputError(
            [Problem(f"{months!r} is not a number of months", path="--extend")]
        ) from None
    return WhatIf("extend", step, n)


def scenario_from_decision(path: str | Path, process: Definitions | None = None) -> Scenario:
    """A what-if from a Conference decision file (process_defs/decisions format)."""
    from ..dates import Duration
    from ..mechanism.decisions import (
        ChangeDuration,
        ExtendDeadline,
        SetThreshold,
        WaiveStep,
        load_decision,
    )

    decision = load_decision(path, process)
    changes: list[WhatIf] = []
    for effect in decision.effects:
        if isinstance(effect, ExtendDeadline | ChangeDuration):
            text = effect.by if isinstance(effect, ExtendDeadline) else effect.duration
            d = Duration.parse(str(text))
            months = d.amount if d.unit == "months" else d.amount / MONTH_DAYS
            if isinstance(effect, ChangeDuration):  # a new clock: the difference to six months
                months -= 6
            sel = effect.reviews
            changes.append(
                WhatIf(
                    "extend",
                    effect.step,
                    months,
                    groups=tuple(sel.group) if sel is not None and sel.group else None,
                    ids=tuple(sel.ids) if sel is not None and sel.ids else None,
                )
            )
        elif isinstance(effect, WaiveStep):
            sel = effect.reviews
            changes.append(
                WhatIf(
                    "waive",
                    effect.step,
                    groups=tuple(sel.group) if sel.group else None,
                    ids=tuple(sel.ids) if sel.ids else None,
                )
            )
        elif isinstance(effect, SetThreshold):
            changes.append(WhatIf("threshold", percent=effect.percent))
    return Scenario("decision", decision.label("en"), tuple(changes))


def _phase_now(
    s: ReviewState, start: date, as_of: date, phases: Phases
) -> tuple[int, float, list[date | None]]:
    """The phase a review is in on the date (len(phases.steps) = complete), days spent in
    it, and the dates each phase ended (None while open)."""
    done = {st.step: st.completed_on for st in s.steps}
    waived = {st.step for st in s.steps if st.status == "waived"}
    ends: list[date | None] = [done.get(step) for step in phases.steps]
    n = len(phases.steps)
    begins: list[date] = [start]
    for i in range(n - 1):
        prev = ends[i]
        begins.append(prev if prev is not None else as_of)
    if s.stage == phases.final:
        return n, 0.0, ends
    # the stage the core derived decides the phase (a waived step counts as passed)
    phase = phases.stages.index(s.stage) if s.stage in phases.stages else 0
    while phase < n - 1 and phases.steps[phase] in waived and phase:
        phase += 1
    began = begins[phase] if phase else start
    return phase, max(0.0, float((as_of - began).days)), ends


def _exposure(
    states: Mapping[str, ReviewState],
    snapshot: Snapshot,
    as_of: date,
    groups: list[int],
    phases: Phases,
) -> tuple[np.ndarray, np.ndarray]:
    """Completions and days of exposure per (phase, group index)."""
    n = len(phases.steps)
    events = np.zeros((n, len(groups)))
    days = np.zeros((n, len(groups)))
    gi = {g: i for i, g in enumerate(groups)}
    for s in states.values():
        start = snapshot.reviews[s.review].starts_on
        if start > as_of:
            continue
        _, _, ends = _phase_now(s, start, as_of, phases)
        begin = start
        for k in range(n):
            end = ends[k]
            if end is None:
                days[k, gi[s.group]] += max(0, (as_of - begin).days)
                break
            days[k, gi[s.group]] += max(0, (end - begin).days)
            events[k, gi[s.group]] += 1
            begin = max(end, begin)
    return events, days


def forecast_phases(definitions: Definitions, process: str | None = None) -> Phases:
    """The phases of `process` (default: the default process), from its newest version;
    InputError naming the loaded processes when it is not loaded."""
    versions = process_versions(definitions)
    name = process or default_process(definitions)
    if name not in versions:
        raise InputError(
            [
                Problem(
                    f"no process {name!r} is loaded",
                    path="--process",
                    hint=did_you_mean(name, versions) or f"loaded: {', '.join(versions)}",
                )
            ]
        )
    phases = Phases.of(versions[name][-1])
    if not phases.steps:
        raise InputError(
            [Problem(f"{name} has no step that moves a review to its next stage", path="--process")]
        )
    return phases


def forecast(
    definition: Definitions,
    snapshot: Snapshot,
    as_of: date,
    *,
    runs: int = 400,
    seed: int = 0,
    scenarios: Sequence[Scenario] = (),
    group: int = 1,
    threshold: float = 0.7,
    states: Mapping[str, ReviewState] | None = None,
    chart: bool = True,
    process: str | None = None,
) -> dict[str, Any]:
    """Simulate each review's completion; the date `group` reaches `threshold`, per scenario.

    The reviews are those of `process` (default: the default process), its phases its own."""
    if runs < 10:
        raise InputError([Problem("use at least 10 runs", path="--runs")])
    phases = forecast_phases(definition, process)
    if states is None:
        states = mechanism_states(definition, snapshot, as_of)
    # the phases are the process's own: reviews of another process are left out
    states = {k: s for k, s in states.items() if s.process == phases.process}
    if not states:
        raise InputError([Problem(f"no review of {phases.process} to forecast", path="--process")])
    reviews = [s for s in states.values() if s.cluster == min(x.cluster for x in states.values())]
    groups = sorted({s.group for s in reviews})
    gi = {g: i for i, g in enumerate(groups)}
    events, days = _exposure({s.review: s for s in reviews}, snapshot, as_of, groups, phases)
    n_phases = len(phases.steps)
    pooled_e, pooled_d = events.sum(axis=1), days.sum(axis=1)

    n = len(reviews)
    phase = np.zeros(n, dtype=int)
    ahead = np.zeros(n)  # days before the review even starts (future start dates)
    gidx = np.zeros(n, dtype=int)
    for i, s in enumerate(reviews):
        start = snapshot.reviews[s.review].starts_on
        phase[i], _, _ = _phase_now(s, start, as_of, phases)
        ahead[i] = max(0, (start - as_of).days)
        gidx[i] = gi[s.group]

    own = events >= MIN_EVENTS_PER_GROUP
    shape = np.where(own, events, pooled_e[:, None]) + 1.0
    scale = 1.0 / (np.where(own, days, pooled_d[:, None]) + RULE_DAYS)
    mean_rate = shape * scale

    all_scenarios = [Scenario("baseline", "as things stand"), *scenarios]
    out_scenarios = []
    horizon = HORIZON_YEARS * 365.25
    grid = np.arange(0, horizon + 1, 30.0)
    per_review: dict[str, Any] = {}
    for sc in all_scenarios:
        # same seed for every scenario: the differences are the decision's, not the dice's
        rng = np.random.Generator(np.random.PCG64(seed))
        # rates per run, phase and group from the gamma posterior (one pseudo-completion)
        rates = rng.gamma(shape, scale, size=(runs, *shape.shape))  # (runs, phases, groups)
        extra = np.zeros((n, n_phases))
        skip = np.zeros((n, n_phases), dtype=bool)
        sc_threshold = threshold
        for ch in sc.changes:
            if ch.kind == "threshold" and ch.percent is not None:
                sc_threshold = ch.percent / 100.0
                continue
            k = phases.delays.get(ch.step or "")
            if k is None or (ch.kind == "waive" and phases.steps[k] != ch.step):
                # a step the phase waits for, waived, does not waive the phase's own step
                continue
            for i, s in enumerate(reviews):
                if phase[i] <= k and ch.selects(s.review, s.group):
                    if ch.kind == "extend":
                        extra[i, k] += ch.months * MONTH_DAYS
                    elif ch.kind == "waive":
                        skip[i, k] = True
        done = np.zeros((runs, n))
        for k in range(n_phases):
            r = rates[:, k, :][:, gidx]  # (runs, n)
            draw = rng.exponential(1.0, size=(runs, n)) / r + extra[:, k]
            active = (phase <= k) & ~skip[:, k]
            done += np.where(active[None, :], draw, 0.0)
        done += ahead[None, :]
        done = np.where((phase == n_phases)[None, :], 0.0, done)

        members = gidx == gi.get(group, -1)
        total = int(members.sum())
        needed = math.ceil(sc_threshold * total - 1e-9) if total else 0
        g_done = np.sort(done[:, members], axis=1)
        hit = g_done[:, needed - 1] if needed else np.zeros(runs)
        hit = np.where(hit <= horizon, hit, np.inf)
        share = (g_done[:, :, None] <= grid[None, None, :]).sum(axis=1) / max(total, 1)
        finite = hit[np.isfinite(hit)]
        out_scenarios.append(
            {
                "name": sc.name,
                "label": sc.label,
                "threshold": sc_threshold,
                "needed": needed,
                "threshold_date": {
                    "median": _day(as_of, _q(hit, 50)) if len(finite) > runs / 2 else None,
                    "p10": _day(as_of, _q(hit, 10)),
                    "p90": _day(as_of, _q(hit, 90)),
                    "share_within_horizon": float(len(finite) / runs),
                },
                "curve": {
                    "dates": [_day(as_of, d) for d in grid],
                    "p10": np.percentile(share, 10, axis=0).round(4).tolist(),
                    "median": np.median(share, axis=0).round(4).tolist(),
                    "p90": np.percentile(share, 90, axis=0).round(4).tolist(),
                },
            }
        )
        if sc.name == "baseline":
            q = np.percentile(done, [10, 50, 90], axis=0, method="nearest")
            for i, s in enumerate(reviews):
                per_review[s.review] = {
                    "group": s.group,
                    "stage": s.stage,
                    "p10": _day(as_of, q[0, i]),
                    "median": _day(as_of, q[1, i]),
                    "p90": _day(as_of, q[2, i]),
                }
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "process": phases.process,
        "cluster": min(s.cluster for s in reviews),
        "final_stages": [phases.final],
        "runs": runs,
        "seed": seed,
        "group": group,
        "model": {
            "phases": list(phases.steps),
            "completions": {
                phases.steps[k]: {str(g): int(events[k, gi[g]]) for g in groups}
                for k in range(n_phases)
            },
            # the mean days each phase takes in the model (pooled where a group has few)
            "mean_days": {
                phases.steps[k]: {
                    str(g): round(float(1.0 / mean_rate[k, gi[g]]), 1) for g in groups
                }
                for k in range(n_phases)
            },
        },
        "scenarios": out_scenarios,
        "reviews": per_review,
    }
    if chart:
        result["png"] = draw_forecast(result)
    return result


def _q(values: np.ndarray, pct: float) -> float:
    """A percentile that may be infinite (never within the horizon), without interpolating."""
    return float(np.percentile(values, pct, method="nearest"))


def _day(as_of: date, days: float) -> str | None:
    if not np.isfinite(days):
        return None
    return (as_of + timedelta(days=round(float(days)))).isoformat()


def draw_forecast(result: dict[str, Any], lang: str = "en") -> bytes:
    """Share of the group complete over time: median line and 10-90 % band per scenario."""
    from .charts import png_of
    from .i18n import words

    w = words(lang)

    def bands(f: Canvas, ax: Axes) -> None:
        colours = ("#1f5fa8", "#c0504d", "#4f9a4f", "#f0a030")
        for j, sc in enumerate(result["scenarios"]):
            xs = [date.fromisoformat(d) for d in sc["curve"]["dates"]]
            c = colours[j % len(colours)]
            label = w["baseline"] if sc["name"] == "baseline" else sc["label"]
            # matplotlib draws dates through its unit converters; its stubs take only numbers
            ax.fill_between(xs, sc["curve"]["p10"], sc["curve"]["p90"], color=c, alpha=0.2)  # type: ignore[arg-type]
            ax.plot(xs, sc["curve"]["median"], color=c, label=label)  # type: ignore[arg-type]
        thresholds = {sc["threshold"] for sc in result["scenarios"]}
        for t in thresholds:
            ax.axhline(t, color="#555", linestyle="--", linewidth=1)
        ax.set_ylim(0, 1)
        ax.set_ylabel(w["share_complete"])
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        ax.spines[["top", "right"]].set_visible(False)
        f.autofmt_xdate()

    return png_of(bands, size=(7.2, 3.6))


def summary_lines(result: dict[str, Any]) -> Iterable[str]:
    for sc in result["scenarios"]:
        t = sc["threshold_date"]
        later = f"after {HORIZON_YEARS} years"
        when = (
            f"{t['median']} (10-90 %: {t['p10'] or later} .. {t['p90'] or later})"
            if t["median"]
            else (f"not within {HORIZON_YEARS} years in most runs")
        )
        yield (
            f"{sc['label']}: group {result['group']} reaches {sc['threshold']:.0%} "
            f"({sc['needed']} reviews) on {when}"
        )


def review_lines(result: dict[str, Any]) -> Iterable[str]:
    """Each open review the forecast simulated, by id, with when it is likely to complete."""
    later = f"after {HORIZON_YEARS} years"
    open_reviews = {
        rid: r for rid, r in result["reviews"].items() if r["stage"] not in result["final_stages"]
    }
    # cluster and group 0: a process whose reviews are numbered in none
    cluster = f" (cluster {result['cluster']})" if result["cluster"] else ""
    yield f"{len(open_reviews)} open review(s) of {result['process']} forecast{cluster}:"
    for rid, r in sorted(open_reviews.items()):
        group = f"group {r['group']}, " if r["group"] else ""
        yield (
            f"  {rid} ({group}{r['stage']}): completes around "
            f"{r['median'] or later} (10-90 %: {r['p10'] or later} .. {r['p90'] or later})"
        )
