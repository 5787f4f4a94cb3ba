"""Exports for people who live in spreadsheets and calendars.

- `review_rows` / `write_csv`: one row per review with its state on the date.
- `party_calendar` / `write_calendars`: the upcoming deadlines of a Party's reviews as an
  iCalendar file. Each event's UID is the review and step, so importing a later file updates
  the same calendar entry (its SEQUENCE counts the deadline's extensions) instead of adding
  a second one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import ReviewState
from ..core.model import Snapshot
from ..definitions.catalog import Definitions
from ..errors import InputError, Problem, did_you_mean
from .status import process_versions

if TYPE_CHECKING:
    from icalendar import Calendar

# The review's own columns; each reported step of the loaded definitions adds its deadline,
# the deadline's source and when it was done (see `step_columns`), then the next deadline.
HEAD_COLUMNS = (
    "review",
    "cluster",
    "group",
    "reviewed",
    "reviewed_name",
    "regional_group",
    "reviewers",
    "starts_on",
    "stage",
    "blocked",
    "parties_without_focal_point",
    "consultation_held_on",
    "languages",
)
TAIL_COLUMNS = ("next_step", "next_deadline", "next_deadline_source", "days_overdue", "waiting_for")
UID_DOMAIN = "untoc-review-mechanism"


def _loaded(definitions: Definitions | None) -> Definitions:
    if definitions is None:
        from ..definitions import load_definitions

        return load_definitions()
    return definitions


def step_columns(
    definitions: Definitions | None = None, processes: Iterable[str] | None = None
) -> list[tuple[str, str, bool]]:
    """(step, column of the day it was done, counted per reviewer) of every step of the
    processes whose reviews are exported (`processes`; default every loaded one), the
    default process first, each in its definition's order (newest version first). The done
    column is named after the step's fact (`<fact>_on`), or `<step>_completed_on`."""
    versions = process_versions(_loaded(definitions))
    wanted = set(processes) if processes is not None else None
    out: dict[str, tuple[str, str, bool]] = {}
    for process, defs in versions.items():
        if wanted is not None and process not in wanted:
            continue
        for definition in sorted(defs, key=lambda d: -d.version):
            for step in definition.steps:
                if step.id in out:
                    continue
                rule = step.completed_by
                each = rule.from_ == "each_reviewer"
                done = f"{rule.event}_on" if rule.event and not each else f"{step.id}_completed_on"
                out[step.id] = (step.id, done, each)
    return list(out.values())


def csv_columns(
    definitions: Definitions | None = None, processes: Iterable[str] | None = None
) -> tuple[str, ...]:
    middle: list[str] = []
    for step_id, done, each in step_columns(definitions, processes):
        middle += [f"{step_id}_deadline", f"{step_id}_deadline_source"]
        if done not in middle:
            middle.append(done)
        if each:
            middle.append(f"{step_id}_submitted_by")
    # which process a row's step columns belong to: after the review's own columns, so
    # spreadsheets built on the first columns keep working
    return (*HEAD_COLUMNS, "process", "process_version", *middle, *TAIL_COLUMNS)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def review_rows(
    states: Iterable[ReviewState], snapshot: Snapshot, definitions: Definitions | None = None
) -> list[dict[str, Any]]:
    """Every review's state on the date as flat rows (the CSV's columns): each review has
    the columns of every step of its own process; another process's stay empty."""
    states = list(states)
    columns = step_columns(definitions, {s.process for s in states})
    rows = []
    for s in states:
        review = snapshot.reviews[s.review]
        party = snapshot.parties.get(s.reviewed)
        row: dict[str, Any] = {
            "review": s.review,
            "process": s.process,
            "process_version": s.process_version,
            # a process that numbers its reviews in no cluster or group: empty, never 0
            "cluster": s.cluster or "",
            "group": s.group or "",
            "reviewed": s.reviewed,
            "reviewed_name": party.name if party else "",
            "regional_group": (party.regional_group or "") if party else "",
            "reviewers": " ".join(s.reviewers),
            "starts_on": review.starts_on.isoformat(),
            "stage": s.stage,
            "blocked": "yes" if s.blocked else "no",
            "parties_without_focal_point": " ".join(s.parties_without_focal_point),
            "consultation_held_on": _iso(s.consultation_held_on),
            "languages": "" if s.languages is None else "+".join(s.languages) or "none agreed",
        }
        steps = {st.step: st for st in s.steps}
        for step_id, done_col, each in columns:
            step = steps.get(step_id)  # a step of another process stays empty
            row[f"{step_id}_deadline"] = _iso(step.deadline.due if step and step.deadline else None)
            row[f"{step_id}_deadline_source"] = (
                step.deadline.source if step and step.deadline else ""
            )
            if step is not None or done_col not in row:  # a fact two processes share
                row[done_col] = _iso(step.completed_on) if step else ""
            if each:
                row[f"{step_id}_submitted_by"] = " ".join(step.submitted_by) if step else ""
        nxt = s.next_deadline
        row["next_step"] = nxt.step if nxt else ""
        row["next_deadline"] = _iso(nxt.deadline.due if nxt and nxt.deadline else None)
        row["next_deadline_source"] = nxt.deadline.source if nxt and nxt.deadline else ""
        row["days_overdue"] = s.days_overdue
        row["waiting_for"] = " ".join(s.waiting_for)
        rows.append(row)
    return rows


