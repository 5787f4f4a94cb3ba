"""The engine's small registry of named rules a process definition may use.

A definition names a rule (`condition: all_focal_points_named`, `waiting_for: reviewers_pending`)
and the engine looks it up here, as python-statemachine resolves a bare name against its
registry: the process file chooses, the engine never branches on a step or fact id.

Two kinds:
- a **condition** completes a step without a fact of its own (every party has a focal point);
- a **waiting rule** says which parties an open step waits for (who holds it up, who is
  chased by `waiting.*` rungs).

Each rule is a class with a `name` and its `Params` (typed, each with a default); an
instance is the rule with the parameters a definition gave it, built once when a
definition is compiled. It is handed what it may look at (`RuleFacts`), never the store or
the clock. A few old names stay as shorthands (`WAITING_SHORTHANDS`): `reviewed` means exactly
`{rule: parties, roles: [reviewed]}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .focal_points import FocalPointRoll


@dataclass(frozen=True, slots=True)
class RuleFacts:
    """What a rule may look at for one step of one review on the date."""

    reviewed: str
    reviewers: Sequence[str]  # current reviewers, after redraws
    parties: Sequence[str]  # reviewed first, then reviewers
    without_focal_point: tuple[str, ...]
    roll: FocalPointRoll


# -- parameters ----------------------------------------------------------------------------

Role = Literal["reviewed", "reviewers"]
ROLES: tuple[Role, ...] = ("reviewed", "reviewers")


class RuleParams(BaseModel):
    """The parameters of a rule: frozen, every one with a default, no unknown key."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NoParams(RuleParams):
    pass


class RolesParams(RuleParams):
    roles: tuple[Role, ...] = Field(
        ROLES,
        min_length=1,
        description="which Parties of the review: reviewed (the reviewed State party), "
        "reviewers (the current reviewing States parties)",
    )

    @field_validator("roles")
    @classmethod
    def _canonical(cls, value: tuple[Role, ...]) -> tuple[Role, ...]:
        # a set of roles, kept in one order: the reviewed Party first, as in `parties`
        return tuple(r for r in ROLES if r in value)


# -- the kinds of rule ---------------------------------------------------------------------


class Rule:
    """A named rule with its parameters, built once per compiled definition."""

    name: ClassVar[str]
    Params: ClassVar[type[RuleParams]] = NoParams

    __slots__ = ("params",)

    def __init__(self, params: RuleParams | None = None) -> None:
        self.params = params if params is not None else self.Params()


class Condition(Rule):
    # The engine fact that moves the condition on, which a person records (a run waiting
    # at the step asks for it); None for a condition no recorded fact moves.
    moved_by: ClassVar[str | None] = None

    __slots__ = ()

    def completed_on(self, facts: RuleFacts) -> date | None:
        raise NotImplementedError


