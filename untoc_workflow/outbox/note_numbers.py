"""The numbers of the notes verbales: each note to a permanent mission takes the next
number of the series the settings declare (`note_series`, e.g. "CTOC/RM/{year}/{number}"),
numbered afresh each year, kept in the store and never reused (a note cancelled before it
left keeps its number, and the register says so through its outbox row).

The text is rendered before the sweep's write transaction; the number is known only inside
it (under the outbox lock, so two sweeps never take the same one). A note is therefore
rendered with SLOT where its number goes, and `number_notes` puts the number in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Connection, Date, DateTime, UniqueConstraint, func, select
from sqlmodel import Field, SQLModel

from ..errors import InputError
from .rows import C

# Where a note's number goes in its rendered text (invisible characters around a word no
# template writes).
SLOT = "\u2063NOTE-NUMBER\u2063"
DEFAULT_SERIES = "CTOC/RM/{year}/{number}"


class NoteNumber(SQLModel, table=True):
    __tablename__ = "note_number"
    __table_args__ = (
        UniqueConstraint("series", "year", "number", name="uq_note_number_series_year_number"),
        UniqueConstraint("outbox_key", name="uq_note_number_outbox_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    series: str = Field(max_length=200)
    year: int
    number: int
    reference: str = Field(max_length=240)
    outbox_key: str = Field(max_length=512)
    party: str | None = Field(default=None, max_length=8)
    assigned_on: date = Field(sa_column=Column(Date, nullable=False))
    assigned_at: datetime = Field(sa_column=Column(DateTime, nullable=False))


T = NoteNumber.__table__  # type: ignore[attr-defined]


def check_series(series: str) -> str:
    """A series must place the number (and may place the year)."""
    if "{number}" not in series:
        raise InputError(f"note_series {series!r} must contain {{number}} (e.g. {DEFAULT_SERIES})")
    try:
        series.format(year=2024, number=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(
            f"note_series {series!r}: only {{year}} and {{number}} may be placed ({exc})"
        ) from exc
    return series


def number_notes(
    conn: Connection, letters: Sequence[Any], series: str, as_of: date, stamp: datetime
) -> dict[str, str]:
    """Give each new note verbale among `letters` (those whose text holds SLOT and whose key
    the outbox does not hold yet) the next number of its series for `as_of`'s year (the
    letter's own `series` when it has one, else `series`), and write it into the letter.
    Call under the outbox lock. Returns key -> reference."""
    notes = [letter for letter in letters if SLOT in letter.text]
    if not notes:
        return {}
    keys = [letter.key for letter in notes]
    existing = set(conn.execute(select(C.key).where(C.key.in_(keys))).scalars())
    numbers: dict[str, int] = {}  # series -> the last number given this year
    out: dict[str, str] = {}
    for letter in notes:
        if letter.key in existing:
            continue  # recorded by another sweep, with its number
        # a process with a secretariat of its own numbers its notes in its own series
        own = getattr(letter, "series", None) or series
        if own not in numbers:
            last = conn.execute(
                select(func.max(T.c.number)).where(T.c.series == own, T.c.year == as_of.year)
            ).scalar()
            numbers[own] = int(last or 0)
        numbers[own] += 1
        number = numbers[own]
        reference = own.format(year=as_of.year, number=number)
        conn.execute(
            T.insert().values(
                series=own,
                year=as_of.year,
                number=number,
                reference=reference,
                outbox_key=letter.key,
                party=letter.recipient.party,
                assigned_on=as_of,
                assigned_at=stamp,
            )
        )
        letter.text = letter.text.replace(SLOT, reference)
        letter.html = letter.html.replace(SLOT, reference)
        out[letter.key] = reference
    return out
