"""The projections: folding every review from them gives what folding the whole log gives,
on the day of the last fact and after it, whatever wrote the log (import, record, a
Conference decision, a migration, an import killed half-way); a rebuild from the log makes
the same rows the appends kept; a past date still folds from the log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parents[1] / "mechanism"))
sys.path.insert(0, str(Path(__file__).parents[2]))
from mechanism_support import mechanism, process, small_document  # noqa: E402

from bench.generate import generate, write  # noqa: E402
from untoc_workflow.core import focal_points_on, mechanism_states  # noqa: E402
from untoc_workflow.core.migration import migration_event  # noqa: E402
from untoc_workflow.core.model import Event  # noqa: E402
from untoc_workflow.definitions import load_definitions  # noqa: E402
from untoc_workflow.mechanism_file.convert import event_to_dict  # noqa: E402
from untoc_workflow.reports import status_report  # noqa: E402
from untoc_workflow.reports.exports import csv_text  # noqa: E402
from untoc_workflow.reports.status import added_up_facts  # noqa: E402
from untoc_workflow.sample import SAMPLE_FILE  # noqa: E402
from untoc_workflow.store import open_store, projection  # noqa: E402
from untoc_workflow.yamlsource import Located  # noqa: E402

CATALOG = load_definitions()


def projection_rows(store: Any) -> dict[tuple[str, str], tuple[int, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, owner, last_seq, events FROM projection"))
        return {(k, o): (s, e) for k, o, s, e in rows}


def assert_projection_folds_as_the_log(store: Any, definitions: Any = CATALOG) -> int:
    """On the last fact's day and a year later, the fold of the projection equals the fold
    of the log for every review; the rows equal a rebuild's. Returns the reviews compared."""
    assert store.projections_fresh()
    log = store.snapshot()
    assert log.events, "an empty log proves nothing"
    last = max(e.on for e in log.events)
    for day in (last, last + timedelta(days=365)):
        projected = store.fold_snapshot(day)
        # the projection was used, not the log: fewer events, no index of the whole log
        assert projected.index is None
        assert len(projected.events) <= len(log.events)
        expected = mechanism_states(definitions, store.snapshot(day), day)
        assert expected, "no review to compare"
        assert mechanism_states(definitions, projected, day) == expected
    kept = projection_rows(store)
    store.rebuild_projections()
    assert projection_rows(store) == kept
    return len(log.reviews)


def test_the_sample_folds_the_same_from_its_projection(store: Any) -> None:
    store.import_file(SAMPLE_FILE)
    assert assert_projection_folds_as_the_log(store) > 10


def test_a_generated_mechanism_folds_the_same_and_the_projection_is_smaller(
    store: Any, tmp_path: Path
) -> None:
    path = tmp_path / "generated.json"
    write(generate(reviews=150, events=6_000, parties=40), path)
    store.import_file(path)
    assert assert_projection_folds_as_the_log(store) == 150
    last = max(e.on for e in store.snapshot().events)
    assert len(store.fold_snapshot(last).events) < 0.7 * len(store.snapshot().events)
    # appending again in small pieces keeps it equal (each append merges into the rows)
    rid = sorted(store.snapshot().reviews)[3]
    flags = store.append(
        [
            Event(
                last,
                "deadline_extended",
                review=rid,
                data={"step": "saq", "due": last, "basis": "agreed"},
            ),
            Event(last + timedelta(days=2), "saq_submitted", review=rid),
        ]
    )
    assert flags == [True, True]
    assert assert_projection_folds_as_the_log(store) == 150


def assert_reports_from_the_projection_as_from_the_log(store: Any) -> None:
    """`untoc report` and `export-csv` of today read the projection: on the last fact's day
    and a year later, their figures and rows equal those made from the whole log."""
    log = store.snapshot()
    assert log.events, "an empty log proves nothing"
    last = max(e.on for e in log.events)
    for day in (last, last + timedelta(days=365)):
        projected = store.fold_snapshot(day, added_up_facts(CATALOG))
        assert projected.index is None  # the projection, not the log
        full = store.snapshot(day)
        expected = status_report(CATALOG, full, day)
        assert expected["reviews"]["total"] == len(log.reviews)
        assert status_report(CATALOG, projected, day) == expected
        rows = csv_text(mechanism_states(CATALOG, full, day).values(), full, CATALOG)
        assert rows.count("\n") == len(log.reviews) + 1
        assert csv_text(mechanism_states(CATALOG, projected, day).values(), projected, CATALOG) == (
            rows
        )


