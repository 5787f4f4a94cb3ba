"""Calendar arithmetic of the Mechanism: calendar months with the month-end rule.

A day that does not exist in the target month falls to that month's last day
(2021-08-31 + 6 months = 2022-02-28), as the mechanism-file contract says.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_DURATION = re.compile(
    r"^\s*(?P<sign>[+-])?\s*(?P<n>\d+)\s*(?P<unit>days?|weeks?|months?|years?)\s*$"
)


# The longest span a definition or a decision may write: a clock, an offset or an extension
# longer than a century is a slip of the keyboard, and one of 99,999 years would carry a
# deadline past the last year a date can hold, stopping every status and sweep.
MAX_YEARS = 100

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """Return `day` moved by whole calendar months, clamped to the month's end."""
    # Hot in the sweep (every rung of every open step): no calendar.monthrange call.
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    d = day.day
    if d > 28:
        last = 29 if month0 == 1 and calendar.isleap(year) else _MONTH_DAYS[month0]
        if d > last:
            d = last
    return date(year, month0 + 1, d)


@dataclass(frozen=True, slots=True)
class Duration:
    """A signed span of days, weeks, months or years, as written in the definitions."""

    amount: int
    unit: str  # "days" | "months"

    @classmethod
    def parse(cls, text: str) -> Duration:
        m = _DURATION.match(str(text))
        if not m:
            raise ValueError(
                f"{text!r} is not a duration; "
                "write e.g. '2 weeks', '6 months', '-14 days', '+1 year'"
            )
        unit = m["unit"].rstrip("s")
        if len(m["n"]) > 6:  # read no number of a thousand digits
            raise ValueError(f"{text!r} is longer than the {MAX_YEARS} years a duration may span")
        n = int(m["n"]) * (-1 if m["sign"] == "-" else 1)
        months = abs(n) * {"day": 0, "week": 0, "month": 1, "year": 12}[unit]
        days = abs(n) * {"day": 1, "week": 7, "month": 0, "year": 0}[unit]
        if months > MAX_YEARS * 12 or days > MAX_YEARS * 366:
            raise ValueError(f"{text!r} is longer than the {MAX_YEARS} years a duration may span")
        if unit == "week":
            return cls(n * 7, "days")
        if unit == "day":
            return cls(n, "days")
        if unit == "year":
            return cls(n * 12, "months")
        return cls(n, "months")

    def after(self, day: date) -> date:
        if self.unit == "days":
            return day + timedelta(days=self.amount)
        return add_months(day, self.amount)

    def __str__(self) -> str:
        if self.unit == "days":
            if self.amount % 7 == 0 and self.amount:
                w = self.amount // 7
                return f"{w} week{'s' if abs(w) != 1 else ''}"
            return f"{self.amount} day{'s' if abs(self.amount) != 1 else ''}"
        return f"{self.amount} month{'s' if abs(self.amount) != 1 else ''}"


def months_late(deadline: date, submitted: date) -> int:
    """The largest N such that `submitted` is after `deadline` + N calendar months.

    "More than 3 months late" (status-report contract) means months_late(...) >= 3.
    """
    if submitted <= deadline:
        return 0
    n = 0
    while add_months(deadline, n + 1) < submitted:
        n += 1
    return n


def parse_date(text: str | date) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD") from exc
