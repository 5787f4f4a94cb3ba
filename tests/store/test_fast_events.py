"""The import's plain event check (mechanism_file/fast.py) agrees with the pydantic models:
an event it reads is one the model accepts, with the same date and the same data, and its
canonical JSON and content ids are the store's text, byte for byte."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from untoc_workflow.core.model import Event
from untoc_workflow.mechanism_file import data_to_json
from untoc_workflow.mechanism_file.convert import event_from_model
from untoc_workflow.mechanism_file.fast import canonical_json
from untoc_workflow.mechanism_file.parse import vocabulary_of
from untoc_workflow.store import open_store
from untoc_workflow.store.store import _CANONICAL, content_id
from untoc_workflow.yamlsource import load_file

GOLDEN = Path(__file__).parent / "data" / "golden.yaml"
VOCABULARY = vocabulary_of()


def _valid_value(kind: str, steps: tuple[str, ...]) -> Any:
    return {
        "text": "x",
        "email": "someone@example.org",
        "int": 5,
        "date": "2021-03-04",
        "party": "NOR",
        "languages": ["en", "fr"],
        "list": ["A. Person"],
        "agreed": {steps[0]: "2021-05-06"} if steps else {},
    }[kind]


def _declared_templates() -> list[dict[str, Any]]:
    """One valid event of every fact every loaded process declares, every field given."""
    out = []
    for definition in VOCABULARY.catalog:
        for name, fact in definition.facts.items():
            steps = tuple(definition.agreed_steps(name)) if fact.fields else ()
            raw: dict[str, Any] = {"on": "2021-01-02", "type": name}
            raw["review" if fact.scope == "review" else "party"] = (
                "R-1" if fact.scope == "review" else "NOR"
            )
            for field, spec in fact.fields.items():
                raw[field] = _valid_value(spec.type, steps)
            out.append(raw)
    return out


def _golden_templates() -> list[dict[str, Any]]:
    data = load_file(GOLDEN).data
    return [json.loads(json.dumps(e, default=str)) for e in data["events"]]


TEMPLATES = _golden_templates() + _declared_templates()


def by_model(raw: Any) -> tuple[date, dict[str, Any]] | None:
    """What the model makes of `raw`: its date and the core Event's data, or None."""
    model = VOCABULARY.models[raw["type"]]
    try:
        e = model.__pydantic_validator__.validate_python(raw)
    except ValidationError:
        return None
    event = event_from_model(e, vocabulary=VOCABULARY)
    return event.on, dict(event.data)


def by_reader(raw: Any) -> tuple[date, dict[str, Any]] | None:
    read = VOCABULARY.readers.get(VOCABULARY.models[raw["type"]])
    return read(raw) if read is not None else None


def test_every_template_is_valid_and_read_without_the_model() -> None:
    # the fast path is taken for the usual events (else this file tests nothing)
    assert len(TEMPLATES) > 20
    read = [raw for raw in TEMPLATES if raw["type"] != "process_migrated"]
    assert all(by_model(raw) is not None for raw in read)
    assert [by_reader(raw) for raw in read] == [by_model(raw) for raw in read]


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=10**19),
    st.sampled_from(
        [
            "",
            "x",
            "NOR",
            "NO",
            "EU",
            "nor",
            "NOR\n",
            "2021-02-03",
            "2021-02-30",
            "1800-01-01",
            "2021-2-3",
            "20210203",
            "٢٠٢١-٠٢-٠٣",
            "someone@example.org",
            "someone@localhost",
            "not an address",
            "en",
            "female",
            "saq",
            "visit",
        ]
    ),
    st.text(max_size=8),
    st.lists(st.sampled_from(["en", "fr", "xx", "", "A", 1]), max_size=5),
    st.dictionaries(
        st.sampled_from(["saq", "visit", "name", "email", "gender", "zzz"]),
        st.sampled_from(["2021-04-05", None, "x", "someone@example.org", 3]),
        max_size=4,
    ),
)
_KEYS = st.sampled_from(
    [
        "on",
        "type",
        "id",
        "note",
        "review",
        "party",
        "person",
        "step",
        "due",
        "basis",
        "decision",
        "by",
        "requested_by",
        "email",
        "replaces",
        "languages",
        "agreed",
        "count",
        "extra",
    ]
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    template=st.sampled_from(TEMPLATES),
    changes=st.lists(st.tuples(_KEYS, _VALUES, st.booleans()), max_size=3),
    inner=st.lists(st.tuples(st.sampled_from(list(range(8))), _VALUES), max_size=2),
)
def test_the_reader_accepts_only_what_the_model_accepts_and_reads_it_alike(
    template: dict[str, Any],
    changes: list[tuple[str, Any, bool]],
    inner: list[tuple[int, Any]],
) -> None:
    raw = json.loads(json.dumps(template))
    for key, value, drop in changes:
        if key == "type":
            continue  # the model is chosen by it
        if drop:
            raw.pop(key, None)
        else:
            raw[key] = value
    # change a value inside a nested mapping too (a person, an agreement)
    nested = [k for k, v in raw.items() if isinstance(v, dict)]
    for n, value in inner:
        if nested:
            inside = raw[nested[n % len(nested)]]
            keys = sorted(inside) or ["name"]
            inside[keys[n % len(keys)]] = value
    fast = by_reader(raw)
    # not sure is always allowed (the model then reads it); sure must be right
    assert fast is None or fast == by_model(raw)


