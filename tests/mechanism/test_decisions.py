"""Conference decisions: a dry run changes nothing; applying moves exactly the deadlines the
dry run listed, as events carrying the decision's reference; applying twice changes nothing;
sent notifications stay sent, pending ones that no longer apply are cancelled."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import dump, insert_notice, mechanism, process, small_document  # noqa: E402

from untoc_workflow.core import mechanism_states  # noqa: E402
from untoc_workflow.errors import InputError  # noqa: E402
from untoc_workflow.mechanism import service  # noqa: E402
from untoc_workflow.mechanism.decisions import parse_decision  # noqa: E402
from untoc_workflow.outbox.decisions import StoreNoticeOutbox  # noqa: E402
from untoc_workflow.yamlsource import Located, load_text  # noqa: E402

PROCESS = process()
MECHANISM = mechanism()
AS_OF = date(2021, 7, 1)


def decide(store: Any, decision: Any, *, dry_run: bool, as_of: date = AS_OF) -> Any:
    """The decision applied (or, dry, planned) as `untoc decide` does, with the store's
    outbox; every test below goes through here."""
    return service.decide(
        store,
        decision,
        PROCESS,
        MECHANISM,
        as_of=as_of,
        dry_run=dry_run,
        outbox=StoreNoticeOutbox(store),
    )


def decision(text: str) -> Any:
    return parse_decision(load_text(text, "decision.yaml"), PROCESS)


EXTEND = decision(
    """
decision: TEST-1
title: Six more months for the SAQ, group 1
adopted_on: 2021-06-15
effects:
  - kind: extend_deadline
    step: saq
    by: 6 months
    reviews: {cluster: 1, group: 1}
