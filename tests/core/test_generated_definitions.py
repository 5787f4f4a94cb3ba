# ruff: noqa: E501
"""The fold's properties hold for every valid definition, not only the bundled one:
hypothesis draws a process (a DAG of steps with clocks, completions, optional and
conditional steps, ladders) and a history of its facts, and checks the fold."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from untoc_workflow.core import (
    Event,
    EventIndex,
    Party,
    Review,
    ReviewerAssignment,
    Snapshot,
    mechanism_states,
)
from untoc_workflow.definitions.load import check_graph
from untoc_workflow.definitions.process import ProcessDefinition
from untoc_workflow.yamlsource import Located

START = date(2021, 1, 4)
PARTIES = ("AAA", "BBB", "CCC", "DDD")
REVIEW = Review(
    "R1",
    1,
    1,
    "AAA",
    ("UNTOC",),
    (ReviewerAssignment("BBB", ("UNTOC",)), ReviewerAssignment("CCC", ("UNTOC",))),
    START,
)
days = st.integers(min_value=0, max_value=900).map(lambda n: START + timedelta(days=n))
durations = st.sampled_from(["2 weeks", "1 month", "3 months", "6 months"])


@st.composite
def definitions(draw: st.DrawFn) -> ProcessDefinition:
    n_stages = draw(st.integers(2, 4))
    stages = [f"stage_{i}" for i in range(n_stages)]
    n = draw(st.integers(1, 6))
    facts: dict[str, Any] = {
        "terms_set": {
            "scope": "review",
            "fields": {"languages": "languages", "agreed": {"type": "agreed", "optional": True}},
        }
    }
    steps: list[dict[str, Any]] = []
    for i in range(n):
        optional = draw(st.booleans()) and i > 0
        targets = [s["id"] for s in steps if not s.get("optional")]
        start_kind = draw(st.sampled_from(["review_start", "after", "fact"]))
        if start_kind == "after" and targets:
            starts: dict[str, Any] = {"after": draw(st.sampled_from(targets))}
        elif start_kind == "fact":
            facts[f"start_{i}"] = {"scope": "review"}
            starts = {"fact": f"start_{i}"}
        else:
            starts = {"at": "review_start"}
        source = draw(st.sampled_from(["any", "reviewed", "each_reviewer", "condition"]))
        if source == "condition":
            completed: dict[str, Any] = {"condition": "all_focal_points_named"}
            waiting = "parties_without_focal_point"
        else:
            fields = (
                {"party": {"type": "party", "optional": True}} if source == "each_reviewer" else {}
            )
            facts[f"done_{i}"] = {"scope": "review", "fields": fields}
            completed = {"event": f"done_{i}", "from": source}
            waiting = (
                "reviewers_pending"
                if source == "each_reviewer"
                else draw(st.sampled_from(["reviewed", "reviewers", "all", "secretariat"]))
            )
        step: dict[str, Any] = {
            "id": f"step_{i}",
            "title": {"en": f"Step {i}"},
            "starts": starts,
            "duration": draw(durations),
            "completed_by": completed,
            "waiting_for": waiting,
            "optional": optional,
            "extendable": draw(st.booleans()),
            "ladder": [
                {"id": f"rung_{k}", "at": at, "to": ["waiting.focal_point"], "template": "step_due"}
                for k, at in enumerate(
                    draw(
                        st.lists(
                            st.sampled_from(["-2 weeks", "0 days", "+1 month"]),
                            max_size=2,
                            unique=True,
                        )
                    )
                )
            ],
        }
        if draw(st.booleans()):
            step["agreed_at"] = "terms_set"
        if not optional and draw(st.booleans()):
            step["stage_on_completion"] = draw(st.sampled_from(stages[1:]))
        steps.append(step)
    # a stage no step reaches is refused by the loader: keep the reached ones
    reached = {s.get("stage_on_completion") for s in steps}
    stages = [stages[0], *(s for s in stages[1:] if s in reached)]
    if len(stages) < 2:
        stages.append("stage_done")
        steps[-1]["stage_on_completion"] = "stage_done"
        steps[-1]["optional"] = False
    data = {"process": "drawn", "version": 1, "facts": facts, "stages": stages, "steps": steps}
    definition = ProcessDefinition.model_validate(data)
    assert list(check_graph(definition, Located(data, "drawn.yaml", {}))) == []
    return definition


@st.composite
def cases(draw: st.DrawFn) -> tuple[ProcessDefinition, Snapshot]:
    definition = draw(definitions())
    events: list[Event] = []
    for party in PARTIES:
        if draw(st.booleans()):
            person = {"name": party, "email": f"fp@{party}"}
            events.append(
                Event(draw(days), "focal_point_nominated", party=party, data={"person": person})
            )
    for name, fact in definition.facts.items():
        for _ in range(draw(st.integers(0, 2))):
            party = None
            if "party" in fact.fields:
                party = draw(st.sampled_from([None, "BBB", "CCC"]))
            data: dict[str, Any] = {}
            if name == "terms_set":
                agreed = {
                    s: draw(days) for s in definition.agreed_steps(name) if draw(st.booleans())
                }
                data = {"languages": ["en"], "agreed": agreed}
            events.append(Event(draw(days), name, review="R1", party=party, data=data))
    for step in definition.steps:
        if step.extendable and draw(st.booleans()):
            data = {"step": step.id, "due": draw(days), "basis": "drawn"}
            events.append(Event(draw(days), "deadline_extended", review="R1", data=data))
        if draw(st.integers(0, 9)) == 0:
            events.append(
                Event(draw(days), "step_waived", review="R1", data={"step": step.id, "basis": "x"})
            )
    ordered = sorted(enumerate(events), key=lambda ie: (ie[1].on, ie[0]))
    events = [
        Event(e.on, e.type, seq, e.review, e.party, e.data) for seq, (_, e) in enumerate(ordered)
    ]
    parties = {p: Party(p, p, "WEOG", {"UNTOC": date(2000, 1, 1)}) for p in PARTIES}
    return definition, Snapshot(parties, {"R1": REVIEW}, tuple(events))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases(), days, days)
def test_stages_never_go_back(case, first, second):
    definition, snapshot = case
    early, late = sorted((first, second))
    order = definition.stages
    before = mechanism_states(definition, snapshot, early)["R1"].stage
    after = mechanism_states(definition, snapshot, late)["R1"].stage
    assert order.index(before) <= order.index(after)


@SETTINGS
@given(cases(), days)
def test_later_facts_change_nothing(case, day):
    definition, snapshot = case
    known = Snapshot(
        snapshot.parties, snapshot.reviews, tuple(e for e in snapshot.events if e.on <= day)
    )
    assert mechanism_states(definition, snapshot, day) == mechanism_states(definition, known, day)


@SETTINGS
@given(cases(), days)
def test_every_started_step_completes_or_has_a_deadline(case, day):
    definition, snapshot = case
    state = mechanism_states(definition, snapshot, day)["R1"]
    assert state.steps
    for step in state.steps:
        if step.started_on is not None:
            assert step.status in ("completed", "waived", "skipped") or step.deadline is not None
        if step.status == "open":
            assert step.started_on is not None and step.started_on <= day
        assert step.days_overdue >= 0


@SETTINGS
@given(cases(), days, days)
def test_the_indexed_fold_equals_the_plain_one(case, cut, day):
    definition, snapshot = case
    kept = tuple(e for e in snapshot.events if e.on <= cut)
    indexed = Snapshot(
        snapshot.parties, snapshot.reviews, kept, index=EventIndex(snapshot.events), cut=cut
    )
    plain = Snapshot(snapshot.parties, snapshot.reviews, kept)
    assert mechanism_states(definition, indexed, day) == mechanism_states(definition, plain, day)
