"""SQLite and PostgreSQL accept the same values: NUL, over-long ids and line breaks in
names are refused before the insert, located, on both; what fits is accepted by both, so
an export from one imports into the other."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from untoc_workflow.core.model import Event
from untoc_workflow.errors import InputError
from untoc_workflow.mechanism_file.convert import data_to_json
from untoc_workflow.store import open_store
from untoc_workflow.store.limits import event_fits, event_problems
from untoc_workflow.yamlsource import load_file

GOLDEN = Path(__file__).parent / "data" / "golden.yaml"


def _golden() -> dict:
    return load_file(GOLDEN).data


def _rename_review(doc: dict, old: str, new: str) -> None:
    for r in doc["reviews"]:
        if r["id"] == old:
            r["id"] = new
    for e in doc["events"]:
        if e.get("review") == old:
            e["review"] = new


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")  # \u escapes, as JSON allows
    return path


def _refused(store, tmp_path, doc) -> list[str]:
    with pytest.raises(InputError) as err:
        store.import_file(_write(tmp_path, doc))
    snap = store.snapshot()
    assert (len(snap.parties), len(snap.reviews), len(snap.events)) == (0, 0, 0)
    return [f"{p.path}: {p.message}" for p in err.value.problems]


def test_a_review_id_over_64_characters_is_refused_on_both(store, tmp_path):
    doc = _golden()
    _rename_review(doc, "C1-G1-NGA", "C1-G1-NGA-" + "x" * 55)
    problems = _refused(store, tmp_path, doc)
    assert "reviews[0].id: review id is 65 characters long; at most 64 are allowed" in problems


def test_an_event_id_over_128_characters_is_refused_on_both(store, tmp_path):
    doc = _golden()
    doc["events"][2]["id"] = "e" * 129
    problems = _refused(store, tmp_path, doc)
    assert "events[2].id: event id is 129 characters long; at most 128 are allowed" in problems


def test_nul_in_a_party_name_a_note_or_a_person_is_refused_on_both(store, tmp_path):
    doc = _golden()
    doc["parties"][0]["name"] = "Nige\u0000ria"
    doc["events"][1]["note"] = "received\u0000"
    person = next(e for e in doc["events"] if e["type"] == "focal_point_nominated")
    person["person"]["name"] = "A.\u0000Bello"
    at = doc["events"].index(person)
    problems = _refused(store, tmp_path, doc)
    nul = "contains a NUL character (\\u0000), which PostgreSQL cannot store"
    assert f"parties[0].name: {nul}" in problems
    assert f"events[1].note: {nul}" in problems
    assert f"events[{at}].person.name: {nul}" in problems


def test_a_line_break_in_an_id_or_an_address_is_refused_but_not_in_a_name(store, tmp_path):
    doc = _golden()
    doc["parties"][1]["name"] = "Gha\r\nna"  # shown on one line wherever it is printed
    doc["events"][2]["id"] = "ev\n2"
    problems = _refused(store, tmp_path, doc)
    assert any(
        p.startswith("events[2].id: event id contains the control character '\\n'")
        for p in problems
    )
    assert not any(p.startswith("parties[1]") for p in problems)

    doc = _golden()
    doc["parties"][0]["mission"]["email"] = "mission.nga@example.org\r\nBcc: x@evil.example"
    problems = _refused(store, tmp_path, doc)
    # refused at its place, by the email check that runs before the length limits
    assert any(
        p.startswith("parties[0].mission.email: ") and "is not an email address" in p
        for p in problems
    )


def test_an_appended_event_with_an_id_too_long_is_refused_on_both(store):
    store.import_file(GOLDEN)
    before = store.snapshot()
    fact = Event(date(2021, 6, 1), "saq_submitted", 0, "C1-G1-NGA", None, {}, "i" * 200, None)
    with pytest.raises(InputError, match="events\\[0\\].id: event id is 200 characters long"):
        store.append([fact])
    assert store.snapshot() == before


@pytest.mark.postgres
def test_an_export_from_sqlite_at_every_limit_imports_into_postgresql(tmp_path, pg_url):
    doc = _golden()
    _rename_review(doc, "C1-G1-NGA", "C1-G1-NGA-" + "x" * 54)  # exactly 64
    doc["events"][2]["id"] = "e" * 128
    doc["events"][1]["note"] = "multi-line notes\nare kept"
    doc["parties"][0]["name"] = "Nigéria [v2] =1+1"
    with open_store(f"sqlite:///{tmp_path / 'untoc.db'}") as sqlite:
        sqlite.import_file(_write(tmp_path, doc))
        exported = sqlite.export_file(tmp_path / "export.json")
        before = sqlite.snapshot()
    with open_store(pg_url) as pg:
        pg.import_file(exported)
        after = pg.snapshot()
    assert after.parties == before.parties and after.reviews == before.reviews
    assert [(e.id, e.on, e.data, e.note) for e in after.events] == [
        (e.id, e.on, e.data, e.note) for e in before.events
    ]


def test_half_a_utf16_pair_is_refused_located_on_both(store, tmp_path):
    # JSON may write "\ud800" alone; neither database can store it (was: UnicodeEncodeError)
    doc = _golden()
    doc["events"][1]["note"] = "received \ud800"
    problems = _refused(store, tmp_path, doc)
    assert any(
        p.startswith("events[1].note: contains \\ud800, half of a UTF-16 pair") for p in problems
    ), problems


_TEXTS = st.one_of(
    st.none(),
    st.sampled_from(["plain", "é accent", "日本", "a\\b", 'say "hi"', "nul\x00", "tab\there"]),
    st.sampled_from(["\ud800", "é\udfff", "x\udbff"]),  # half a UTF-16 pair, alone
    st.text(alphabet=st.characters(categories=["L", "N", "P", "Z", "C", "Cs"]), max_size=6),
)


@given(given_id=_TEXTS, note=_TEXTS, value=_TEXTS)
@settings(max_examples=300, deadline=None)
def test_the_quick_limits_test_passes_only_what_the_full_check_accepts(given_id, note, value):
    # event_fits is what a million events pay (ASCII texts skip the search for a UTF-16
    # half): whatever it passes, the full check must find nothing wrong with (what it does
    # not pass, the full check looks at: it may pass that too)
    data = {"basis": value}
    data_json = data_to_json(data)
    event = Event(date(2021, 1, 2), "step_waived", data=data, id=given_id, note=note)
    problems = list(event_problems(event, given_id, data_json))
    assert not (event_fits(given_id, note, data_json) and problems), problems