"""
)


@pytest.fixture
def mech(store: Any) -> dict[str, Any]:
    """Group 1 (start 2020-12-01): A agreed its SAQ for 2021-08-01, B submitted its SAQ,
    C and D run on the rule clock (SAQ due 2021-06-01). Group 2 starts 2021-11-01."""
    doc = small_document()
    g1 = sorted(r["id"] for r in doc["reviews"] if r["group"] == 1)
    g2 = sorted(r["id"] for r in doc["reviews"] if r["group"] == 2)
    a, b, c, d = g1
    doc["events"] += [
        {
            "on": "2021-01-10",
            "type": "preliminary_consultation_held",
            "review": a,
            "languages": ["en"],
            "agreed": {"saq": "2021-08-01"},
        },
        {"on": "2021-05-01", "type": "saq_submitted", "review": b},
    ]
    store.import_document(Located(doc, "<test>", {}))
    ids = {
        "pending_c": insert_notice(
            store, review=c, step="saq", deadline_due=date(2021, 6, 1), status="pending"
        ),
        "failed_c": insert_notice(
            store,
            review=c,
            step="saq",
            deadline_due=date(2021, 6, 1),
            status="failed",
            rung="overdue",
        ),
        "sent_d": insert_notice(
            store, review=d, step="saq", deadline_due=date(2021, 6, 1), status="sent"
        ),
        "pending_b": insert_notice(
            store,
            review=b,
            step="written_feedback",
            deadline_due=date(2021, 11, 1),
            status="pending",
        ),
        "pending_g2": insert_notice(
            store, review=g2[0], step="saq", deadline_due=date(2022, 5, 1), status="pending"
        ),
    }
    return {"store": store, "a": a, "b": b, "c": c, "d": d, "g2": g2, "notices": ids}


def statuses(store: Any) -> dict[int, str]:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, status FROM outbox")).all())


def deadlines(store: Any, as_of: date = AS_OF) -> dict[tuple[str, str], Any]:
    states = mechanism_states(PROCESS, store.snapshot(), as_of)
    return {(r, s.step): (s.status, s.deadline) for r, st in states.items() for s in st.steps}


def test_a_dry_run_lists_the_moves_and_the_cancellations_and_changes_nothing(
    mech: dict[str, Any],
) -> None:
    store = mech["store"]
    before = dump(store)
    applied = decide(store, EXTEND, dry_run=True)
    assert dump(store) == before

    moves = {(m.review, m.step): (m.old_due, m.new_due) for m in applied.plan.moves}
    assert moves == {
        (mech["a"], "saq"): (date(2021, 8, 1), date(2022, 2, 1)),
        (mech["c"], "saq"): (date(2021, 6, 1), date(2021, 12, 1)),
        (mech["d"], "saq"): (date(2021, 6, 1), date(2021, 12, 1)),
    }
    assert all("decision TEST-1" in m.why for m in applied.plan.moves)
    old_sources = {m.review: m.old.source for m in applied.plan.moves}
    assert old_sources == {mech["a"]: "agreed", mech["c"]: "rule", mech["d"]: "rule"}
    cancelled = {c.notice.id for c in applied.plan.cancellations}
    assert cancelled == {mech["notices"]["pending_c"], mech["notices"]["failed_c"]}


def test_applying_moves_exactly_the_listed_deadlines_with_the_decision_reference(
    mech: dict[str, Any],
) -> None:
    store = mech["store"]
    dry = decide(store, EXTEND, dry_run=True).plan
    before = deadlines(store)
    applied = decide(store, EXTEND, dry_run=False)
    after = deadlines(store)

    changed = {k: (before[k][1], after[k][1]) for k in before if before[k] != after[k]}
    assert {k: (o.due, n.due) for k, (o, n) in changed.items()} == {
        (m.review, m.step): (m.old_due, m.new_due) for m in dry.moves
    }
    for _, new in changed.values():
        assert new.source == "extended"
        assert new.decision == "TEST-1"
        assert "decision TEST-1" in new.basis
    assert applied.recorded == 3
    ids = sorted(e.id for e in store.snapshot().events if e.id.startswith("decision:"))
    assert ids == sorted(f"decision:TEST-1:{mech[k]}:saq" for k in "acd")


def test_sent_notifications_stay_sent_and_pending_ones_that_no_longer_apply_are_cancelled(
    mech: dict[str, Any],
) -> None:
    store = mech["store"]
    n = mech["notices"]
    decide(store, EXTEND, dry_run=False)
    st = statuses(store)
    assert st[n["sent_d"]] == "sent"
    assert st[n["pending_c"]] == "cancelled"
    assert st[n["failed_c"]] == "cancelled"
    assert st[n["pending_b"]] == "pending"  # its step did not move
    assert st[n["pending_g2"]] == "pending"  # group 2 is not concerned
    from sqlalchemy import text

    with store.engine.connect() as conn:
        reason = conn.execute(
            text("SELECT cancel_reason FROM outbox WHERE id = :i"), {"i": n["pending_c"]}
        ).scalar_one()
    assert "2021-06-01" in reason and "2021-12-01" in reason and "TEST-1" in reason


def test_applying_the_same_decision_twice_changes_nothing(mech: dict[str, Any]) -> None:
    store = mech["store"]
    decide(store, EXTEND, dry_run=False)
    once = dump(store)
    again = decide(store, EXTEND, dry_run=False, as_of=date(2021, 8, 1))
    assert dump(store) == once
    assert again.recorded == 0 and again.plan.moves == [] and again.plan.events == []
    assert again.plan.recorded == 3


def test_an_edited_decision_under_the_same_reference_is_refused(mech: dict[str, Any]) -> None:
    store = mech["store"]
    decide(store, EXTEND, dry_run=False)
    before = dump(store)
    edited = decision(
        """
decision: TEST-1
title: Six more months for the SAQ, group 1
adopted_on: 2021-06-15
effects:
  - {kind: extend_deadline, step: saq, by: 9 months, reviews: {cluster: 1, group: 1}}