_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)


@settings(max_examples=500, deadline=None)
@given(
    data=st.dictionaries(
        st.text(max_size=5),
        st.one_of(
            st.none(),
            _TEXT,
            st.integers(min_value=-(2**70), max_value=2**70),
            st.lists(_TEXT, max_size=3),
            st.dates(),
            st.dictionaries(st.text(max_size=3), st.one_of(st.dates(), _TEXT), max_size=3),
        ),
        max_size=5,
    )
)
def test_the_canonical_json_is_data_to_json_or_declines(data: dict[str, Any]) -> None:
    fast = canonical_json(data)
    assert fast is None or fast == data_to_json(data)


@settings(max_examples=500, deadline=None)
@given(
    kind=_TEXT,
    review=st.none() | _TEXT,
    party=st.none() | _TEXT,
    data_json=_TEXT,
    note=st.none() | _TEXT,
)
def test_the_content_id_is_the_hash_of_the_same_text(
    kind: str, review: str | None, party: str | None, data_json: str, note: str | None
) -> None:
    import hashlib

    fields = ["2021-01-02", kind, review, party, data_json, note]
    text = _CANONICAL.encode(fields).encode("utf-8", "surrogatepass")
    expected = "ev-" + hashlib.sha256(text).hexdigest()[:32]
    assert content_id("2021-01-02", kind, review, party, data_json, note) == expected


@pytest.mark.parametrize("bad", ["events[2].review", "events[2].due"])
def test_a_bad_event_among_good_ones_is_located_and_nothing_is_stored(
    tmp_path: Path, bad: str
) -> None:
    data = load_file(GOLDEN).data
    document = json.loads(json.dumps(data, default=str))
    extensions = [i for i, e in enumerate(document["events"]) if e["type"] == "deadline_extended"]
    assert extensions
    at = extensions[0]
    field = bad.rsplit(".", 1)[1]
    document["events"][at][field] = "R-nowhere" if field == "review" else "2021-02-30"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    from untoc_workflow.errors import InputError

    with pytest.raises(InputError) as caught:
        store.import_file(path)
    paths = [p.path for p in caught.value.problems]
    assert f"events[{at}].{field}" in paths
    snap = store.snapshot()
    assert (len(snap.events), len(snap.reviews), len(snap.parties)) == (0, 0, 0)
    store.close()


def test_imported_events_are_the_models_events(tmp_path: Path) -> None:
    """The whole sample through the import: the stored events are those the model path
    makes of the file (values, data, content ids)."""
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.import_file(GOLDEN)
    stored = sorted(store.snapshot().events, key=lambda e: e.seq)
    data = load_file(GOLDEN).data
    expected = []
    for i, raw in enumerate(data["events"]):
        model = VOCABULARY.models[raw["type"]]
        e = model.__pydantic_validator__.validate_python(raw)
        expected.append(event_from_model(e, seq=i + 1, vocabulary=VOCABULARY))
    assert len(stored) == len(expected)

    def values(e: Event) -> tuple[Any, ...]:
        return (e.on, e.type, e.review, e.party, data_to_json(e.data), e.note)

    assert [values(e) for e in stored] == [values(e) for e in expected]
    store.close()