def test_the_samples_report_and_csv_from_the_projection_equal_the_logs(store: Any) -> None:
    store.import_file(SAMPLE_FILE)
    assert_reports_from_the_projection_as_from_the_log(store)


def test_a_generated_mechanisms_report_counts_every_nomination_of_experts(
    store: Any, tmp_path: Path
) -> None:
    path = tmp_path / "generated.json"
    write(generate(reviews=150, events=6_000, parties=40), path)
    store.import_file(path)
    # two alike nominations of experts by one Party are two: the report adds them up
    log = store.snapshot()
    last = max(e.on for e in log.events)
    party = sorted(log.parties)[0]
    alike = {"count": 3, "women": 1}
    store.append([Event(last, "experts_nominated", party=party, data=alike, note="NV 1")])
    store.append([Event(last, "experts_nominated", party=party, data=alike, note="NV 2")])
    assert added_up_facts(CATALOG) == ("experts_nominated",)
    assert_reports_from_the_projection_as_from_the_log(store)
    # the fold's input alone keeps one of alike facts: the report reads them all from the log

    def named(snapshot: Any) -> list[int]:
        return [
            e.seq for e in snapshot.events if e.party == party and e.type == "experts_nominated"
        ]

    every = named(store.snapshot())
    assert named(store.fold_snapshot(last, added_up_facts(CATALOG))) == every
    assert len(named(store.fold_snapshot(last))) < len(every)
    assert_projection_folds_as_the_log(store)