"""
    )
    with pytest.raises(InputError, match="applied with different content"):
        decide(store, edited, dry_run=True)
    assert dump(store) == before


def test_a_decision_cannot_apply_before_its_adoption(mech: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="adopted on 2021-06-15"):
        decide(mech["store"], EXTEND, dry_run=True, as_of=date(2021, 6, 1))


def test_a_longer_clock_extends_running_rule_deadlines_and_keeps_agreed_ones(
    mech: dict[str, Any],
) -> None:
    store = mech["store"]
    longer = decision(
        """
decision: TEST-2
title: Nine months for the SAQ and the feedback
adopted_on: 2021-05-15
effects:
  - {kind: change_duration, step: saq, duration: 9 months, from: 2021-05-15}
  - {kind: change_duration, step: written_feedback, duration: 9 months, from: 2021-05-15}
"""
    )
    plan = decide(store, longer, dry_run=False).plan
    moves = {(m.review, m.step): (m.old_due, m.new_due) for m in plan.moves}
    assert moves == {
        (mech["c"], "saq"): (date(2021, 6, 1), date(2021, 9, 1)),
        (mech["d"], "saq"): (date(2021, 6, 1), date(2021, 9, 1)),
        # B's feedback clock started with its SAQ on 2021-05-01, running on 2021-05-15
        (mech["b"], "written_feedback"): (date(2021, 11, 1), date(2022, 2, 1)),
    }
    # B's SAQ was done before the rule changed; A's SAQ date was agreed: both kept.
    assert [(k.review, k.step) for k in plan.kept] == [(mech["a"], "saq")]
    assert "agreed" in plan.kept[0].why
    after = deadlines(store)
    assert after[(mech["c"], "saq")][1].basis.startswith("saq clock changed to 9 months")


def test_a_shorter_clock_is_not_applied_to_steps_already_running(mech: dict[str, Any]) -> None:
    shorter = decision(
        """
decision: TEST-3
title: Three months for the SAQ
adopted_on: 2021-02-01
effects:
  - {kind: change_duration, step: saq, duration: 3 months, from: 2021-02-01}
"""
    )
    plan = decide(mech["store"], shorter, dry_run=True).plan
    assert plan.moves == []
    # B submitted on 2021-05-01: it too was running when the rule changed.
    assert {k.review for k in plan.kept if "retroactively" in k.why} == {
        mech["b"],
        mech["c"],
        mech["d"],
    }


def test_waiving_a_step_shows_it_and_cancels_its_pending_notices(mech: dict[str, Any]) -> None:
    store = mech["store"]
    waive = decision(
        """
decision: TEST-4
title: No SAQ for review C
adopted_on: 2021-06-20
effects:
  - {kind: waive_step, step: saq, reviews: {ids: [REVIEW]}}
""".replace("REVIEW", mech["c"])
    )
    plan = decide(store, waive, dry_run=False).plan
    assert [(m.review, m.step, m.old_due, m.new) for m in plan.moves][0] == (
        mech["c"],
        "saq",
        date(2021, 6, 1),
        None,
    )
    assert statuses(store)[mech["notices"]["pending_c"]] == "cancelled"
    assert deadlines(store)[(mech["c"], "saq")][0] == "waived"


def test_a_lower_threshold_is_a_rule_change_read_back_by_the_70_percent_rule(
    mech: dict[str, Any],
) -> None:
    store = mech["store"]
    lower = decision(
        """
decision: TEST-5
title: Half of group 1 is enough
adopted_on: 2021-06-01
effects:
  - {kind: set_threshold, percent: 50, cluster: 1}
"""
    )
    (status,) = service.clusters(store, PROCESS, MECHANISM, AS_OF)
    assert status.threshold.percent == 70 and status.threshold.source == "mechanism.yaml"
    plan = decide(store, lower, dry_run=False).plan
    assert [(r.old, r.new) for r in plan.rule_changes] == [("70 %", "50 %")]
    (status,) = service.clusters(store, PROCESS, MECHANISM, AS_OF)
    assert (status.threshold.percent, status.threshold.source) == (50, "decision TEST-5")
    (earlier,) = service.clusters(store, PROCESS, MECHANISM, date(2021, 5, 31))
    assert earlier.threshold.percent == 70


def test_a_decision_file_with_mistakes_is_reported_with_lines_and_suggestions() -> None:
    with pytest.raises(InputError) as exc:
        decision(
            """
