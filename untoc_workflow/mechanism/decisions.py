"""Conference decisions as files (`process_defs/decisions/*.yaml`): frozen, checked models.

A decision never edits a definition in place; each effect says what changes, for which
reviews, from when. `decide.py` turns effects into events carrying the decision reference.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..dates import Duration
from ..definitions.catalog import ProcessCatalog
from ..definitions.load import allowed_keys
from ..errors import InputError, Problem, did_you_mean, problems_from_validation
from ..yamlsource import Located, load_file
from .definition import DurationText, IsoDate

if TYPE_CHECKING:
    from ..definitions.catalog import Definitions
    from ..definitions.process import ProcessDefinition


def _int_list(value: object) -> object:
    return [value] if isinstance(value, int) else value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Reviews(_Frozen):
    """Which reviews an effect is for: by cluster, group(s) and/or review ids."""

    cluster: int | None = Field(None, ge=1, le=4)
    group: Annotated[tuple[int, ...], BeforeValidator(_int_list)] | None = None
    ids: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _something(self) -> Reviews:
        if self.cluster is None and self.group is None and self.ids is None:
            raise ValueError("say which reviews: `cluster`, `group` and/or `ids`")
        return self

    def selects(self, review: Any) -> bool:
        if self.cluster is not None and review.cluster != self.cluster:
            return False
        if self.group is not None and review.group not in self.group:
            return False
        return self.ids is None or review.id in self.ids

    def describe(self) -> str:
        parts = []
        if self.cluster is not None:
            parts.append(f"cluster {self.cluster}")
        if self.group is not None:
            word = "group" if len(self.group) == 1 else "groups"
            parts.append(f"{word} {', '.join(map(str, self.group))}")
        if self.ids is not None:
            parts.append(f"reviews {', '.join(self.ids)}")
        return " ".join(parts)


class ExtendDeadline(_Frozen):
    """Extend a step's deadline by a duration (or to a date), for the reviews still at that
    step on a date."""

    kind: Literal["extend_deadline"]
    step: str
    by: DurationText | None = None
    to: IsoDate | None = Field(None, description="a new deadline, instead of `by`")
    reviews: Reviews
    still_at_step_on: IsoDate | None = Field(None, description="default: the adoption date")

    @model_validator(mode="after")
    def _by_or_to(self) -> ExtendDeadline:
        if (self.by is None) == (self.to is None):
            raise ValueError("give exactly one of `by: <duration>` or `to: <date>`")
        if self.by is not None and Duration.parse(self.by).amount <= 0:
            # "-6 months" would bring deadlines forward under the name of an extension
            raise ValueError(
                f"an extension moves a deadline later: `by: {self.by}` is not; write a"
                " positive duration (e.g. '3 months'), or `to: <date>` for a new deadline"
            )
        return self


class ChangeDuration(_Frozen):
    """Change the clock of a step from a date (running reviews get extensions, see decide.py)."""

    kind: Literal["change_duration"]
    step: str
    duration: DurationText
    from_: IsoDate = Field(alias="from")
    reviews: Reviews | None = Field(None, description="default: every review")

    @model_validator(mode="after")
    def _a_real_clock(self) -> ChangeDuration:
        if Duration.parse(self.duration).amount <= 0:
            raise ValueError(f"a step's duration is a span of time: {self.duration!r} is not")
        return self


class SetThreshold(_Frozen):
    """Set the share of the first group's reviews that must be complete before the next cluster."""

    kind: Literal["set_threshold"]
    percent: float = Field(gt=0, le=100)
    from_: IsoDate | None = Field(None, alias="from", description="default: the adoption date")
    cluster: int | None = Field(None, ge=1, le=4, description="the running cluster; default all")


class WaiveStep(_Frozen):
    """Waive a step for the reviews that have not completed it on a date."""

    kind: Literal["waive_step"]
    step: str
    reviews: Reviews
    on: IsoDate | None = Field(None, description="default: the adoption date")


Effect = Annotated[
    ExtendDeadline | ChangeDuration | SetThreshold | WaiveStep, Field(discriminator="kind")
]


