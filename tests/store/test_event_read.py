"""The log's read: events come out sorted by (on, seq) whatever order the rows arrive in,
each data text decodes to what `data_from_json` makes of it, and a snapshot holds the
events made the plain way (`Event(...)`), each an Event like any other."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parents[2]))
from bench.generate import generate, write  # noqa: E402
from untoc_workflow.core.model import Event  # noqa: E402
from untoc_workflow.mechanism_file import data_from_json  # noqa: E402
from untoc_workflow.store import open_store  # noqa: E402
from untoc_workflow.store.store import _data_of, _quick_data_of, _recheck  # noqa: E402


class _Rows:
    """A cursor handing rows over in batches, as the driver's does."""

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows
        self.closed = False

    def fetchmany(self, size: int) -> list[tuple]:
        batch, self.rows = self.rows[:size], self.rows[size:]
        return batch

    def close(self) -> None:
        self.closed = True


def _row(on: object, seq: int, data: str = "{}") -> tuple:
    return (on, "saq_submitted", seq, "C1-G1-NGA", None, data, f"ev-{seq}", None)


@pytest.mark.parametrize(
    "rows",
    [
        # seq order, days out of order: the usual arrival
        [
            _row("2024-01-02", 1),
            _row("2024-01-01", 2),
            _row("2024-01-02", 3),
            _row("2024-01-01", 4),
        ],
        # seqs out of order (a PostgreSQL sequence's late commit)
        [
            _row("2024-01-02", 5),
            _row("2024-01-01", 3),
            _row("2024-01-01", 2),
            _row("2024-01-02", 1),
        ],
        # one day read as text and as a date (PostgreSQL hands dates)
        [
            _row("2024-01-02", 4),
            _row(date(2024, 1, 2), 1),
            _row("2024-01-01", 3),
            _row("2024-01-02", 2),
        ],
    ],
)
def test_events_come_out_by_date_then_seq(sqlite_url: str, rows: list[tuple]) -> None:
    cursor = _Rows(list(rows))
    with open_store(sqlite_url) as store:
        events = store._read_rows(cursor)
    assert cursor.closed
    assert [(e.on, e.seq) for e in events] == sorted(
        (date.fromisoformat(on) if isinstance(on, str) else on, seq) for on, _, seq, *_ in rows
    )
    assert len({e.id for e in events}) == len(rows)


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        '{"step": "saq", "due": "2024-05-31", "basis": "D\\u00e9cision 5/1"}',
        '{"agreed": {"saq": "2021-05-31"}, "languages": ["en", "fr"]}',
        ' {"by": "GHA"} ',  # spaces around: the long way, the same dict
        '{"n": 123456789012345678901234567890, "x": 1.5}',
    ],
)
def test_data_decodes_as_data_from_json(text: str) -> None:
    assert _data_of(text) == data_from_json(text)


@pytest.mark.parametrize(
    "texts",
    [
        [
            "{}",
            '{"step": "saq", "due": "2024-05-31", "basis": "D\\u00e9cision 5/1"}',
            '{"agreed": {"saq": "2021-05-31"}, "languages": ["en", "fr"]}',
            ' {"by": "GHA"} ',
            '{"s": "\\ud800"}',  # a lone half of a UTF-16 pair: orjson refuses it
            '{"x": NaN, "y": 1e400}',
            '{"n": 18446744073709551615, "m": -9223372036854775808}',  # 64 bits: orjson's
            '{"id": "ev-12345678901234567890"}',  # 20 digits in a text: read again, alike
        ],
        # integers past 64 bits, which orjson reads as floats, among others
        ['{"a": 1}', '{"n": 18446744073709551616}', '{"b": 2}'],
        ['{"n": -9223372036854775809}', '{"n": 123456789012345678901234567890, "x": 1.5}'],
    ],
)
def test_a_batchs_data_decode_as_data_from_json(texts: list[str]) -> None:
    datas: dict[str, dict] = {}
    checked: list[str] = []
    for one in texts:
        datas[one] = _quick_data_of(one, checked)
    _recheck(checked, datas)
    assert not checked
    # repr: 2**64 and the float orjson makes of it are ==, an int and a float are not alike
    assert [repr(datas[t]) for t in texts] == [repr(data_from_json(t)) for t in texts]


def test_data_that_is_no_object_is_refused_as_before() -> None:
    with pytest.raises(json.JSONDecodeError):
        _data_of('{"by": "GHA"} trailing')
    with pytest.raises(json.JSONDecodeError):
        data_from_json('{"by": "GHA"} trailing')


