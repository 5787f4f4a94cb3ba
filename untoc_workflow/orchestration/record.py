"""Recording a fact that arrived through a resumed run: checked, then appended once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import InputError
from ..mechanism_file import FORMAT
from ..yamlsource import Located
from .facts import Fact, check_languages
from .position import Position


@dataclass(frozen=True)
class Outcome:
    """What became of a fact: recorded (or already there), or refused and why."""

    event: dict[str, Any]
    recorded: bool = False  # False with no refusal: the log already had it
    refused: str | None = None


def refusal(position: Position, fact: Fact, today: date) -> str | None:
    """Why `fact` cannot complete the step the review waits for, or None."""
    kind = getattr(fact, "fact", None)
    review = position.review
    if position.complete:
        return f"review {review} is complete; it waits for no fact"
    if kind != position.fact:
        return (
            f"review {review} waits for {position.step} ({position.fact}), "
            f"not for {kind}; record that fact with `untoc record` instead"
        )
    if fact.on > today:
        return f"{kind} dated {fact.on} is in the future (today is {today})"
    state = position.state
    step = position.step_state
    assert step is not None
    if step.started_on is not None and fact.on < step.started_on:
        return f"{kind} dated {fact.on} is before step {position.step} started ({step.started_on})"
    party = getattr(fact, "party", None)
    parties = (state.reviewed, *state.reviewers)
    if kind == "focal_point_nominated" and party not in parties:
        return (
            f"{party} is not a party to review {review} "
            f"(reviewed {state.reviewed}, reviewers {', '.join(state.reviewers)})"
        )
    if kind == "written_feedback_submitted" and party is not None:
        if party not in state.reviewers:
            return (
                f"{party} is not a reviewer of {review} (reviewers: {', '.join(state.reviewers)})"
            )
        if party in step.submitted_by:
            return f"{party} already sent its written feedback for {review}"
    if kind == "preliminary_consultation_held":
        why = check_languages(list(getattr(fact, "languages", [])))
        if why:
            return why
    return None


def record_fact(store: Any, position: Position, fact: Fact, today: date) -> Outcome:
    """Append `fact` to the event log unless refused. The event gets the store's content id,
    the same one `untoc record` gives the same fact, so a replay, a double resume or the
    command line and a resume together record it once."""
    event = fact.event(position.review)
    why = refusal(position, fact, today)
    if why:
        return Outcome(event, refused=why)
    doc = {"format": FORMAT, "events": [event]}
    try:
        result = store.import_document(Located(doc, f"resume of {position.review}", {}))
    except InputError as exc:
        return Outcome(event, refused="; ".join(str(p) for p in exc.problems))
    return Outcome(event, recorded=result.added.get("events", 0) > 0)