class Decision(_Frozen):
    """A Conference decision: its reference (shown with every deadline it moves) and effects."""

    decision: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./_-]*$")
    title: dict[str, str] = Field(min_length=1)
    adopted_on: IsoDate
    adopted_by: str = "Conference of the Parties"
    effects: tuple[Effect, ...] = Field(min_length=1)

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, v: object) -> object:
        return {"en": v} if isinstance(v, str) else v

    @property
    def ref(self) -> str:
        return self.decision

    def label(self, language: str = "en") -> str:
        return self.title.get(language) or next(iter(self.title.values()))

    def effective_on(self, effect: Any) -> date:
        """The date an effect takes hold (never before the decision was adopted)."""
        given = getattr(effect, "still_at_step_on", None) or getattr(effect, "on", None)
        if isinstance(effect, (ChangeDuration, SetThreshold)):
            given = effect.from_
        return max(self.adopted_on, given) if given else self.adopted_on

    def digest(self) -> str:
        """A fingerprint of the content: re-applying a changed file under the same reference
        is refused (a decision is amended by a new decision, never edited in place)."""
        body = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:16]


def load_decision(path: str | Path, process: Definitions | None = None) -> Decision:
    """Parse and check a decision file; with `process`, check its steps exist there."""
    return parse_decision(load_file(path, aliases=False), process)


def parse_decision(located: Located, process: Definitions | None = None) -> Decision:
    if not isinstance(located.data, dict):
        raise InputError([Problem("a decision must be a mapping", file=located.file, line=1)])
    try:
        decision = Decision.model_validate(located.data)
    except ValidationError as exc:
        raise InputError(
            problems_from_validation(
                _WithoutTags(exc),
                file=located.file,
                lines=located.lines,
                allowed_keys=lambda loc: _allowed(located.data, loc),
            ),
            title=f"{located.file}: the decision has errors",
        ) from exc
    if process is not None:
        problems = list(check_steps(decision, process, located))
        if problems:
            raise InputError(problems, title=f"{located.file}: the decision has errors")
    return decision


def check_steps(decision: Decision, process: Definitions, located: Located) -> Iterable[Problem]:
    """Every step an effect names exists in some loaded process; deadlines move only on
    steps with a clock. (Which reviews an effect reaches is the plan's: those whose own
    process has the step, see `effect_concerns`.)"""
    every = list(process) if isinstance(process, ProcessCatalog) else [process]
    ids = list(dict.fromkeys(s.id for d in every for s in d.steps))
    # the steps a definition declares `extendable` (the contract's saq, feedback, observations)
    movable = list(dict.fromkeys(s.id for d in every for s in d.steps if s.extendable))
    for i, effect in enumerate(decision.effects):
        step = getattr(effect, "step", None)
        if step is None:
            continue
        path = f"effects[{i}].step"
        line = located.line_of(path)
        if step not in ids:
            yield Problem(
                f"unknown step {step!r}; steps: {', '.join(ids)}",
                hint=did_you_mean(step, ids),
                file=located.file,
                line=line,
                path=path,
            )
        elif isinstance(effect, (ExtendDeadline, ChangeDuration)) and step not in movable:
            yield Problem(
                f"the deadline of step {step!r} cannot be moved by a decision; "
                f"steps with a movable deadline: {', '.join(movable)}",
                hint=did_you_mean(step, movable),
                file=located.file,
                line=line,
                path=path,
            )


def effect_concerns(definition: ProcessDefinition, effect: Effect) -> bool:
    """Whether an effect reaches a review folded with `definition`: its process has the step
    named, and a deadline effect finds it extendable there. A set_threshold concerns no
    review's steps."""
    step_id = getattr(effect, "step", None)
    if step_id is None:
        return True
    step = next((s for s in definition.steps if s.id == step_id), None)
    if step is None:
        return False
    return step.extendable or not isinstance(effect, (ExtendDeadline, ChangeDuration))