class WaitingRule(Rule):
    # Whether the step's notices are facts about a Party rather than about one review
    # (a Party without a focal point holds up all its reviews): the sweep says it once
    # per Party.
    about_parties: ClassVar[bool] = False

    __slots__ = ()

    def waiting_for(self, facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        """The parties holding the step up; `submitted`: the parties that already sent
        their part of the step's fact (a step each reviewer completes)."""
        raise NotImplementedError


# --- conditions ---------------------------------------------------------------------------


class AllFocalPointsNamed(Condition):
    """Complete on the first day every Party of the given roles has a focal point."""

    name: ClassVar[str] = "all_focal_points_named"
    Params: ClassVar[type[RuleParams]] = RolesParams
    moved_by: ClassVar[str | None] = "focal_point_nominated"

    __slots__ = ("_reviewed", "_reviewers")

    def __init__(self, params: RuleParams | None = None) -> None:
        super().__init__(params)
        roles = self.params.roles  # type: ignore[attr-defined]
        self._reviewed = "reviewed" in roles
        self._reviewers = "reviewers" in roles

    def completed_on(self, facts: RuleFacts) -> date | None:
        if self._reviewed and self._reviewers:
            return facts.roll.first_all_named(facts.parties)
        return facts.roll.first_all_named((facts.reviewed,) if self._reviewed else facts.reviewers)


# --- waiting rules ------------------------------------------------------------------------


class PartiesParams(RolesParams):
    pending: bool = Field(
        False,
        description="only those that have not yet sent their part of the step's fact "
        "(a step completed by each reviewer)",
    )


class WaitsForParties(WaitingRule):
    """The Parties of the given roles hold the step up (with `pending`, those of them that
    have not yet sent their part)."""

    name: ClassVar[str] = "parties"
    Params: ClassVar[type[RuleParams]] = PartiesParams

    __slots__ = ("_reviewed", "_reviewers", "_pending")

    def __init__(self, params: RuleParams | None = None) -> None:
        super().__init__(params)
        roles = self.params.roles  # type: ignore[attr-defined]
        self._reviewed = "reviewed" in roles
        self._reviewers = "reviewers" in roles
        self._pending: bool = self.params.pending  # type: ignore[attr-defined]

    def waiting_for(self, facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        if not self._reviewers:
            found: Sequence[str] = (facts.reviewed,)
        elif not self._reviewed:
            found = facts.reviewers
        else:
            # one Party may hold two roles only in a malformed review; name it once
            found = tuple(dict.fromkeys(facts.parties))
        if self._pending:
            return tuple(p for p in found if p not in submitted)
        return tuple(found)


class WaitsForPartiesWithoutFocalPoint(WaitingRule):
    """The Parties of the given roles that have no focal point on the date."""

    name: ClassVar[str] = "parties_without_focal_point"
    Params: ClassVar[type[RuleParams]] = RolesParams
    about_parties: ClassVar[bool] = True

    __slots__ = ("_reviewed", "_reviewers")

    def __init__(self, params: RuleParams | None = None) -> None:
        super().__init__(params)
        roles = self.params.roles  # type: ignore[attr-defined]
        self._reviewed = "reviewed" in roles
        self._reviewers = "reviewers" in roles

    def waiting_for(self, facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        without = facts.without_focal_point
        if self._reviewed and self._reviewers:
            return without
        if self._reviewed:
            return tuple(p for p in without if p == facts.reviewed)
        return tuple(p for p in without if p in facts.reviewers)


class WaitsForSecretariat(WaitingRule):
    """No Party holds the step up: the secretariat's own work (translation, editing)."""

    name: ClassVar[str] = "secretariat"
    __slots__ = ()

    def waiting_for(self, facts: RuleFacts, submitted: Mapping[str, date]) -> tuple[str, ...]:
        return ()


CONDITIONS: dict[str, type[Condition]] = {rule.name: rule for rule in (AllFocalPointsNamed,)}
WAITING_RULES: dict[str, type[WaitingRule]] = {
    rule.name: rule
    for rule in (WaitsForParties, WaitsForPartiesWithoutFocalPoint, WaitsForSecretariat)
}

# The names definitions used before rules took parameters; each means exactly what it
# meant then: the rule it names with these parameters.
WAITING_SHORTHANDS: dict[str, tuple[str, Mapping[str, Any]]] = {
    "reviewed": ("parties", {"roles": ["reviewed"]}),
    "reviewers": ("parties", {"roles": ["reviewers"]}),
    "reviewers_pending": ("parties", {"roles": ["reviewers"], "pending": True}),
    "all": ("parties", {"roles": ["reviewed", "reviewers"]}),
}


def waiting_rule(use: Any) -> WaitingRule:
    """The waiting rule a definition's `waiting_for` names, with its parameters."""
    return _built(use, WAITING_RULES, WAITING_SHORTHANDS)


def condition_rule(use: Any) -> Condition:
    """The condition a definition's `completed_by.condition` names, with its parameters."""
    return _built(use, CONDITIONS, {})


R = TypeVar("R", bound=Rule)


def _built(
    use: Any,
    registry: Mapping[str, type[R]],
    shorthands: Mapping[str, tuple[str, Mapping[str, Any]]],
) -> R:
    if isinstance(use, str):  # a bare name: a shorthand, or the rule with its defaults
        name, given = shorthands.get(use, (use, {}))
        rule = registry[name]
        return rule(rule.Params.model_validate(given))
    return registry[use.rule](use.params)


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
