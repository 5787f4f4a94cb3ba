"""The go-live of a store's correspondence, and the days its sweep ran.

Before go-live nothing is sent. On go-live each recipient gets one opening message listing
what is outstanding in its reviews; nothing that fell due earlier is caught up. After it, a
day the sweep did not run (an outage) is caught up, and the notice names the missed days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from ..errors import InputError
from .ledger import CorrespondenceStart, SweepDay

START = CorrespondenceStart.__table__  # type: ignore[attr-defined]
DAYS = SweepDay.__table__  # type: ignore[attr-defined]


def go_live_row(conn: Connection) -> Row[Any] | None:
    return conn.execute(select(START).where(START.c.id == 1)).first()


def go_live(conn: Connection) -> date | None:
    row = go_live_row(conn)
    return row.go_live if row is not None else None


def set_go_live(conn: Connection, day: date, *, by: str, at: datetime) -> date:
    """Record the go-live date once; the same date again is harmless, another is refused."""
    current = go_live(conn)
    if current is not None:
        if current != day and by == "--go-live":
            raise InputError(
                f"the correspondence of this store went live on {current.isoformat()}; it"
                f" cannot go live again on {day.isoformat()} (go-live is recorded once)"
            )
        return current
    conn.execute(START.insert().values(id=1, go_live=day, set_by=by, set_at=at, opened_on=None))
    return day


def mark_opened(conn: Connection, day: date) -> None:
    conn.execute(update(START).where(START.c.id == 1).values(opened_on=day))


def opened_on(conn: Connection) -> date | None:
    row = go_live_row(conn)
    return row.opened_on if row is not None else None


def record_sweep_day(conn: Connection, day: date, at: datetime) -> None:
    if conn.execute(select(DAYS.c.day).where(DAYS.c.day == day)).first() is None:
        conn.execute(DAYS.insert().values(day=day, swept_at=at))


def swept_days(conn: Connection, start: date, end: date) -> set[date]:
    return set(
        conn.execute(select(DAYS.c.day).where(DAYS.c.day >= start, DAYS.c.day <= end)).scalars()
    )


def missed_days(working: Iterable[date], swept: set[date]) -> list[date]:
    """Working days on which the sweep did not run."""
    return [d for d in working if d not in swept]
