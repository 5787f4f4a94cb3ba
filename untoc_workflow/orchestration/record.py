"""Recording a fact that arrived through a resumed run: checked, then appended once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.admission import CommandDate
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
    """Why `fact` does not fit the step this run waits at, or None. Whether it can be true
    (its date, what it depends on, a repeat) is the core's rule, asked when it is recorded
    (`core.admission`, through the store), the same rule `untoc record` and import ask."""
    kind = getattr(fact, "fact", None)
    review = position.review
    if position.complete:
        return f"review {review} is complete; it waits for no fact"
    if kind != position.fact:
        return (
            f"review {review} waits for {position.step} ({position.fact}), "
            f"not for {kind}; record that fact with `untoc record` instead"
        )
    state = position.state
    party = getattr(fact, "party", None)
    parties = (state.reviewed, *state.reviewers)
    if kind == "focal_point_nominated" and party not in parties:
        return (
            f"{party} is not a party to review {review} "
            f"(reviewed {state.reviewed}, reviewers {', '.join(state.reviewers)})"
        )
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
    from ..store.admission import Admission  # the store is the caller's: imported with it

    doc = {"format": FORMAT, "events": [event]}
    try:
        result = store.import_document(
            Located(doc, f"resume of {position.review}", {}),
            admission=Admission(CommandDate(today)),
        )
    except InputError as exc:
        # the person at the form needs the reason, not the place in a file nobody wrote
        return Outcome(event, refused="; ".join(p.message for p in exc.problems))
    return Outcome(event, recorded=result.added.get("events", 0) > 0)
