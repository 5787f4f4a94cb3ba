"""The secretariat's working days, declared in `process_defs/calendar.yaml`.

Nothing is sent on a weekend or an official holiday of the United Nations Office at Vienna;
what falls due on such a day goes out on the next working day. The calendar never moves a
deadline (those keep the contract's calendar-month rule); it only decides when mail leaves.
A date outside the declared years is an error, not a guess: the file must be extended.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from .errors import InputError, Problem, did_you_mean
from .yamlsource import load_file

CALENDAR_FILE = "calendar.yaml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_KEYS = ("calendar", "version", "weekend", "years", "holidays")


@dataclass(frozen=True)
class WorkingCalendar:
    name: str
    version: int
    weekend: frozenset[int]  # date.weekday() numbers
    first_year: int
    last_year: int
    holidays: dict[date, str]
    file: str = "<calendar>"

    def _check(self, day: date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise InputError(
                [
                    Problem(
                        f"the working-day calendar declares the years {self.first_year}"
                        f"-{self.last_year}, not {day.year}: add that year's official"
                        # the calendar's own name: a body in Tashkent keeps no UNOV holidays
                        f" holidays to the calendar '{self.name}'",
                        file=self.file,
                    )
                ]
            )

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        return day.weekday() not in self.weekend and day not in self.holidays

    def why_not_working(self, day: date) -> str | None:
        """None on a working day, else the holiday's name or 'weekend'."""
        if day.weekday() in self.weekend:
            return "weekend"
        return self.holidays.get(day)

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days(self, start: date, end: date) -> Iterator[date]:
        """Working days from `start` to `end`, both included."""
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)


def calendar_path(process_defs: Path) -> Path:
    from .definitions.load import defs_file

    return defs_file(CALENDAR_FILE, Path(process_defs))  # the bundled one if it has none


def load_calendar(process_defs: Path) -> WorkingCalendar:
    """The calendar of a process-definitions folder; errors carry file:line and the path."""
    return _load(str(calendar_path(process_defs).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> WorkingCalendar:
    if not Path(path).is_file():
        raise InputError(
            [Problem("the working-day calendar is missing: no message can be dated", file=path)]
        )
    located = load_file(path)
    data = located.data
    problems: list[Problem] = []

    def problem(message: str, where: str, hint: str | None = None) -> None:
        problems.append(Problem(message, where, path, located.line_of(where), hint))

    if not isinstance(data, dict):
        raise InputError([Problem("the calendar must be a mapping", file=path, line=1)])
    for key in data:
        if key not in _KEYS:
            problem(
                f"unknown key {key!r}; allowed: {', '.join(_KEYS)}",
                str(key),
                did_you_mean(str(key), _KEYS),
            )
    weekend: set[int] = set()
    for i, name in enumerate(data.get("weekend") or []):
        if str(name).lower() not in WEEKDAYS:
            problem(f"{name!r} is not a day of the week", f"weekend[{i}]")
        else:
            weekend.add(WEEKDAYS.index(str(name).lower()))
    years = data.get("years")
    if not (isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years)):
        problem("write the years the calendar covers as [first, last], e.g. [2020, 2027]", "years")
        years = [0, 0]
    holidays: dict[date, str] = {}
    declared = data.get("holidays") or {}
    if not isinstance(declared, dict):
        problem("holidays: a mapping of year -> list of {on, name}", "holidays")
        declared = {}
    for year in range(years[0], years[1] + 1):
        if year not in declared:
            problem(f"no official holidays declared for {year}", "holidays")
    for year, entries in declared.items():
        for j, entry in enumerate(entries or []):
            where = f"holidays.{year}[{j}]"
            try:
                day = date.fromisoformat(str(entry["on"]))
                name = str(entry["name"])
            except (KeyError, TypeError, ValueError):
                problem("each holiday needs `on: YYYY-MM-DD` and `name`", where)
                continue
            if day.year != year:
                problem(f"{day.isoformat()} is listed under {year}", f"{where}.on")
            holidays[day] = name
    if problems:
        raise InputError(problems, title=f"{path}: the working-day calendar has errors")
    return WorkingCalendar(
        name=str(data.get("calendar", "")),
        version=int(data.get("version", 1)),
        weekend=frozenset(weekend),
        first_year=years[0],
        last_year=years[1],
        holidays=holidays,
        file=path,
    )
