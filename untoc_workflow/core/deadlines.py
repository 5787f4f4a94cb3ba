"""Deadline precedence as small named rules: extension > agreed at consultation > rule clock.

Each rule looks at what is known about one step and either gives a deadline or passes.
The first rule that answers wins; the order is the contract's precedence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .state import Deadline


@dataclass(frozen=True, slots=True)
class StepFacts:
    """What the deadline rules may look at for one step of one review."""

    started_on: date | None
    clock_due: date | None  # started_on + the definition's duration
    agreed_due: date | None  # agreed at the preliminary consultation
    extension: Deadline | None  # the latest deadline_extended for the step


class ExtensionRule:
    """A recorded extension (by agreement or Conference decision) overrides everything."""

    source = "extended"

    @staticmethod
    def apply(facts: StepFacts) -> Deadline | None:
        return facts.extension


class AgreedRule:
    """The date agreed at the preliminary consultation, within the bounds of the rules."""

    source = "agreed"

    @staticmethod
    def apply(facts: StepFacts) -> Deadline | None:
        return Deadline(facts.agreed_due, "agreed") if facts.agreed_due else None


class ClockRule:
    """The process definition's clock: N weeks or months after what starts the step."""

    source = "rule"

    @staticmethod
    def apply(facts: StepFacts) -> Deadline | None:
        return Deadline(facts.clock_due, "rule") if facts.clock_due else None


PRECEDENCE = (ExtensionRule, AgreedRule, ClockRule)


def deadline_for(facts: StepFacts) -> Deadline | None:
    if facts.started_on is None:
        return None
    for rule in PRECEDENCE:
        found = rule.apply(facts)
        if found is not None:
            return found
    return None