def reviews_not_concerned(
    decision: Decision,
    process: Definitions,
    reviews: Mapping[str, Any],
    definition_on: Any,
    located: Located | None = None,
) -> list[Problem]:
    """Each review an effect names by id whose own process has no such step (or, for a
    deadline, does not let it move): naming it is a mistake, while a review only selected
    by cluster or group is simply not concerned (the plan lists it as skipped).
    `definition_on(review, effect)` gives the definition the review folds with then."""
    problems = []
    for i, effect in enumerate(decision.effects):
        selector = getattr(effect, "reviews", None)
        step = getattr(effect, "step", None)
        if step is None:
            continue
        for j, rid in enumerate(getattr(selector, "ids", None) or ()):
            review = reviews.get(rid)
            if review is None:
                continue  # unknown_reviews says so
            definition = definition_on(review, effect)
            if effect_concerns(definition, effect):
                continue
            path = f"effects[{i}].reviews.ids[{j}]"
            has = any(s.id == step for s in definition.steps)
            why = "does not let a decision move its deadline" if has else "has no such step"
            problems.append(
                Problem(
                    f"review {rid} runs {definition.process}@{definition.version}, which "
                    f"{why}: {step!r}",
                    path=path,
                    file=located.file if located else None,
                    line=located.line_of(path) if located else None,
                    hint="leave the review out of this effect, or name a step of its process",
                )
            )
    return problems


def unknown_reviews(
    decision: Decision, reviews: Mapping[str, Any], located: Located | None = None
) -> list[Problem]:
    """Each review id an effect names that the store does not hold: a decision about a
    review that does not exist is a typing mistake, and applying the rest would hide it."""
    problems = []
    for i, effect in enumerate(decision.effects):
        selector = getattr(effect, "reviews", None)
        for j, rid in enumerate(getattr(selector, "ids", None) or ()):
            if rid in reviews:
                continue
            path = f"effects[{i}].reviews.ids[{j}]"
            problems.append(
                Problem(
                    f"unknown review {rid!r}",
                    path=path,
                    file=located.file if located else None,
                    line=located.line_of(path) if located else None,
                    hint=did_you_mean(rid, reviews),
                )
            )
    return problems


_EFFECT_MODELS: dict[str, type[BaseModel]] = {
    "extend_deadline": ExtendDeadline,
    "change_duration": ChangeDuration,
    "set_threshold": SetThreshold,
    "waive_step": WaiveStep,
}


class _WithoutTags:
    """A ValidationError's errors with the effect kind taken out of each path
    (`effects[0].extend_deadline.by` -> `effects[0].by`), and without the follow-on
    complaint that no effect is left once every effect had an error."""

    def __init__(self, exc: ValidationError) -> None:
        self.exc = exc

    def errors(self) -> list[Any]:
        out = []
        errors = self.exc.errors()
        effect_errors = any(len(e["loc"]) > 1 and e["loc"][0] == "effects" for e in errors)
        for err in errors:
            loc = list(err["loc"])
            if loc == ["effects"] and err["type"] == "too_short" and effect_errors:
                continue
            if len(loc) > 2 and loc[0] == "effects" and loc[2] in _EFFECT_MODELS:
                loc.pop(2)
            out.append({**err, "loc": tuple(loc)})
        return out


def _allowed(data: Any, loc: Any) -> list[str]:
    # An effect's keys depend on its `kind`; find the model for the effect at `loc`.
    loc = list(loc)
    if len(loc) >= 2 and loc[0] == "effects" and isinstance(loc[1], int):
        try:
            kind = data["effects"][loc[1]]["kind"]
        except (KeyError, IndexError, TypeError):
            return []
        model = _EFFECT_MODELS.get(kind)
        return allowed_keys(model, loc[2:]) if model else []
    return allowed_keys(Decision, loc)


def decisions_dir(process_defs: Path) -> Path:
    return process_defs / "decisions"


def load_decisions(folder: Path, process: Definitions | None = None) -> list[tuple[Path, Decision]]:
    """Every decision file in a folder (sorted by adoption date, then reference)."""
    out = [(p, load_decision(p, process)) for p in sorted(folder.glob("*.y*ml"))]
    return sorted(out, key=lambda pd: (pd[1].adopted_on, pd[1].ref))