# A spreadsheet runs a cell that starts with one of these as a formula: a Party name such
# as `=HYPERLINK("http://...")` would become a link in the secretariat's workbook.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell as a spreadsheet shows it, never as a formula (OWASP's rule: a leading
    quote). Numbers stay numbers: -3 days overdue is a number, not a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(
    states: Iterable[ReviewState], snapshot: Snapshot, definitions: Definitions | None = None
) -> str:
    states = list(states)
    buf = io.StringIO()
    columns = csv_columns(definitions, {s.process for s in states})
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in review_rows(states, snapshot, definitions):
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return buf.getvalue()


def write_csv(
    states: Iterable[ReviewState],
    snapshot: Snapshot,
    path: str | Path,
    definitions: Definitions | None = None,
) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig: spreadsheets open names like Côte d'Ivoire correctly
    out.write_text(csv_text(states, snapshot, definitions), encoding="utf-8-sig")
    return out


def _extensions(snapshot: Snapshot, as_of: date) -> dict[tuple[str, str], int]:
    """How often each (review, step) deadline was extended up to the date."""
    out: dict[tuple[str, str], int] = {}
    for e in snapshot.events:
        if e.type == "deadline_extended" and e.on <= as_of and e.review:
            key = (e.review, str(e.data.get("step")))
            out[key] = out.get(key, 0) + 1
    return out


def _titles(definitions: Definitions | None) -> dict[str, dict[str, str]]:
    """process -> step id -> its English title, from each process's own definitions."""
    from . import step_titles

    return step_titles(_loaded(definitions), "en")


def calendar_name(definitions: Definitions | None, processes: Iterable[str]) -> str:
    """What a Party's calendar is called: the titles of the processes its reviews run
    ("Country review", "Mutual evaluation"), from their definitions."""
    versions = process_versions(_loaded(definitions))
    names = []
    for process in dict.fromkeys(processes):
        defs = versions.get(process)
        title = defs[-1].title if defs else {}
        names.append(title.get("en") or process.replace("_", " ").capitalize())
    return " and ".join(names) or "Reviews"


