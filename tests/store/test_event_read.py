"""The log's read: events come out sorted by (on, seq) whatever order the rows arrive in,
and each data text decodes to what `data_from_json` makes of it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from untoc_workflow.mechanism_file import data_from_json
from untoc_workflow.store import open_store
from untoc_workflow.store.store import _data_of


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


def test_data_that_is_no_object_is_refused_as_before() -> None:
    with pytest.raises(json.JSONDecodeError):
        _data_of('{"by": "GHA"} trailing')
    with pytest.raises(json.JSONDecodeError):
        data_from_json('{"by": "GHA"} trailing')
