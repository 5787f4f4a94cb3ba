"""The country-review process definition: YAML -> frozen pydantic models."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..dates import Duration

StepId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]

# Who a rung is addressed to. "waiting" = the parties the step is waiting for on the date.
RECIPIENT_ROLES = (
    "reviewed.focal_point",
    "reviewed.mission",
    "reviewers.focal_point",
    "reviewers.mission",
    "waiting.focal_point",
    "waiting.mission",
    "secretariat",
    "cop_presidency",
)
Recipient = Literal[
    "reviewed.focal_point",
    "reviewed.mission",
    "reviewers.focal_point",
    "reviewers.mission",
    "waiting.focal_point",
    "waiting.mission",
    "secretariat",
    "cop_presidency",
]

# Which parties a step waits for (who "blocks" it while it is open).
WaitingFor = Literal[
    "reviewed", "reviewers", "reviewers_pending", "parties_without_focal_point", "all"
]
# Completion rules the core knows; each is a small named rule in core/completion.py.
Condition = Literal["all_focal_points_named"]
CompletionFrom = Literal["any", "reviewed", "each_reviewer"]
AgreedField = Literal["saq", "written_feedback", "observations"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _duration(value: object) -> str:
    Duration.parse(str(value))  # raises ValueError with an example of the right form
    return str(value)


class Rung(_Frozen):
    """One rung of an escalation ladder: who is told what, and when, relative to the deadline."""

    id: StepId
    at: str = Field(description="offset from the deadline, e.g. '-2 weeks', '0 days', '+3 months'")
    every: str | None = Field(None, description="repeat at this interval after `at`")
    times: int | None = Field(None, ge=1, description="how many times in all (with `every`)")
    until: str | None = Field(
        None, description="with `every`: the last offset from the deadline, e.g. '+24 months'"
    )
    to: tuple[Recipient, ...] = Field(min_length=1)
    cc: tuple[Recipient, ...] = ()
    template: StepId
    approval: Literal["secretariat"] | None = Field(
        None, description="who must approve the message before it is sent"
    )

    _v_at = field_validator("at", mode="before")(classmethod(lambda cls, v: _duration(v)))

    @field_validator("every", mode="before")
    @classmethod
    def _every(cls, v: object) -> object:
        if v is None:
            return v
        text = _duration(v)
        if Duration.parse(text).amount <= 0:
            raise ValueError("`every` must be a positive interval, e.g. '1 month'")
        return text

    @field_validator("until", mode="before")
    @classmethod
    def _until(cls, v: object) -> object:
        return None if v is None else _duration(v)

    @model_validator(mode="after")
    def _times_needs_every(self) -> Rung:
        if self.times is not None and self.every is None and self.times > 1:
            raise ValueError("`times` above 1 needs `every`")
        if self.every is not None and self.times is None and self.until is None:
            # correspondence must end: nobody signs a letter that repeats for ever
            raise ValueError(
                f"rung {self.id!r} repeats every {self.every} without an end:"
                " add `times: N` or `until: +24 months`"
            )
        return self

    # Parsed once: the sweep asks for these for every open step of every review.
    @cached_property
    def offset(self) -> Duration:
        return Duration.parse(self.at)

    @cached_property
    def interval(self) -> Duration | None:
        return Duration.parse(self.every) if self.every else None

    @cached_property
    def until_offset(self) -> Duration | None:
        return Duration.parse(self.until) if self.until else None


class Starts(_Frozen):
    """What starts a step's clock: the review's start, or another step's completion."""

    at: Literal["review_start"] | None = None
    after: StepId | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Starts:
        if (self.at is None) == (self.after is None):
            raise ValueError("give exactly one of `at: review_start` or `after: <step id>`")
        return self


class CompletedBy(_Frozen):
    """What completes a step: an event (from whom), or a named condition."""

    event: str | None = None
    from_: CompletionFrom = Field("any", alias="from")
    condition: Condition | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> CompletedBy:
        if (self.event is None) == (self.condition is None):
            raise ValueError("give exactly one of `event: <event type>` or `condition: <name>`")
        return self


class Step(_Frozen):
    id: StepId
    title: dict[str, str] = Field(min_length=1)
    starts: Starts
    duration: str | None = None
    agreed_as: AgreedField | None = None
    completed_by: CompletedBy
    stage_on_completion: str | None = None
    waiting_for: WaitingFor = "reviewed"
    ladder: tuple[Rung, ...] = ()

    @field_validator("duration", mode="before")
    @classmethod
    def _dur(cls, v: object) -> object:
        return None if v is None else _duration(v)

    @model_validator(mode="after")
    def _ladder_needs_deadline(self) -> Step:
        if self.ladder and self.duration is None:
            raise ValueError("a step with a ladder needs a `duration` (its deadline clock)")
        ids = [r.id for r in self.ladder]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"rung ids must be unique within a step; repeated: {', '.join(dupes)}")
        return self

    @cached_property
    def clock(self) -> Duration | None:
        return Duration.parse(self.duration) if self.duration else None

    def label(self, language: str = "en") -> str:
        return self.title.get(language) or self.title.get("en") or next(iter(self.title.values()))


class ProcessDefinition(_Frozen):
    """A versioned country-review process: its stages and steps."""

    process: Literal["country_review"]
    version: int = Field(ge=1)
    title: dict[str, str] = Field(default_factory=dict)
    stages: tuple[str, ...] = Field(min_length=2)
    steps: tuple[Step, ...] = Field(min_length=1)

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps)
