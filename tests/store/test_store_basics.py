"""The store's promises: a round trip through export, idempotent import, all or nothing."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.core import focal_points, mechanism_states
from untoc_workflow.core.model import Event, Snapshot
from untoc_workflow.definitions import load_definitions
from untoc_workflow.errors import InputError
from untoc_workflow.mechanism_file import parse_document
from untoc_workflow.store import open_store
from untoc_workflow.yamlsource import load_file

GOLDEN = Path(__file__).parent / "data" / "golden.yaml"


def _unseq(snapshot: Snapshot) -> tuple:
    """A snapshot without store-assigned sequence numbers (their order is kept)."""
    return (
        dict(snapshot.parties),
        dict(snapshot.reviews),
        [dataclasses.replace(e, seq=0) for e in snapshot.events],
    )


def test_golden_file_imports_every_party_review_and_event(store):
    result = store.import_file(GOLDEN)
    assert result.added == {"parties": 6, "reviews": 4, "events": 23}
    assert result.skipped == {"parties": 0, "reviews": 0, "events": 0}
    snap = store.snapshot()
    assert set(snap.parties) == {"NGA", "GHA", "DEU", "NOR", "EU", "FRA"}
    assert snap.parties["NOR"].mission is None
    assert snap.parties["NGA"].instruments["FIREARMS"] == date(2006, 3, 3)
    review = snap.reviews["C1-G2-FRA"]
    assert (review.process, review.process_version) == ("country_review", 1)
    assert [a.party for a in snap.reviews["C1-G1-NGA"].reviewers] == ["GHA", "DEU"]
    ordered = [(e.on, e.seq) for e in snap.events]
    assert ordered == sorted(ordered)


def test_snapshot_holds_the_same_values_the_file_parses_to(store):
    parsed = parse_document(load_file(GOLDEN))
    store.import_file(GOLDEN)
    snap = store.snapshot()
    assert {p.code: p for p in parsed.parties} == dict(snap.parties)
    assert {r.id: r for r in parsed.reviews} == dict(snap.reviews)
    # same facts, same data conventions; the stored ones all have ids
    by_file = sorted(parsed.events, key=lambda e: (e.on, e.seq))
    assert [dataclasses.replace(e, seq=0, id=None) for e in by_file] == [
        dataclasses.replace(e, seq=0, id=None) for e in snap.events
    ]


def test_event_data_follows_the_core_conventions(store):
    store.import_file(GOLDEN)
    events = store.snapshot().events
    consultation = next(e for e in events if e.type == "preliminary_consultation_held")
    assert consultation.data == {
        "languages": ["en"],
        "agreed": {"saq": date(2021, 5, 31), "written_feedback": date(2021, 11, 30)},
    }
    change = next(e for e in events if e.id == "fp-change-nga")
    assert change.party == "NGA"
    assert change.data["replaces"] == "a.bello@example.org"
    assert change.data["person"] == {
        "name": "B. Okafor",
        "email": "b.okafor@example.org",
        "gender": None,
        "ministry": None,
        "language": None,
    }
    extended = [e for e in events if e.type == "deadline_extended"]
    assert extended[0].data == {
        "step": "saq",
        "due": date(2021, 9, 30),
        "basis": "agreed with the reviewing parties",
    }
    assert extended[1].data["decision"] == "CTOC/COP/2022/11/2"
    redraw = next(e for e in events if e.type == "reviewer_replaced")
    assert (redraw.party, redraw.data) == ("FRA", {"by": "DEU", "requested_by": "FRA"})
    feedback = [e.party for e in events if e.type == "written_feedback_submitted"]
    assert feedback == ["GHA", "DEU", None]
    experts = [e.data for e in events if e.type == "experts_nominated"]
    assert experts == [{"count": 3, "women": 2}, {"count": 3, "women": 2}]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_export_reimported_into_an_empty_store_gives_the_same_snapshot(
    store, store_url, tmp_path, suffix
):
    store.import_file(GOLDEN)
    exported = store.export_file(tmp_path / f"export{suffix}")
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        result = other.import_file(exported)
        assert result.added == {"parties": 6, "reviews": 4, "events": 23}
        assert _unseq(other.snapshot()) == _unseq(store.snapshot())
        assert other.export() == store.export()
        # and importing the export into the original store adds nothing
        assert store.import_file(exported).added == {"parties": 0, "reviews": 0, "events": 0}
    finally:
        other.close()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(store):
    store.import_file(GOLDEN)
    before = store.snapshot()
    again = store.import_file(GOLDEN)
    assert again.added == {"parties": 0, "reviews": 0, "events": 0}
    assert again.skipped == {"parties": 6, "reviews": 4, "events": 23}
    assert store.snapshot() == before


def test_two_identical_facts_in_one_file_are_both_kept(store):
    # NGA nominated 3 experts twice on the same day: counts add up, so both must stay
    store.import_file(GOLDEN)
    experts = [e for e in store.snapshot().events if e.type == "experts_nominated"]
    assert len(experts) == 2
    assert experts[0].id != experts[1].id


def test_snapshot_as_of_keeps_only_events_on_or_before_the_date(store):
    store.import_file(GOLDEN)
    snap = store.snapshot(as_of=date(2021, 1, 15))
    assert snap.events and all(e.on <= date(2021, 1, 15) for e in snap.events)
    assert snap.events[-1].type == "preliminary_consultation_held"
    assert len(snap.reviews) == 4
    assert store.snapshot(as_of=date(2000, 1, 1)).events == ()


def test_a_file_with_one_bad_event_adds_nothing(store, tmp_path):
    text = GOLDEN.read_text(encoding="utf-8").replace(
        "type: summary_published, review: C1-G1-NGA", "type: summary_published, review: C1-G1-NGX"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        store.import_file(bad)
    assert "events[21].review" in str(err.value)
    assert "unknown review 'C1-G1-NGX'" in str(err.value)
    snap = store.snapshot()
    assert (len(snap.parties), len(snap.reviews), len(snap.events)) == (0, 0, 0)


def test_a_party_that_differs_from_the_stored_one_is_named(store, tmp_path):
    store.import_file(GOLDEN)
    text = GOLDEN.read_text(encoding="utf-8").replace("name: Ghana", "name: Republic of Ghana")
    changed = tmp_path / "changed.yaml"
    changed.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        store.import_file(changed)
    message = str(err.value)
    assert "party GHA differs from the stored one" in message
    assert "'Republic of Ghana' here, 'Ghana' in the store" in message
    assert f"{changed}:11" in message  # the line of that party in the file


def test_append_records_new_events_and_skips_known_ids(store):
    store.import_file(GOLDEN)
    fact = Event(on=date(2022, 1, 10), type="saq_submitted", review="C1-G2-FRA", id="saq-fra")
    assert store.append([fact]) == [True]
    assert store.append([fact]) == [False]
    stored = [e for e in store.snapshot().events if e.id == "saq-fra"]
    assert len(stored) == 1 and stored[0].review == "C1-G2-FRA"


def test_append_without_id_is_idempotent_by_content(store):
    store.import_file(GOLDEN)
    fact = Event(
        on=date(2022, 1, 10), type="experts_nominated", party="FRA", data={"count": 2, "women": 1}
    )
    assert store.append([fact]) == [True]
    assert store.append([fact]) == [False]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (Event(on=date(2022, 1, 1), type="saq_submitted", review="C9-G9-XXX"), "unknown review"),
        (
            Event(on=date(2022, 1, 1), type="experts_nominated", party="ITA", data={"count": 1}),
            "unknown party 'ITA'",
        ),
    ],
)
def test_append_refuses_unknown_references_and_records_nothing(store, event, message):
    store.import_file(GOLDEN)
    ok = Event(on=date(2022, 1, 1), type="saq_submitted", review="C1-G2-FRA")
    before = len(store.snapshot().events)
    with pytest.raises(InputError, match=message):
        store.append([ok, event])
    assert len(store.snapshot().events) == before


def test_session_sees_the_tables(store):
    from sqlmodel import select

    from untoc_workflow.store.tables import PartyRow

    store.import_file(GOLDEN)
    with store.session() as s:
        codes = sorted(p.code for p in s.exec(select(PartyRow)))
    assert codes == ["DEU", "EU", "FRA", "GHA", "NGA", "NOR"]


def test_append_refuses_an_event_whose_data_lacks_a_field(store):
    store.import_file(GOLDEN)
    broken = Event(
        on=date(2022, 1, 1),
        type="deadline_extended",
        review="C1-G2-FRA",
        data={"step": "saq", "basis": "agreed"},
    )
    with pytest.raises(InputError, match="'due'"):
        store.append([broken])


def test_append_checks_shapes_as_the_file_does(store):
    store.import_file(GOLDEN)
    wrong_step = Event(
        on=date(2022, 1, 1),
        type="deadline_extended",
        review="C1-G2-FRA",
        data={"step": "sqa", "due": date(2022, 6, 1), "basis": "agreed"},
    )
    with pytest.raises(InputError) as err:
        store.append([wrong_step])
    assert err.value.problems[0].path == "events[0].step"
    assert "did you mean 'saq'?" in str(err.value)


def test_snapshot_sees_events_appended_after_it_was_cached(store):
    store.import_file(GOLDEN)
    first = store.snapshot()
    late = Event(
        on=date(2020, 12, 15),
        type="experts_nominated",
        party="GHA",
        data={"count": 1, "women": 1},
        id="late-experts",
    )
    assert store.append([late]) == [True]
    second = store.snapshot()
    assert len(second.events) == len(first.events) + 1
    ordered = [(e.on, e.seq) for e in second.events]
    assert ordered == sorted(ordered)
    assert any(e.id == "late-experts" for e in second.events)
    assert store.snapshot(as_of=date(2020, 12, 15)).events[-1].id == "late-experts"


def test_a_second_store_on_the_same_database_sees_the_first_ones_writes(store, store_url):
    store.import_file(GOLDEN)
    other = open_store(store_url)
    try:
        assert len(other.snapshot().events) == 23
        other.append([Event(on=date(2023, 1, 1), type="saq_submitted", review="C1-G2-FRA")])
        assert len(store.snapshot().events) == 24
    finally:
        other.close()


def test_append_knows_who_joined_a_review_by_a_redraw(store):
    store.import_file(GOLDEN)  # in C1-G1-NOR, DEU replaced FRA
    joined = Event(
        on=date(2022, 2, 1), type="written_feedback_submitted", review="C1-G1-NOR", party="DEU"
    )
    assert store.append([joined]) == [True]
    outsider = Event(
        on=date(2022, 2, 1), type="written_feedback_submitted", review="C1-G1-NOR", party="NGA"
    )
    with pytest.raises(InputError, match="NGA is not a reviewer of C1-G1-NOR"):
        store.append([outsider])


def test_append_knows_the_focal_points_already_stored(store):
    store.import_file(GOLDEN)
    withdraw = Event(
        on=date(2022, 2, 1),
        type="focal_point_withdrawn",
        party="NGA",
        data={"email": "b.okafor@example.org"},
    )
    assert store.append([withdraw]) == [True]
    stranger = Event(
        on=date(2022, 2, 1),
        type="focal_point_withdrawn",
        party="NGA",
        data={"email": "nobody@example.org"},
    )
    with pytest.raises(InputError, match="never nominated as a focal point of NGA"):
        store.append([stranger])


def test_two_writers_importing_the_same_file_at_once_store_it_once(store, store_url):
    import threading

    results, errors = [], []

    def import_it():
        s = open_store(store_url)
        try:
            results.append(s.import_file(GOLDEN))
        except Exception as exc:  # the test reports it below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=import_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.events_added for r in results) == [0, 0, 23]
    assert len(store.snapshot().events) == 23


def test_a_sqlite_store_in_a_new_folder_is_created(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'new' / 'folder' / 'untoc.db'}")
    try:
        assert s.snapshot().events == ()
    finally:
        s.close()


def test_snapshot_after_many_late_facts_is_still_in_date_order(store):
    store.import_file(GOLDEN)
    store.snapshot()  # cached
    late = [
        Event(
            on=date(2020, 12, 1 + i % 28),
            type="experts_nominated",
            party="FRA",
            data={"count": 1 + i},
            id=f"late-{i}",
        )
        for i in range(1200)
    ]
    store.append(late[:3])
    store.append(late[3:])
    snap = store.snapshot()
    assert len(snap.events) == 23 + 1200
    ordered = [(e.on, e.seq) for e in snap.events]
    assert ordered == sorted(ordered)


def test_an_in_memory_store_is_one_database_for_every_thread():
    import threading

    s = open_store("sqlite://")
    try:
        s.import_file(GOLDEN)
        seen = []
        t = threading.Thread(target=lambda: seen.append(len(s.snapshot().events)))
        t.start()
        t.join()
        assert seen == [23]
    finally:
        s.close()


def test_a_warm_store_makes_each_partys_history_once_and_no_fold_makes_another(store, monkeypatch):
    """The focal-point histories belong to the warm store's one read of the log, with its
    index: its folds on any date, the first as the next, make none of their own."""
    made: list[int] = []
    real = focal_points.PartyHistory.__init__

    def counted(self, changes, days):
        made.append(len(changes))
        real(self, changes, days)

    monkeypatch.setattr(focal_points.PartyHistory, "__init__", counted)
    store.import_file(GOLDEN)
    definitions = load_definitions()
    store.snapshot(date(2030, 1, 1))  # a command's one read: no history made for it
    assert made == []
    snap = store.snapshot(date(2030, 1, 1))  # asked again: the store keeps the log warm
    parties_with_changes = {
        e.party for e in snap.events if e.type in focal_points.FOCAL_POINT_CHANGES
    }
    assert parties_with_changes and len(made) == len(parties_with_changes)
    before = list(made)
    for day in (date(2030, 1, 1), date(2022, 6, 30), date(2021, 1, 1)):
        states = mechanism_states(definitions, store.snapshot(day), day)
        assert states
    assert made == before
