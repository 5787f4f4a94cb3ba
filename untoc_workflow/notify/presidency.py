"""The President of the Conference's periodic summary: the Parties that are late, each once,
with every open step whose ladder has reached a rung addressed to the President (a step
stays listed while it is open, after its rung has run its course), its lateness counted as
`untoc status` counts it (from the deadline; a step that could begin only after its
deadline says so), and the last note verbale the outbox shows was sent to the Party's
mission. The President is never written to about one review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..core.ladder import ladder_base, occurrence_on, rung_times
from ..outbox.headers import one_line
from ..wording.collation import sort_key
from ..wording.languages import long_date
from ..wording.words import is_state, local_party_name
from .context import late_by

if TYPE_CHECKING:
    from ..core.state import ReviewState
    from ..definitions import ProcessCatalog, ProcessDefinition, Rung


def presidency_held(definition: ProcessCatalog | ProcessDefinition) -> bool:
    """The summary waits for approval when a rung addressed to the President requires it."""
    from ..definitions.catalog import definitions_of

    return any(
        r.approval
        for d in definitions_of(definition)
        for s in d.steps
        for r in s.ladder
        if "cop_presidency" in r.to
    )


def late_parties(
    steps: Mapping[str, Any],
    states: Mapping[str, ReviewState],
    parties: Mapping[str, Any],
    language: str,
    notes: Mapping[str, date] | None = None,
) -> list[dict[str, Any]]:
    """Each Party once, with the open steps whose ladder has reached a rung addressed to
    the President; `notes`: the day of the last note verbale sent to each Party's mission
    (those of the sweep that sends the summary included)."""
    notes = notes or {}
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for state in states.values():
        for step in state.open_steps:
            if step.deadline is None or step.started_on is None:
                continue
            definition = steps.get(step.step)
            if definition is None:
                continue
            base = ladder_base(step.deadline, step.started_on)
            if not any(
                rung_reached(rung, base, state.as_of)
                for rung in definition.ladder
                if "cop_presidency" in rung.to
            ):
                continue
            days = step.days_overdue  # as `untoc status` counts it: from the deadline
            late_start = step.started_on > step.deadline.due
            titles = dict(definition.title)
            reviewed = one_line(
                local_party_name(
                    state.reviewed, language, getattr(parties.get(state.reviewed), "name", None)
                )
            )
            for party in step.waiting_for:
                found[party].append(
                    {
                        "review": state.review,
                        # a Party is often late in another's review: its reference alone
                        # would not tell the President whose
                        "reviewed": reviewed,
                        "step": {
                            "id": step.step,
                            "title": titles.get(language, ""),
                            "title_en": titles.get("en", step.step),
                        },
                        "due": long_date(step.deadline.due, language),
                        "days_overdue": days,
                        "late_by": late_by(days, language),
                        "began": long_date(step.started_on, language) if late_start else None,
                    }
                )
    out = [
        {
            "party": one_line(local_party_name(p, language, getattr(parties.get(p), "name", None))),
            "code": p,
            # the European Union is late as a Party, not as a State party
            "is_state": is_state(p),
            "steps": sorted(v, key=lambda s: -s["days_overdue"]),
            "note_sent": long_date(notes[p], language) if p in notes else None,
            # a Party with no mission on record: no note could be sent (not "none was")
            "has_mission": getattr(parties.get(p), "mission", None) is not None,
        }
        for p, v in found.items()
    ]
    return sorted(out, key=lambda p: sort_key(p["party"], language, p["code"]))


def rung_reached(rung: Rung, base: date, as_of: date) -> bool:
    """The rung has fallen due at least once (it may have run its course since)."""
    return bool(rung.offset.after(base) <= as_of)


def rung_active(rung: Rung, base: date, as_of: date) -> bool:
    """From the rung's first occurrence until one interval after its last."""
    first = rung.offset.after(base)
    if first > as_of:
        return False
    times = rung_times(rung, base)
    if times is None:
        return True
    last = occurrence_on(first, rung.interval, times - 1)
    span = rung.interval or None
    end = span.after(last) if span is not None else last + timedelta(days=31)
    return as_of < end
