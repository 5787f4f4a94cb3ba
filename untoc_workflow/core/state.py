"""What the core derives for one review on one date: values, never sends or writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Where a deadline comes from, in increasing precedence (mechanism-file contract).
DEADLINE_SOURCES = ("rule", "agreed", "extended")


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date
    source: str  # "rule" | "agreed" | "extended"
    basis: str | None = None  # for "extended": the agreement or Conference decision
    decision: str | None = None  # reference of the Conference decision, if any


@dataclass(frozen=True, slots=True)
class StepState:
    step: str
    status: str  # "not_started" | "open" | "completed" | "waived" | "skipped" (optional)
    started_on: date | None = None
    completed_on: date | None = None
    deadline: Deadline | None = None
    days_overdue: int = 0  # open steps past their deadline on the date; 0 otherwise
    waiting_for: tuple[str, ...] = ()  # party codes the open step waits for
    submitted_by: tuple[str, ...] = ()  # reviewers who already sent their part (feedback)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class DueNotification:
    """A rung of a ladder that is due on the date: a value the outbox turns into emails.

    `key` is stable: the same rung occurrence for the same deadline always has the same key,
    so recording it twice is harmless, and a moved deadline gives new keys.
    """

    key: str
    review: str
    step: str
    rung: str
    occurrence: int  # 0 for the first time the rung fires, 1 for the first repeat...
    due_on: date  # the day the rung fell due (before the sweep date when caught up)
    as_of: date  # the sweep date that found it
    deadline: Deadline
    days_overdue: int  # relative to the deadline, on the sweep date (negative = before)
    to: tuple[str, ...]  # recipient roles, e.g. "waiting.focal_point"
    cc: tuple[str, ...]
    template: str
    waiting_for: tuple[str, ...]  # party codes the step waits for on the date
    # The step began after its deadline had passed: the ladder (and days_overdue) count from
    # this day, the step's start, and the notice says so.
    counted_from: date | None = None

    @property
    def caught_up(self) -> bool:
        """True when the rung fell due on an earlier day the sweep did not run."""
        return self.due_on < self.as_of


@dataclass(frozen=True, slots=True)
class ReviewState:
    review: str
    cluster: int
    group: int
    as_of: date
    stage: str
    reviewed: str
    reviewers: tuple[str, ...]  # current reviewers, after redraws
    consultation_held_on: date | None
    languages: tuple[str, ...] | None  # None: no consultation yet; (): held, no agreement
    blocked: bool  # contract: a party lacks a focal point and no consultation yet
    parties_without_focal_point: tuple[str, ...]
    steps: tuple[StepState, ...]
    notifications: tuple[DueNotification, ...]
    process_version: int = 1
    process: str = "country_review"

    def step(self, step_id: str) -> StepState:
        for s in self.steps:
            if s.step == step_id:
                return s
        raise KeyError(step_id)

    @property
    def open_steps(self) -> tuple[StepState, ...]:
        return tuple(s for s in self.steps if s.is_open)

    @property
    def next_deadline(self) -> StepState | None:
        """The open step with the earliest deadline (the one to chase first)."""
        dated = [s for s in self.steps if s.is_open and s.deadline is not None]
        return min(dated, key=lambda s: s.deadline.due) if dated else None  # type: ignore[union-attr]

    @property
    def days_overdue(self) -> int:
        return max((s.days_overdue for s in self.steps if s.is_open), default=0)

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Parties holding the review up on the date, across its open steps."""
        out: list[str] = []
        for s in self.steps:
            if s.is_open:
                out.extend(p for p in s.waiting_for if p not in out)
        return tuple(out)