def party_calendar(
    states: Mapping[str, ReviewState],
    snapshot: Snapshot,
    party: str,
    as_of: date,
    *,
    include_overdue: bool = False,
    definitions: Definitions | None = None,
) -> Calendar:
    """An icalendar.Calendar of the open deadlines of the reviews `party` takes part in,
    each step named by its title in the definition (`definitions`, default the loaded ones).

    Deadlines on or after `as_of` are listed; `include_overdue` adds the ones already past.
    """
    from icalendar import Calendar, Event

    if party not in snapshot.parties:
        raise InputError(
            [
                Problem(
                    f"unknown party {party!r}",
                    path="--party",
                    hint=did_you_mean(party, snapshot.parties),
                )
            ]
        )
    name = snapshot.parties[party].name
    mine = [s for s in states.values() if party == s.reviewed or party in s.reviewers]
    title = calendar_name(definitions, sorted({s.process for s in mine}) or [])
    versions = process_versions(_loaded(definitions))
    cal = Calendar()
    # who makes it: UNODC's Review Mechanism, or the secretariat the processes declare
    cal.add("prodid", _producer([versions.get(p) for p in sorted({s.process for s in mine})]))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _one_line(f"{title}: {name} ({party})"))
    # The stamp is the report date, not the clock: the same data gives the same file.
    stamp = datetime.combine(as_of, time(0, 0), tzinfo=UTC)
    moved = _extensions(snapshot, as_of)
    titles = _titles(definitions)
    for s in mine:
        role = _role_of(versions.get(s.process), party == s.reviewed)
        review_word = _review_word(versions.get(s.process))
        reviewed = snapshot.parties.get(s.reviewed)
        reviewed_name = reviewed.name if reviewed else s.reviewed
        for step in s.open_steps:
            if step.deadline is None:
                continue
            due = step.deadline.due
            if due < as_of and not include_overdue:
                continue
            ev = Event()
            ev.add("uid", f"{s.review}.{step.step}@{UID_DOMAIN}")
            ev.add("sequence", moved.get((s.review, step.step), 0))
            ev.add("dtstamp", stamp)
            ev.add("dtstart", due)
            ev.add("dtend", due + timedelta(days=1))
            ev.add("transp", "TRANSPARENT")
            step_title = titles.get(s.process, {}).get(step.step, step.step)
            ev.add("summary", _one_line(f"{s.review}: {step_title} due"))
            source = step.deadline.source + (
                f" ({step.deadline.basis})" if step.deadline.basis else ""
            )
            waiting = ", ".join(step.waiting_for) or "-"
            ev.add(
                "description",
                f"{review_word} {s.review} of {reviewed_name}; {name} is the {role}.\n"
                f"Step: {step_title}. Deadline {due.isoformat()} ({source}).\n"
                f"Waiting for: {waiting}.",
            )
            ev.add("categories", [f"group {s.group}", step.step])
            cal.add_component(ev)
    return cal


def _role_of(versions: Sequence[Any] | None, reviewed: bool) -> str:
    """What the Party is in the review, in English, as its process names it (`roles:
    reviewed, reviewer`), else as UNTOC's calendars always said."""
    own = versions[-1].role_title("reviewed" if reviewed else "reviewer") if versions else None
    return own or ("reviewed Party" if reviewed else "reviewing Party")


def _review_word(versions: Sequence[Any] | None) -> str:
    """What the process calls a review, in English (`roles: review`), capitalised; else
    "Review", as UNTOC's calendars always said."""
    own = versions[-1].role_title("review") if versions else None
    return own[:1].upper() + own[1:] if own else "Review"


def _producer(versions: Sequence[Sequence[Any] | None]) -> str:
    """The calendar's PRODID: UNODC's Review Mechanism, or, when every process the calendar
    lists declares a secretariat of its own (`roles: secretariat`), that secretariat."""
    own = {v[-1].role_title("secretariat") if v else None for v in versions}
    if len(own) != 1 or None in own:
        return "-//UNODC//Review mechanism deadlines//EN"
    name = _one_line(str(own.pop())).replace("//", "/")
    return f"-//{name[:1].upper()}{name[1:]}//Review deadlines//EN"


def _one_line(text: str) -> str:
    # a calendar's name and an entry's summary are single lines (RFC 5545 content lines)
    return " ".join(text.split())


def write_calendars(
    states: Mapping[str, ReviewState],
    snapshot: Snapshot,
    as_of: date,
    out: str | Path,
    *,
    party: str | None = None,
    include_overdue: bool = False,
    definitions: Definitions | None = None,
) -> list[Path]:
    """Write one .ics per Party (into folder `out`), or only `party`'s (to file `out`)."""
    target = Path(out)
    if definitions is None:
        from ..definitions import load_definitions

        definitions = load_definitions()
    if party is not None:
        cal = party_calendar(
            states, snapshot, party, as_of, include_overdue=include_overdue, definitions=definitions
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(cal.to_ical())
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for code in sorted(snapshot.parties):
        cal = party_calendar(
            states, snapshot, code, as_of, include_overdue=include_overdue, definitions=definitions
        )
        if not cal.walk("VEVENT"):
            continue
        path = target / f"{code}.ics"
        path.write_bytes(cal.to_ical())
        written.append(path)
    return written