decision: TEST-6
title: Typos
adopted_on: 2021-06-01
effects:
  - kind: extend_deadline
    step: saqq
    by: 6 months
    reviews: {cluster: 1}
    still_at: 2021-06-01
"""
        )
    text = str(exc.value)
    assert "decision.yaml:10: effects[0].still_at: unknown key 'still_at'" in text
    assert "still_at_step_on" in text
    with pytest.raises(InputError, match=r"unknown step 'saqq'.*did you mean 'saq'"):
        decision(
            """
decision: TEST-6
title: Typos
adopted_on: 2021-06-01
effects:
  - {kind: extend_deadline, step: saqq, by: 6 months, reviews: {cluster: 1}}
"""
        )


def test_a_clock_past_the_calendar_is_refused_in_the_decision_not_at_the_next_sweep() -> None:
    # applied, 99,999 years stopped every later status and sweep on "year 102024 is out of
    # range"; refused where it is written, it changes nothing
    with pytest.raises(InputError) as exc:
        decision(
            """
decision: TEST-7
title: A slip of the keyboard
adopted_on: 2021-06-01
effects:
  - {kind: change_duration, step: written_feedback, duration: 99999 years, from: 2021-07-01}
"""
        )
    assert (
        "decision.yaml:6: effects[0].duration: '99999 years' is longer than the 100 years"
        in str(exc.value)
    )


@pytest.mark.parametrize(
    ("effect", "said"),
    [
        (
            "{kind: extend_deadline, step: saq, by: -6 months, reviews: {cluster: 1}}",
            "effects[0]: an extension moves a deadline later: `by: -6 months` is not",
        ),
        (
            "{kind: change_duration, step: written_feedback, duration: 0 days, from: 2021-07-01}",
            "effects[0]: a step's duration is a span of time: '0 days' is not",
        ),
    ],
)
def test_an_extension_that_would_shorten_a_deadline_is_refused_where_it_is_written(
    effect: str, said: str
) -> None:
    with pytest.raises(InputError) as exc:
        decision(
            f"""
decision: TEST-8
title: A sign typed by mistake
adopted_on: 2021-06-01
effects:
  - {effect}
"""
        )
    assert f"decision.yaml:6: {said}" in str(exc.value)


def test_the_bundled_example_decisions_are_valid() -> None:
    from untoc_workflow.mechanism.decisions import load_decisions

    folder = Path(__file__).resolve().parents[2] / "untoc_workflow" / "process_defs" / "decisions"
    found = load_decisions(folder, PROCESS)
    assert len(found) >= 4
    assert {type(e).__name__ for _, d in found for e in d.effects} == {
        "ExtendDeadline",
        "ChangeDuration",
        "SetThreshold",
        "WaiveStep",
    }


def test_a_standing_rule_reaches_steps_that_start_after_it_was_applied(
    mech: dict[str, Any],
) -> None:
    store = mech["store"]
    longer = decision(
        """
decision: TEST-7
title: Nine months for the feedback from 2021-06-01
adopted_on: 2021-06-01
effects:
  - {kind: change_duration, step: written_feedback, duration: 9 months, from: 2021-06-01}
