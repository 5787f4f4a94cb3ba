"""Which rungs of an escalation ladder are due on a date.

A rung fires at `deadline + at`, then every `every`, `times` times in all or up to
`deadline + until` (the definition check refuses a repeating rung with neither). A step that
starts already past its deadline (the SAQ arrives after the date agreed for the feedback)
counts its ladder from its start instead, and its notices say so (`counted_from`): the
reviewers are not told on the first day that the feedback is 1,690 days late. On the sweep
date we return:
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


def last_index(first: date, interval: Duration | None, last_day: date) -> int:
    """The index of the last occurrence on or before `last_day` (-1: none)."""
    if first > last_day:
        return -1
    if interval is None:
        return 0
    k = 0
    while occurrence_on(first, interval, k + 1) <= last_day:
        k += 1
    return k


def rung_times(rung: Any, base: date) -> int | None:
    """How many times a rung fires in all, from `times` and `until` (None: no end)."""
    times: int | None = rung.times
    until = getattr(rung, "until_offset", None)
    if until is not None:
        n = last_index(rung.offset.after(base), rung.interval, until.after(base)) + 1
        times = n if times is None else min(times, n)
    return times


def ladder_base(deadline: Deadline, started_on: date) -> date:
    """The day a ladder counts from: the deadline, or the step's start when it began late."""
    return started_on if started_on > deadline.due else deadline.due


def latest_occurrence(
    first: date, interval: Duration | None, times: int | None, as_of: date
) -> tuple[int, date] | None:
    """The last (k, day) with day <= as_of, or None when the rung has not fired yet."""
    if first > as_of or times == 0:
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
    base = ladder_base(deadline, started_on)
    counted_from = base if base != deadline.due else None
    for index, rung in enumerate(ladder):
        first = rung.offset.after(base)
        if counted_from is not None and first <= base:
            continue  # no "due in two weeks" or "due today" for a date already past
        latest = latest_occurrence(first, rung.interval, rung_times(rung, base), as_of)
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
            times = rung_times(rung, base)
            repeats = rung.interval is not None and (times is None or k + 1 < times)
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
                days_overdue=(as_of - base).days,
                to=tuple(rung.to),
                cc=tuple(rung.cc),
                template=rung.template,
                waiting_for=waiting_for,
                counted_from=counted_from,
            )
        )
    return out