def _plain_events(url: str, until: date | None) -> tuple[Event, ...]:
    """The log's events made the plain way: every row, `Event(...)`, `data_from_json`,
    sorted by (on, seq) and cut at `until`."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text('SELECT "on", type, seq, review_id, party, data, id, note FROM event')
            ).all()
    finally:
        engine.dispose()
    events = [
        Event(
            on if isinstance(on, date) else date.fromisoformat(on),
            type_,
            seq,
            review,
            party,
            data_from_json(data),
            id_,
            note,
        )
        for on, type_, seq, review, party, data, id_, note in rows
    ]
    events.sort(key=lambda e: (e.on, e.seq))
    return tuple(e for e in events if until is None or e.on <= until)


# Data the import writes and data it would refuse, put straight into the log: the read
# gives each what data_from_json gives (dates in `due` and `agreed`, a long integer, a lone
# half of a UTF-16 pair, text beyond ASCII, lists and nested objects).
_ODD_DATA = [
    '{"basis":"Conference decision 5/1","due":"2024-05-31","step":"saq"}',
    '{"agreed":{"observations":"2024-02-01","saq":"2021-05-31"},"languages":["en","fr"]}',
    '{"n":123456789012345678901234567890,"x":1.5}',
    '{"s":"\\ud800"}',
    '{"person":{"email":"é@example.org","name":"Zoë 中"}}',
    "{}",
]


def test_a_snapshot_holds_the_events_made_the_plain_way(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "generated.json"
    write(generate(reviews=12, events=900, parties=12), path)
    with open_store(store_url) as store:
        store.import_file(path)
        with store.engine.begin() as conn:
            top, review, party = conn.execute(
                text("SELECT MAX(seq), MIN(review_id), MIN(party) FROM event")
            ).one()
            # on PostgreSQL, rows that arrive out of seq order (a sequence's late commit):
            # the higher seqs first; SQLite's table scan walks the seqs in order anyway
            for n, data in enumerate(_ODD_DATA):
                conn.execute(
                    text(
                        'INSERT INTO event (seq, id, "on", type, review_id, party, data, note,'
                        " recorded_at) VALUES (:seq, :id, :on, :type, :review, :party,"
                        " :data, :note, :at)"
                    ),
                    {
                        "seq": top + 100 - n,
                        "id": f"odd-{n}",
                        "on": date(2022, 3, 1 + n % 2),
                        "type": "deadline_extended" if n == 0 else "saq_submitted",
                        "review": review if n % 2 else None,
                        "party": None if n % 2 else party,
                        "data": data,
                        "note": "a note\nover two lines" if n == 1 else None,
                        "at": datetime(2026, 1, 1, tzinfo=UTC),
                    },
                )
    past = date(2022, 6, 30)
    with open_store(store_url) as cold:
        got = cold.snapshot(past)  # the first read of a past date: the cut log alone
        assert got.events == _plain_events(store_url, past)
        assert {e.id for e in got.events} >= {f"odd-{n}" for n in range(len(_ODD_DATA))}
        assert all(type(e) is Event for e in got.events)
        # then the whole log, kept and cut (a warm store)
        assert cold.snapshot().events == _plain_events(store_url, None)
        assert cold.snapshot(past).events == got.events


def test_a_read_event_is_an_event_like_any_other(sqlite_url: str) -> None:
    rows = [_row("2024-01-02", 1, '{"step":"saq","due":"2024-05-31"}')]
    with open_store(sqlite_url) as store:
        [read] = store._read_rows(_Rows(rows))
    plain = Event(
        date(2024, 1, 2),
        "saq_submitted",
        1,
        "C1-G1-NGA",
        None,
        {"step": "saq", "due": date(2024, 5, 31)},
        "ev-1",
        None,
    )
    assert type(read) is Event
    assert read == plain
    assert repr(read) == repr(plain)
    assert dataclasses.astuple(read) == dataclasses.astuple(plain)
    assert pickle.loads(pickle.dumps(read)) == plain
    assert copy.copy(read) == plain
    assert dataclasses.replace(read, note="n") == dataclasses.replace(plain, note="n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.note = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(read)  # a dict in `data`, as with any Event
    hashable = dataclasses.replace(read, data=())  # type: ignore[arg-type]
    assert hash(hashable) == hash(dataclasses.replace(plain, data=()))  # type: ignore[arg-type]
    assert not hasattr(read, "__dict__")
