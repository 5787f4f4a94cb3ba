"""The engine's small registry of named rules a process definition may use.

A definition names a rule (`condition: all_focal_points_named`, `waiting_for: reviewers_pending`)
and the engine looks it up here, as python-statemachine resolves a bare name against its
registry: the process file chooses, the engine never branches on a step or fact id.

Two kinds:
- a **condition** completes a step without a fact of its own (every party has a focal point);
- a **waiting rule** says which parties an open step waits for (who holds it up, who is
  chased by `waiting.*` rungs).

Each rule is a class with a `name`; it is handed what it may look at (`RuleFacts`), never
the store or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Protocol

from .focal_points import FocalPointRoll


@dataclass(frozen=True, slots=True)
class RuleFacts:
    """What a rule may look at for one step of one review on the date."""

    reviewed: str
    reviewers: Sequence[str]  # current reviewers, after redraws
    parties: Sequence[str]  # reviewed first, then reviewers
    without_focal_point: tuple[str, ...]
    roll: FocalPointRoll


class Condition(Protocol):
    name: ClassVar[str]

    @staticmethod
    def completed_on(facts: RuleFacts) -> date | None: ...


class WaitingRule(Protocol):
    name: ClassVar[str]

    @staticmethod
    def waiting_for(facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]: ...


# --- conditions ---------------------------------------------------------------------------


class AllFocalPointsNamed:
    """Complete on the first day every party of the review has a focal point."""

    name: ClassVar[str] = "all_focal_points_named"

    @staticmethod
    def completed_on(facts: RuleFacts) -> date | None:
        return facts.roll.first_all_named(facts.parties)


# --- waiting rules ------------------------------------------------------------------------


class WaitsForReviewed:
    """The reviewed Party holds the step up."""

    name: ClassVar[str] = "reviewed"

    @staticmethod
    def waiting_for(facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        return (facts.reviewed,)


class WaitsForReviewers:
    """Every current reviewing Party holds the step up."""

    name: ClassVar[str] = "reviewers"

    @staticmethod
    def waiting_for(facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        return tuple(facts.reviewers)


class WaitsForReviewersPending:
    """The reviewing Parties that have not yet sent their part of the step's fact."""

    name: ClassVar[str] = "reviewers_pending"

    @staticmethod
    def waiting_for(facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        # `submitted`: reviewers that already sent their part of the step's fact
        return tuple(p for p in facts.reviewers if p not in submitted)


class WaitsForPartiesWithoutFocalPoint:
    """The Parties of the review that have no focal point on the date."""

    name: ClassVar[str] = "parties_without_focal_point"

    @staticmethod
    def waiting_for(facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        return facts.without_focal_point


class WaitsForAllParties:
    """The reviewed Party and every reviewer (a step they must agree on together)."""

    name: ClassVar[str] = "all"

    @staticmethod
    def waiting_for(facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(facts.parties))


class WaitsForSecretariat:
    """No Party holds the step up: the secretariat's own work (translation, editing)."""

    name: ClassVar[str] = "secretariat"

    @staticmethod
    def waiting_for(facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        return ()


CONDITIONS: dict[str, type[Condition]] = {rule.name: rule for rule in (AllFocalPointsNamed,)}
WAITING_RULES: dict[str, type[WaitingRule]] = {
    rule.name: rule
    for rule in (
        WaitsForReviewed,
        WaitsForReviewers,
        WaitsForReviewersPending,
        WaitsForPartiesWithoutFocalPoint,
        WaitsForAllParties,
        WaitsForSecretariat,
    )
}

# Who may complete a step by recording its fact (`completed_by.from`).
COMPLETION_SOURCES = ("any", "reviewed", "each_reviewer", "any_reviewer", "secretariat")

# Facts the engine itself knows, whatever the process: who the focal points are, redraws,
# and the decisions about a review's timeline. Every other fact is declared by a process.
ENGINE_FACTS: dict[str, str] = {
    "focal_point_nominated": "party",
    "focal_point_withdrawn": "party",
    "reviewer_replaced": "review",
    "deadline_extended": "review",
    "step_waived": "review",
    "process_migrated": "review",
}
