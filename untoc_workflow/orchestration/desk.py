"""What the secretariat reads on its desk (the Prefect UI): a run's state in words, its tags.

Plain values from a review's position, no Prefect import: the flow puts the message on the
run's Suspended state and the tags on the run, so the runs list says what is late and can
be filtered by step, role and lateness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..core.state import Deadline
from .position import Position

# Lateness bands, as tags: the list filters on one tag, not on a number of days.
_BANDS = ((30, "late:<1m"), (182, "late:1-6m"), (365, "late:6-12m"))
LATE_OVER_A_YEAR = "late:>1y"
ON_TIME = "late:no"


def un_date(day: date) -> str:
    """A date as the secretariat writes it in English: 11 October 2021."""
    return f"{day.day} {day:%B %Y}"


def deadline_source(deadline: Deadline) -> str:
    """Where a deadline comes from, in words."""
    if deadline.source == "agreed":
        return "agreed at the preliminary consultation"
    if deadline.source == "extended":
        if deadline.decision:
            return f"extended by Conference decision {deadline.decision}"
        return f"extended ({deadline.basis})" if deadline.basis else "extended"
    return "time limit of the guidelines"


def lateness(days_overdue: int) -> str:
    """The lateness band of a step `days_overdue` days past its deadline."""
    if days_overdue <= 0:
        return ON_TIME
    for limit, band in _BANDS:
        if days_overdue <= limit:
            return band
    return LATE_OVER_A_YEAR


def party_names(codes: Sequence[str], parties: Mapping[str, Any]) -> str:
    """ "Albania", "Ghana and Germany", "Ghana, Germany and Peru"."""
    names = [getattr(parties.get(c), "name", None) or c for c in codes]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def days_phrase(days_overdue: int) -> str:
    if days_overdue > 0:
        return f"{days_overdue} day{'s' if days_overdue != 1 else ''} overdue"
    if days_overdue == 0:
        return "due today"
    return f"due in {-days_overdue} day{'s' if days_overdue != -1 else ''}"


def state_message(
    position: Position, definition: Any, parties: Mapping[str, Any], *, refused: str | None = None
) -> str:
    """The run's state in one line, e.g. "Self-assessment questionnaire - due 11 October 2021
    (agreed at the preliminary consultation) - 918 days overdue - waiting for Albania"; a
    refused fact is said first, so the person who entered it sees why nothing moved."""
    if position.complete or position.step is None:
        return f"Review complete ({position.state.stage.replace('_', ' ')})"
    step = position.step_state
    assert step is not None
    parts = [definition.step(position.step).label()]
    if step.deadline is not None:
        due = step.deadline.due
        parts.append(f"due {un_date(due)} ({deadline_source(step.deadline)})")
        parts.append(days_phrase((position.as_of - due).days))
    if step.waiting_for:
        parts.append(f"waiting for {party_names(step.waiting_for, parties)}")
    line = " - ".join(parts)
    return f"Not recorded: {refused}. {line}" if refused else line


def run_name(review_id: str, message: str) -> str:
    """The live run's name: the review, then its state (the runs list shows names)."""
    return f"{review_id}: {message}"


def review_of_run(name: str, parameters: Mapping[str, Any] | None = None) -> str:
    """The review a run follows: its parameter, else the name's first part."""
    if parameters and parameters.get("review_id"):
        return str(parameters["review_id"])
    return name.split(":", 1)[0].split(" (", 1)[0]


def run_tags(position: Position) -> list[str]:
    """Tags of a review's run: role, step and lateness (the list filters on them), and
    `party:` for every Party of the review (a Party's fact finds the runs it may resume)."""
    state = position.state
    tags = [
        "untoc",
        f"group:{state.group}",
        f"cluster:{state.cluster}",
        f"reviewed:{state.reviewed}",
        *(f"reviewer:{p}" for p in state.reviewers),
        *(f"party:{p}" for p in dict.fromkeys([state.reviewed, *state.reviewers])),
    ]
    step = position.step_state
    if position.complete or step is None:
        return [*tags, "step:done"]
    tags.append(f"step:{step.step.replace('_', '-')}")
    overdue = (position.as_of - step.deadline.due).days if step.deadline else 0
    tags.append(lateness(overdue))
    return tags
