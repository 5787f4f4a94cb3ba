"""Which rungs of an escalation ladder are due on a date.

A rung fires at `deadline + at`, then every `every`, `times` times in all (for ever when
`every` is given without `times`). On the sweep date we return:
- every rung occurrence that falls on that very date, and
- the latest occurrence of the most advanced rung reached so far, if it fell earlier
  (a catch-up: the sweep did not run that day), while it is still fresh: younger than the
  rung's interval, or than CATCH_UP_WINDOW for a rung that does not repeat (or has
  repeated its `times`). Lower rungs missed meanwhile are not sent: the ladder has climbed
  past them. A finished ladder goes quiet instead of offering its last rung for ever.
Keys name the deadline, so a moved deadline gives new keys and old ones stop applying.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..dates import Duration, add_months
from .state import Deadline, DueNotification

CATCH_UP_WINDOW = Duration(1, "months")


def occurrence_on(first: date, interval: Duration | None, k: int) -> date:
    if k == 0 or interval is None:
        return first
    if interval.unit == "days":
        return date.fromordinal(first.toordinal() + k * interval.amount)
    return add_months(first, k * interval.amount)


def latest_occurrence(
    first: date, interval: Duration | None, times: int | None, as_of: date
) -> tuple[int, date] | None:
    """The last (k, day) with day <= as_of, or None when the rung has not fired yet."""
    if first > as_of:
        return None
    if interval is None:
        return (0, first)
    if interval.unit == "days":
        k = (as_of - first).days // interval.amount
    else:
        # whole months elapsed, less one when the day of the month is not reached yet
        months = (as_of.year - first.year) * 12 + (as_of.month - first.month)
        k = max(0, months // interval.amount)
        if k > 0 and occurrence_on(first, interval, k) > as_of:
            k -= 1
    if times is not None:
        k = min(k, times - 1)
    return (k, occurrence_on(first, interval, k))


def due_rungs(
    *,
    review: str,
    step: str,
    ladder: tuple[Any, ...],  # definitions.Rung values; the core needs no pydantic
    deadline: Deadline,
    started_on: date,
    as_of: date,
    waiting_for: tuple[str, ...],
) -> list[DueNotification]:
    found: dict[int, tuple[int, date]] = {}
    for index, rung in enumerate(ladder):
        first = rung.offset.after(deadline.due)
        latest = latest_occurrence(first, rung.interval, rung.times, as_of)
        if latest is None or latest[1] < started_on:
            continue
        found[index] = latest
    if not found:
        return []
    top = max(found)
    out: list[DueNotification] = []
    for index, (k, day) in found.items():
        rung = ladder[index]
        if day != as_of:
            if index != top:
                continue
            repeats = rung.interval is not None and (rung.times is None or k + 1 < rung.times)
            window = rung.interval if repeats else CATCH_UP_WINDOW
            if window.after(day) <= as_of:
                continue
        out.append(
            DueNotification(
                key=f"{review}/{step}/{rung.id}/{k}/{deadline.due.isoformat()}",
                review=review,
                step=step,
                rung=rung.id,
                occurrence=k,
                due_on=day,
                as_of=as_of,
                deadline=deadline,
                days_overdue=(as_of - deadline.due).days,
                to=tuple(rung.to),
                cc=tuple(rung.cc),
                template=rung.template,
                waiting_for=waiting_for,
            )
        )
    return out
