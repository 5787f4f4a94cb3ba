"""Bounds every input is held to, whichever door it comes through (a file, a command's
option, a form), so that what one database accepts the other does too, and no date sends a
deadline past the calendar's end (a ladder adds months and years to a deadline)."""

from __future__ import annotations

from datetime import date

EARLIEST = date(1945, 1, 1)
LATEST = date(2199, 12, 31)


def date_problem(day: date) -> str | None:
    """Why `day` is refused, or None."""
    if EARLIEST <= day <= LATEST:
        return None
    return (
        f"{day.isoformat()} is outside the dates untoc works with"
        f" ({EARLIEST.isoformat()} to {LATEST.isoformat()})"
    )
