"""Why `untoc calendar` wrote no calendar, or a calendar with no event: said, not left to
be guessed from "0 calendar file(s)"."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def why_empty(
    written: list[Path], day: date, *, party: str | None, include_overdue: bool
) -> list[str]:
    """The lines to print after the count: nothing when every file holds an event."""
    if party is None and written:
        return []
    if party is not None and any(b"BEGIN:VEVENT" in p.read_bytes() for p in written):
        return []
    whose = f"the calendar of {party} has no event" if party else "no calendar was written"
    if include_overdue:
        return [f"{whose}: no review in progress has an open step with a deadline"]
    return [
        f"{whose}: no deadline falls on or after {day.isoformat()}; deadlines already past are"
        " left out. --include-overdue adds them; --as-of DATE gives the calendar as it stood on"
        " another date (the bundled sample's is 2024-04-16)"
    ]
