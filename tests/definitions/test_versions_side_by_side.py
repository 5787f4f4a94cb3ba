"""Versions side by side: a new version never changes a past state; a dated migration does,
from its date on, and its dry run says so first."""

from __future__ import annotations

from datetime import date

import pytest

from untoc_workflow.core import Review, ReviewerAssignment, Snapshot, mechanism_states
from untoc_workflow.core.migration import migration_event, plan_migration
from untoc_workflow.definitions import load_definitions, load_process
from untoc_workflow.reports import status_report

PAPER_DATE = date(2024, 4, 16)


def _golden():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
    from test_golden_histories import FILES, load_golden  # noqa: E402

    return [load_golden(path) for path in FILES]


def test_every_version_of_the_folder_is_loaded(defs_with_v2):
    catalog = load_definitions(defs_with_v2)
    assert [d.ref for d in catalog] == [
        "country_review@1",
        "country_review@2",
        "uncac_country_review@1",
    ]
    assert str(catalog.get("country_review", 2).step("saq").clock) == "9 months"
    assert str(catalog.get("country_review", 1).step("saq").clock) == "6 months"


def test_the_same_version_twice_is_refused_where_it_is_written(defs_with_v2):
    from untoc_workflow.errors import InputError

    copy = (defs_with_v2 / "country_review_v2.yaml").read_text(encoding="utf-8")
    (defs_with_v2 / "again.yaml").write_text(copy, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_definitions(defs_with_v2)
    message = caught.value.render()
    assert "country_review@2 is defined twice" in message
    line = next(i for i, t in enumerate(copy.splitlines(), 1) if t.startswith("version:"))
    assert "again.yaml" in message and f"country_review_v2.yaml:{line}: version" in message


def test_a_v2_beside_v1_changes_no_state_of_the_golden_histories_on_any_date(defs_with_v2):
    catalog = load_definitions(defs_with_v2)
    v1 = load_process()
    assert all(expect for _, expect in _golden())
    for snapshot, expect in _golden():
        for e in expect:
            day = date.fromisoformat(str(e["as_of"]))
            assert mechanism_states(catalog, snapshot, day) == mechanism_states(v1, snapshot, day)


def test_a_v2_beside_v1_leaves_the_sample_report_of_2024_04_16_unchanged(
    defs_with_v2, process, sample
):
    catalog = load_definitions(defs_with_v2)
    assert status_report(catalog, sample, PAPER_DATE) == status_report(process, sample, PAPER_DATE)


def test_a_review_recording_v2_folds_with_v2(defs_with_v2):
    catalog = load_definitions(defs_with_v2)
    snap = _one_review(version=2)
    state = mechanism_states(catalog, snap, date(2021, 1, 15))["R1"]
    assert state.process_version == 2
    assert state.step("saq").deadline.due == date(2021, 9, 1)  # 9 months after the start


def _one_review(version: int = 1, events: tuple = ()) -> Snapshot:
    from untoc_workflow.core import Party

    parties = {
        code: Party(code, code, "WEOG", {"UNTOC": date(2003, 1, 1)})
        for code in ("AAA", "BBB", "CCC")
    }
    review = Review(
        "R1",
        1,
        1,
        "AAA",
        ("UNTOC",),
        (ReviewerAssignment("BBB", ("UNTOC",)), ReviewerAssignment("CCC", ("UNTOC",))),
        date(2020, 12, 1),
        process_version=version,
    )
    return Snapshot(parties, {"R1": review}, tuple(events))


def test_a_migration_gives_the_new_clock_from_its_date_and_leaves_the_days_before(defs_with_v2):
    catalog = load_definitions(defs_with_v2)
    v2 = catalog.get("country_review", 2)
    base = _one_review()
    on = date(2021, 3, 1)
    plans = plan_migration(catalog, base, v2, on)
    assert [(p.review, p.from_version, p.to_version) for p in plans] == [("R1", 1, 2)]
    (moved,) = plans[0].moved
    assert (moved.step, moved.before.due, moved.after.due) == (
        "saq",
        date(2021, 6, 1),
        date(2021, 9, 1),
    )
    migrated = Snapshot(
        base.parties,
        base.reviews,
        (migration_event("R1", "country_review", 2, on, plans[0].steps, "decision 12/3"),),
    )
    before = mechanism_states(catalog, migrated, date(2021, 2, 28))["R1"]
    after = mechanism_states(catalog, migrated, on)["R1"]
    assert before.step("saq").deadline.due == date(2021, 6, 1)
    assert before.process_version == 1
    assert after.step("saq").deadline.due == date(2021, 9, 1)
    assert after.process_version == 2
    # a migrated review has nothing left to migrate
    assert plan_migration(catalog, migrated, v2, date(2021, 4, 1)) == []


def test_a_review_naming_a_version_not_loaded_is_refused_at_its_place(tmp_path):
    from untoc_workflow.errors import InputError
    from untoc_workflow.mechanism_file.parse import parse_document
    from untoc_workflow.yamlsource import load_text

    text = (
        "format: untoc-mechanism/1\n"
        "parties:\n"
        "  - {code: AAA, name: A, regional_group: WEOG, instruments: {UNTOC: 2003-01-01}}\n"
        "  - {code: BBB, name: B, regional_group: WEOG, instruments: {UNTOC: 2003-01-01}}\n"
        "  - {code: CCC, name: C, regional_group: WEOG, instruments: {UNTOC: 2003-01-01}}\n"
        "reviews:\n"
        "  - id: R1\n"
        "    cluster: 1\n"
        "    group: 1\n"
        "    reviewed: AAA\n"
        "    instruments: [UNTOC]\n"
        "    reviewers: [{party: BBB, instruments: [UNTOC]}, {party: CCC, instruments: [UNTOC]}]\n"
        "    starts_on: 2020-12-01\n"
        "    process_version: 3\n"
    )
    with pytest.raises(InputError) as caught:
        parse_document(load_text(text, "m.yaml"))
    message = caught.value.render()
    assert (
        "m.yaml:14: reviews[0].process_version: no process definition country_review@3" in message
    )
    assert "loaded: country_review@1" in message