"""
    )
    first = decide(store, longer, dry_run=False)
    assert [(m.review, m.step) for m in first.plan.moves] == [(mech["b"], "written_feedback")]
    # C submits its SAQ later: its feedback clock starts under the new rule.
    store.import_document(
        Located(
            {
                "format": "untoc-mechanism/1",
                "events": [{"on": "2021-08-02", "type": "saq_submitted", "review": mech["c"]}],
            },
            "<test>",
            {},
        )
    )
    (again,) = service.reapply_decisions(
        store, PROCESS, MECHANISM, as_of=date(2021, 9, 1), outbox=StoreNoticeOutbox(store)
    )
    assert [(m.review, m.step, m.old_due, m.new_due) for m in again.plan.moves] == [
        (mech["c"], "written_feedback", date(2022, 2, 2), date(2022, 5, 2))
    ]
    assert again.recorded == 1
    (third,) = service.reapply_decisions(
        store, PROCESS, MECHANISM, as_of=date(2021, 9, 1), outbox=StoreNoticeOutbox(store)
    )
    assert third.recorded == 0 and third.plan.moves == []


def test_the_sweep_lets_a_standing_rule_reach_a_step_that_started_later(
    mech: dict[str, Any], tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from untoc_workflow.notify import run_sweep
    from untoc_workflow.settings import load_settings

    store = mech["store"]
    longer = decision(
        """
decision: TEST-9
title: Nine months for the feedback from 2021-06-01
adopted_on: 2021-06-01
effects:
  - {kind: change_duration, step: written_feedback, duration: 9 months, from: 2021-06-01}
"""
    )
    decide(store, longer, dry_run=False)
    store.import_document(
        Located(
            {
                "format": "untoc-mechanism/1",
                "events": [{"on": "2021-08-02", "type": "saq_submitted", "review": mech["c"]}],
            },
            "<test>",
            {},
        )
    )
    settings = load_settings(env={"UNTOC_DATABASE_URL": "unused"}, cwd=tmp_path)
    run_sweep(store, date(2021, 9, 1), datetime(2021, 9, 1, 6, tzinfo=UTC), settings)
    state = mechanism_states(PROCESS, store.snapshot(), date(2021, 9, 1))[mech["c"]]
    deadline = state.step("written_feedback").deadline
    assert (deadline.due, deadline.source, deadline.decision) == (
        date(2022, 5, 2),
        "extended",
        "TEST-9",
    )


def test_an_extension_to_a_date_never_brings_a_deadline_forward(mech: dict[str, Any]) -> None:
    to_date = decision(
        """
decision: TEST-8
title: SAQ due on 2021-07-31 for group 1
adopted_on: 2021-06-15
effects:
  - {kind: extend_deadline, step: saq, to: 2021-07-31, reviews: {cluster: 1, group: 1}}
"""
    )
    plan = decide(mech["store"], to_date, dry_run=True).plan
    assert {(m.review, m.new_due) for m in plan.moves} == {
        (mech["c"], date(2021, 7, 31)),
        (mech["d"], date(2021, 7, 31)),
    }
    # A agreed 2021-08-01 at its consultation: later than the decision's date, so kept.
    assert [(k.review, k.due) for k in plan.kept] == [(mech["a"], date(2021, 8, 1))]
    with pytest.raises(InputError, match="exactly one of `by: <duration>` or `to: <date>`"):
        decision(
            """
decision: TEST-9
title: Both
adopted_on: 2021-06-15
effects:
  - {kind: extend_deadline, step: saq, to: 2021-07-31, by: 1 month, reviews: {cluster: 1}}
"""
        )


def test_running_an_interrupted_application_again_cancels_what_it_had_not(
    mech: dict[str, Any],
) -> None:
    store = mech["store"]
    plan = decide(store, EXTEND, dry_run=True).plan
    store.append(plan.events)  # the events were recorded, then the process stopped
    assert statuses(store)[mech["notices"]["pending_c"]] == "pending"
    again = decide(store, EXTEND, dry_run=False)
    assert again.recorded == 0 and again.plan.moves == []
    assert {c.notice.id for c in again.plan.cancellations} == {
        mech["notices"]["pending_c"],
        mech["notices"]["failed_c"],
    }
    assert statuses(store)[mech["notices"]["pending_c"]] == "cancelled"
    assert again.decision_recorded