def test_report_and_export_csv_of_today_do_not_read_the_log(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from untoc_workflow.cli import app
    from untoc_workflow.store.store import Store

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with open_store(store_url) as store:
        store.import_file(SAMPLE_FILE)
        log = store.snapshot()
    day = max(e.on for e in log.events) + timedelta(days=30)
    expected = json.loads(json.dumps(status_report(CATALOG, log, day)))
    rows = csv_text(mechanism_states(CATALOG, log, day).values(), log, CATALOG)

    def no_log(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read the whole log")

    monkeypatch.setattr(Store, "snapshot", no_log)
    runner = CliRunner()
    report = runner.invoke(app, ["report", "--as-of", day.isoformat()], catch_exceptions=False)
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout) == expected
    exported = runner.invoke(app, ["export-csv", "--as-of", day.isoformat()])
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == rows


def test_a_past_date_folds_from_the_log(store: Any) -> None:
    store.import_file(SAMPLE_FILE)
    first = min(e.on for e in store.snapshot().events)
    past = first + timedelta(days=200)
    snap = store.fold_snapshot(past)
    assert snap.index is not None  # the log's snapshot, cut at the date
    assert all(e.on <= past for e in snap.events) and snap.events


def test_record_decide_and_migrate_keep_the_projection(store: Any) -> None:
    from untoc_workflow.mechanism import service
    from untoc_workflow.mechanism.decisions import parse_decision
    from untoc_workflow.outbox.decisions import StoreNoticeOutbox
    from untoc_workflow.yamlsource import load_text

    definition = process()
    store.import_document(Located(small_document(), "small.json", {}))
    reviews = sorted(store.snapshot().reviews)
    # record: a consultation and an SAQ, one at a time, as `untoc record` does
    store.append(
        [
            Event(
                date(2021, 1, 10),
                "preliminary_consultation_held",
                review=reviews[0],
                data={"languages": ["en"], "agreed": {"saq": date(2021, 8, 1)}},
            )
        ]
    )
    store.append([Event(date(2021, 3, 1), "saq_submitted", review=reviews[1])])
    assert_projection_folds_as_the_log(store, definition)
    # a Conference decision moves deadlines (events appended by the service)
    decision = parse_decision(
        load_text(
            "decision: TEST-1\ntitle: Six more months\nadopted_on: 2021-06-15\n"
            "effects:\n  - kind: extend_deadline\n    step: saq\n    by: 6 months\n"
            "    reviews: {cluster: 1, group: 1}\n",
            "decision.yaml",
        ),
        definition,
    )
    applied = service.decide(
        store,
        decision,
        definition,
        mechanism(),
        as_of=date(2021, 7, 1),
        dry_run=False,
        outbox=StoreNoticeOutbox(store),
    )
    assert applied.recorded > 0
    assert_projection_folds_as_the_log(store, definition)
    # a migration (as `untoc process migrate` records it)
    catalog = CATALOG
    review = store.snapshot().reviews[reviews[2]]
    event = migration_event(
        review.id, review.process, review.process_version, date(2021, 9, 1), {}, "test"
    )
    doc = {"format": "untoc-mechanism/1", "events": [event_to_dict(event)]}
    assert store.import_document(Located(doc, "untoc migrate", {})).events_added == 1
    assert_projection_folds_as_the_log(store, catalog)


# The importing process says when its events are in the log and its transaction is still
# open (the projection's update comes next, in the same transaction), then waits to be
# killed there: a kill timed on the file's growth could land after the commit, the import
# being faster than the watch.
_CHILD = """
import sys, time
from untoc_workflow.store import open_store, projection
update = projection.update
def update_then_wait(*args, **kwargs):
    print("appended", flush=True)
    time.sleep(120)
    return update(*args, **kwargs)
projection.update = update_then_wait
store = open_store(sys.argv[1])
print("importing", flush=True)
store.import_file(sys.argv[2])
print("done", flush=True)
"""


@pytest.mark.slow
def test_an_import_killed_half_way_leaves_log_and_projection_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    doc = generate(reviews=300, events=60_000, parties=40)
    path = tmp_path / "big.json"
    write(doc, path)
    # the store holds the file's first thousand events; the import adds the rest
    with open_store(url) as store:
        store.import_document(Located({**doc, "events": doc["events"][:1000]}, "head", {}))
        before = store.snapshot()
        kept = projection_rows(store)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "importing"
    # killed with the file's events appended, its transaction open
    assert child.stdout.readline().strip() == "appended"
    os.kill(child.pid, signal.SIGKILL)
    rest = child.stdout.read()
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert "done" not in rest, "the import finished before the kill: nothing was tested"
    with open_store(url) as store:
        assert store.projections_fresh()
        assert len(store.snapshot().events) == len(before.events)
        assert projection_rows(store) == kept
        assert_projection_folds_as_the_log(store)
        # and the next import goes through, the projection following it
        store.import_file(path)
        assert len(store.snapshot().events) == 60_000
        assert assert_projection_folds_as_the_log(store) == 300


def test_the_rebuild_command_refills_a_projection_left_behind(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from untoc_workflow.cli import app

    with open_store(sqlite_url) as store:
        store.import_file(SAMPLE_FILE)
        kept = projection_rows(store)
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM projection"))
            conn.execute(text("DELETE FROM projection_mark"))
        assert not store.projections_fresh()
        day = max(e.on for e in store.snapshot().events)
        assert store.fold_snapshot(day).index is not None  # behind: the log is folded
    monkeypatch.setenv("UNTOC_DATABASE_URL", sqlite_url)
    result = CliRunner().invoke(app, ["projections", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rows" in result.output
    with open_store(sqlite_url) as store:
        assert store.projections_fresh()
        assert projection_rows(store) == kept
        json.dumps(list(kept))  # plain values


def test_a_first_snapshot_of_a_past_date_reads_up_to_the_date_and_folds_the_same(
    store_url: str,
) -> None:
    with open_store(store_url) as store:
        store.import_file(SAMPLE_FILE)
        whole = store.snapshot()
    past = min(e.on for e in whole.events) + timedelta(days=400)
    cut = tuple(e for e in whole.events if e.on <= past)
    assert 0 < len(cut) < len(whole.events)
    with open_store(store_url) as fresh:  # nothing cached: the command's first read
        snap = fresh.snapshot(past)
        assert snap.events == cut
        assert mechanism_states(CATALOG, snap, past) == mechanism_states(CATALOG, whole, past)


def test_a_store_made_before_projections_gets_them_when_opened(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store:
        store.import_file(SAMPLE_FILE)
        kept = projection_rows(store)
        # the store as migration 0009 left it: no projection tables (nor fingerprints, 0011,
        # nor the outbox's sender name, 0012)
        with store.engine.begin() as conn:
            conn.execute(text("ALTER TABLE outbox DROP COLUMN sender_name"))
            for table in (
                "projection",
                "projection_mark",
                "imported_file",
                "definition_fingerprint",
            ):
                conn.execute(text(f"DROP TABLE {table}"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0009_note_numbers'"))
    with open_store(sqlite_url) as store:
        assert store.projections_fresh()
        assert projection_rows(store) == kept
        assert_projection_folds_as_the_log(store)


# -- a Party's focal-point changes, rolled up ----------------------------------------------

_EMAILS = ("a@x.org", "b@x.org", "c@x.org")


@st.composite
def _focal_changes(draw: Any, party: str) -> list[projection.Row]:
    """A Party's focal-point changes on a few days: nominations (some replacing someone,
    present or not), withdrawals (of someone present or not), several on a day."""
    rows: list[projection.Row] = []
    for _ in range(draw(st.integers(1, 14))):
        day = date(2021, 1, 1) + timedelta(days=draw(st.integers(0, 6)))
        email = draw(st.sampled_from(_EMAILS))
        if draw(st.booleans()):
            data: dict[str, Any] = {"person": {"name": f"{email} {len(rows)}", "email": email}}
            if draw(st.booleans()):
                data["replaces"] = draw(st.sampled_from(_EMAILS))
            kind = "focal_point_nominated"
        else:
            data, kind = {"email": email}, "focal_point_withdrawn"
        rows.append((day.isoformat(), 0, kind, None, party, json.dumps(data), None, None))
    rows.sort(key=lambda r: r[0])
    # seqs in arrival order, not date order: an arrival may come with an earlier date
    order = draw(st.permutations(range(len(rows))))
    return [(r[0], order[i] * 2 + (party == "B"), *r[2:]) for i, r in enumerate(rows)]


def _roll(rows: list[projection.Row], as_of: date) -> tuple[Any, ...]:
    """Everything the core's roll answers on `as_of`, for Parties A and B."""
    events = [
        Event(date.fromisoformat(on), kind, seq, None, party, json.loads(data), id_, note)
        for on, seq, kind, _review, party, data, id_, note in rows
    ]
    roll = focal_points_on(events, as_of)
    return (
        {p: roll.persons(p) for p in "AB"},
        roll.parties_with,
        roll.parties_changed,
        roll.all_persons(),
        roll.first_all_named(["A"]),
        roll.first_all_named(["A", "B"]),
    )


@given(a=_focal_changes("A"), b=_focal_changes("B"), later=st.integers(0, 400))
@settings(max_examples=400, deadline=None)
def test_rolled_up_focal_point_changes_answer_as_every_change(
    a: list[projection.Row], b: list[projection.Row], later: int
) -> None:
    last = max(date.fromisoformat(r[0]) for r in [*a, *b])
    day = last + timedelta(days=later)
    rolled = [*projection.compact(a), *projection.compact(b)]
    assert _roll(rolled, day) == _roll([*a, *b], day)
    # rolled again, or with later changes appended, the same rows as from every change
    assert projection.compact(projection.compact(a)) == projection.compact(a)
    later_b = [(r[0], r[1] + 100, *r[2:]) for r in b if r[0] >= max(x[0] for x in a)]
    ahead = [(r[0], r[1], r[2], None, "A", *r[5:]) for r in later_b]
    assert projection.compact([*projection.compact(a), *ahead]) == projection.compact([*a, *ahead])


def test_a_focal_point_change_dated_before_a_partys_last_event_refolds_its_history(
    store: Any,
) -> None:
    store.import_file(SAMPLE_FILE)
    log = store.snapshot()
    last = max(e.on for e in log.events)
    party = next(
        e.party for e in reversed(log.events) if e.type == "focal_point_nominated" and e.party
    )
    mine = [e for e in log.events if e.party == party and e.review is None]
    first_day = min(e.on for e in mine)
    person = {"name": "Ana Late", "email": "ana.late@example.org", "language": "en"}
    assert store.append(
        [Event(last, "experts_nominated", party=party, data={"count": 1, "women": 1})]
    ) == [True]
    # a withdrawal of everyone in office, recorded late but dated the Party's first day
    in_office = [p for p in focal_points_on(mine, last).persons(party)]
    assert in_office, "the Party has a focal point to withdraw"
    store.append(
        [
            Event(first_day, "focal_point_withdrawn", party=party, data={"email": p.email})
            for p in in_office
        ]
    )
    store.append([Event(last, "focal_point_nominated", party=party, data={"person": person})])
    assert_projection_folds_as_the_log(store)
