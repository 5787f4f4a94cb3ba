"""Recording a fact that arrived through a resumed run: checked, then appended once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.admission import CommandDate
from ..core.rules import ENGINE_FACTS
from ..errors import InputError
from ..languages import UN_LANGUAGES
from ..mechanism_file import FORMAT
from ..yamlsource import Located
from .facts import Fact
from .position import Position

if TYPE_CHECKING:
    from ..definitions.process import ProcessDefinition
    from ..store.store import Store

_MAX_LANGUAGES = 3  # working languages of a review (mechanism-file.md: 0-3 codes)


@dataclass(frozen=True)
class Outcome:
    """What became of a fact: recorded (or already there), or refused and why."""

    event: dict[str, Any]
    recorded: bool = False  # False with no refusal: the log already had it
    refused: str | None = None


def check_languages(languages: list[str]) -> str | None:
    """Why the working languages are not acceptable, or None."""
    bad = [x for x in languages if x not in UN_LANGUAGES]
    if bad:
        return f"{', '.join(bad)} not UN language codes (use {' '.join(UN_LANGUAGES)})"
    if len(languages) > _MAX_LANGUAGES:
        return "at most three working languages"
    return None


def refusal(position: Position, fact: Fact, today: date) -> str | None:
    """Why `fact` does not fit the step this run waits at, or None, from its fields' types:
    a Party named must be one of the review's (one still awaited where each reviewer sends
    its part), languages UN ones. Whether it can be true (its date, what it depends on, a
    repeat) is the core's rule, asked when it is recorded (`core.admission`, through the
    store), the same rule `untoc record` and import ask."""
    kind = getattr(fact, "fact", None)
    review = position.review
    if position.complete:
        return f"review {review} is complete; it waits for no fact"
    if kind != position.fact:
        return (
            f"review {review} waits for step {position.step} ({position.fact}), "
            f"not for {kind}; record that fact with `untoc record` instead"
        )
    for field in fact.shape.inputs:
        value = getattr(fact, field.key)
        if value is None:
            continue
        kind_of = field.spec.type
        why = None
        if kind_of == "party":
            why = _party_refusal(position, str(value))
        elif kind_of == "languages":
            why = check_languages(list(value))
        elif kind_of == "language":
            why = check_languages([value])
        if why:
            return why
    return None


def _party_refusal(position: Position, party: str) -> str | None:
    state, review = position.state, position.review
    if party not in (state.reviewed, *state.reviewers):
        return (
            f"{party} is not a party to review {review} "
            f"(reviewed {state.reviewed}, reviewers {', '.join(state.reviewers)})"
        )
    step, at = position.definition.step(position.step or ""), position.step_state
    awaited = at.waiting_for if at is not None else ()
    if step.completed_by.from_ == "each_reviewer" and party not in awaited:
        sent = "already sent its part" if at and party in at.submitted_by else "is not awaited"
        still = ", ".join(awaited) or "nobody"
        return f"{party} {sent} of {step.label()} for review {review} (awaited: {still})"
    return None


def record_fact(store: Store, position: Position, fact: Fact, today: date) -> Outcome:
    """Append `fact` to the event log unless refused. The event gets the store's content id,
    the same one `untoc record` gives the same fact, so a replay, a double resume or the
    command line and a resume together record it once."""
    event = fact.event(position.review)
    why = refusal(position, fact, today)
    if why:
        return Outcome(event, refused=in_words(why, position.definition))
    from ..store.admission import Admission  # the store is the caller's: imported with it

    doc = {"format": FORMAT, "events": [event]}
    try:
        result = store.import_document(
            Located(doc, f"resume of {position.review}", {}),
            admission=Admission(CommandDate(today)),
        )
    except InputError as exc:
        # the person at the form needs the reason, not the place in a file nobody wrote
        said = "; ".join(p.message for p in exc.problems)
        return Outcome(event, refused=in_words(said, position.definition))
    return Outcome(event, recorded=result.added.get("events", 0) > 0)


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_STEP = re.compile(r"\bstep ([a-z][a-z0-9_]*)\b")


def in_words(text: str, definition: ProcessDefinition | None) -> str:
    """A refusal as the person at the form reads it: the steps and facts by their titles in
    the review's definition, not their ids ("saq_submitted dated 2021-01-01 is before step
    saq started" -> "Answers to the self-assessment questionnaire received dated 1 January
    2021 is before step "Self-assessment questionnaire" started"); dates in UN style."""
    from .desk import un_date

    if definition is None:
        return text
    steps = {s.id: s.label() for s in definition.steps}
    facts = {k: k.replace("_", " ").capitalize() for k in ENGINE_FACTS}
    facts |= {k: f.label() for k, f in getattr(definition, "facts", {}).items() if f.label()}

    def step(m: re.Match[str]) -> str:
        label = steps.get(m.group(1))
        return f"step \u201c{label}\u201d" if label else m.group(0)

    text = _STEP.sub(step, text)
    if facts:
        ids = "|".join(sorted(map(re.escape, facts), key=len, reverse=True))
        text = re.sub(rf"\b({ids})\b", lambda m: f"\u201c{facts[m.group(1)]}\u201d", text)

    def day(m: re.Match[str]) -> str:
        try:
            return un_date(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return m.group(0)

    return _ISO_DATE.sub(day, text)
