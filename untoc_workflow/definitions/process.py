"""The country-review process definition: YAML -> frozen pydantic models."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..core.rules import COMPLETION_SOURCES
from ..dates import Duration
from ..errors import did_you_mean
from ..languages import DEFINITE_ARTICLES as ARTICLES
from ..languages import UN_LANGUAGES
from ..languages import definite_article as article_of
from .rule_use import ConditionUse, WaitingRuleUse

StepId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def _known_languages(titles: dict[str, str]) -> dict[str, str]:
    """A title in a language the letters do not write ('ne' for 'en', 'de') would never be
    read: its readers would get another language's, or the glossary's word."""
    for code in titles:
        if code not in UN_LANGUAGES:
            hint = did_you_mean(code, list(UN_LANGUAGES))
            raise ValueError(
                f"{code!r} is not a language of the Mechanism ({', '.join(UN_LANGUAGES)})"
                + (f" ({hint})" if hint else "")
            )
    return titles


# A title by language: {en: ..., fr: ...}, in the six languages' codes only.
Titles = Annotated[dict[str, str], AfterValidator(_known_languages)]


def _named(titles: dict[str, str]) -> dict[str, str]:
    # an empty role would leave every letter the glossary's word (the Conference, UNODC's
    # secretariat) instead of the body's own
    if not titles:
        raise ValueError("a role needs its title in at least one language, e.g. {en: ...}")
    return titles


# A role's definite form (`reviewed_the: {fr: le membre évalué}`): the role's title with the
# article only its noun's gender tells, for the languages whose letters put one.
DEFINITE = "_the"


def role_form_problems(roles: Mapping[str, Mapping[str, str]]) -> list[tuple[str, str]]:
    """(role, message) for each title of `roles` the letters would misread. A role's title
    has no article: the letters' sentences put the one they need ("inform the President",
    "au Président", "la secretaría del ..."), so "the Chair of the Plenary" would read
    "inform the the Chair of the Plenary". Its definite form (`<role>_the`) is that title
    with its article, in a language that has one, for a role the process names."""
    out: list[tuple[str, str]] = []
    for name, titles in roles.items():
        if not name.endswith(DEFINITE):
            for language, title in titles.items():
                article = article_of(title, language)
                if article is not None:
                    bare = title[len(article) :]
                    out.append(
                        (
                            name,
                            f"{language}: {title!r} begins with an article; write {bare!r}"
                            " (the letters put the article their sentence needs)",
                        )
                    )
            continue
        role = name[: -len(DEFINITE)]
        if role not in roles:
            out.append(
                (
                    name,
                    f"the definite form of a role the process does not name: declare {role!r}"
                    f" too (its title without article), e.g. {role}: {{fr: membre évalué}}",
                )
            )
            continue
        for language, form in titles.items():
            if language not in ARTICLES:
                out.append(
                    (
                        name,
                        f"{language}: the letters put no article before a role in"
                        f" {language}; give {role!r} alone",
                    )
                )
                continue
            article = article_of(form, language)
            own = roles[role].get(language)
            if article is None:
                example = f"le {own}" if language == "fr" and own else "..."
                out.append(
                    (
                        name,
                        f"{language}: {form!r} does not begin with a definite article"
                        f" ({', '.join(a.strip() for a in ARTICLES[language])}),"
                        f" e.g. {example!r}",
                    )
                )
            elif own is not None and form[len(article) :].strip() != own.strip():
                out.append(
                    (
                        name,
                        f"{language}: {form!r} is not {role!r} ({own!r}) with its article;"
                        f" write e.g. {article + own!r}",
                    )
                )
    return out


RoleTitles = Annotated[Titles, AfterValidator(_named)]

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

CompletionFrom = Literal[COMPLETION_SOURCES]  # type: ignore[valid-type]
FieldType = Literal["text", "int", "date", "party", "languages", "agreed", "email", "list"]


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

    @model_validator(mode="after")
    def _no_party_on_internal_letter(self) -> Rung:
        # A letter to the secretariat alone (or the chair) is an internal note: copying a
        # Party's focal point or mission on it would send a State the secretariat's own notes.
        if all(r in ("secretariat", "cop_presidency") for r in self.to):
            parties = [str(r) for r in self.cc if r not in ("secretariat", "cop_presidency")]
            if parties:
                raise ValueError(
                    f"rung {self.id!r} is addressed to {', '.join(map(str, self.to))} only and"
                    f" cannot copy a Party ({', '.join(parties)}): write a rung of its own to"
                    " the Party instead"
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


class CountedFrom(_Frozen):
    """A date field of a fact of the review: "every 12 months from the adoption date"."""

    fact: StepId
    field: StepId


class Starts(_Frozen):
    """What starts a step's clock: the review's start, another step's completion, or a fact
    (a conditional step, e.g. a country visit that starts when the Party accepts one)."""

    at: Literal["review_start"] | None = None
    after: StepId | tuple[StepId, ...] | None = Field(
        None,
        description="the step it starts after, or a list: it starts when the last of them "
        "is complete (or waived)",
    )
    fact: StepId | None = None
    counted_from: CountedFrom | None = Field(
        None,
        description="the deadline counts from this date field of a fact of the review (once "
        "recorded) instead of from the day the step starts; set by `repeat.from`",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Starts:
        if sum(x is not None for x in (self.at, self.after, self.fact)) != 1:
            raise ValueError(
                "give exactly one of `at: review_start`, `after: <step id>` (or a list of"
                " step ids) or `fact: <fact>`"
            )
        if isinstance(self.after, tuple) and not self.after:
            raise ValueError("`after` lists at least one step")
        return self

    @property
    def afters(self) -> tuple[str, ...]:
        """Every step this one starts after (none, one or several)."""
        if self.after is None:
            return ()
        return (self.after,) if isinstance(self.after, str) else tuple(self.after)


class CompletedBy(_Frozen):
    """What completes a step: a fact (from whom), or a named condition of the engine."""

    event: str | None = Field(None, description="the fact (event type) that completes the step")
    from_: CompletionFrom = Field(
        "any",
        alias="from",
        description="who records it: any, reviewed (the reviewed Party), each_reviewer (the "
        "step is complete once every reviewer has, or a joint fact without `party`), "
        "any_reviewer, secretariat",
    )
    condition: ConditionUse | None = Field(
        None,
        description="a condition of the engine that completes the step, e.g. "
        "all_focal_points_named or {rule: all_focal_points_named, roles: [reviewed]}",
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> CompletedBy:
        if (self.event is None) == (self.condition is None):
            raise ValueError("give exactly one of `event: <event type>` or `condition: <name>`")
        return self


class Repeat(_Frozen):
    """A step that comes back: `times` occurrences, the k-th due `every` x (k - 1) after the
    first. Every occurrence starts when the step starts (the same date), so deadlines are
    counted from that date and never drift when a report comes late."""

    times: int = Field(ge=2, le=100)
    every: str
    from_: CountedFrom | None = Field(
        None,
        alias="from",
        description="count every occurrence from a date field of a fact instead of from the "
        "day the step starts, e.g. {fact: report_adopted, field: adopted_on}: the deadlines "
        "are that date + duration, + duration + every... and never drift",
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    _v_every = field_validator("every", mode="before")(classmethod(lambda cls, v: _duration(v)))


class Step(_Frozen):
    id: StepId
    title: Titles = Field(min_length=1)
    starts: Starts
    duration: str | None = None
    agreed_at: StepId | None = Field(
        None, description="a fact with an `agreed` field at which a date for this step is agreed"
    )
    extendable: bool = Field(False, description="a deadline_extended may move its deadline")
    optional: bool = Field(
        False, description="the review may complete without it; it never sets the stage"
    )
    completed_by: CompletedBy
    stage_on_completion: str | None = None
    # Names resolved against the engine's registry of rules (core/rules.py): a definition
    # chooses among them, with parameters; the engine never branches on a step id.
    waiting_for: WaitingRuleUse = Field("reviewed", validate_default=True)
    ladder: tuple[Rung, ...] = ()
    repeat: Repeat | None = Field(
        None,
        description="the step comes back `times` times, each `every` after the previous "
        "deadline; its occurrences are the steps <id>_1..<id>_N, completed by the facts "
        "<fact>_1..<fact>_N",
    )
    # A questionnaire answered in the portal for this step (an XLSForm workbook, relative to
    # the folder of process definitions), or one per cluster: {1: file.xlsx, 2: other.xlsx}.
    questionnaire: str | dict[int, str] | None = Field(
        None,
        description="an XLSForm (.xlsx) answered in the portal at this step, relative to the "
        "process definitions folder; or one per cluster, e.g. {1: questionnaires/saq_1.xlsx}",
    )
    # The portal's document kinds for this step, and who gives each: the step's fact is
    # recorded when everyone named has given every kind asked of them (a list agreed by
    # the reviewed Party and its reviewers is given by all of them, not by one).
    documents: dict[StepId, Literal["reviewed", "each_reviewer", "all"]] = Field(
        default_factory=dict,
        description="document kinds the portal takes for this step, and who gives each: "
        "reviewed (the reviewed Party), each_reviewer (every reviewer), all (the reviewed "
        "Party and every reviewer); the step's fact is recorded when all are in",
    )

    @model_validator(mode="after")
    def _documents_need_a_fact(self) -> Step:
        if self.documents and self.completed_by.event is None:
            raise ValueError("a step with `documents` must be completed by an event")
        return self

    @field_validator("duration", mode="before")
    @classmethod
    def _dur(cls, v: object) -> object:
        return None if v is None else _duration(v)

    @model_validator(mode="after")
    def _ladder_needs_deadline(self) -> Step:
        if self.ladder and self.duration is None:
            raise ValueError("a step with a ladder needs a `duration` (its deadline clock)")
        if self.optional and self.stage_on_completion is not None:
            raise ValueError("an optional step cannot set the stage: nothing may wait for it")
        if self.repeat is not None and (self.duration is None or self.completed_by.event is None):
            raise ValueError("a repeating step needs a `duration` and a fact that completes it")
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


class FactField(_Frozen):
    """One typed field of a fact, as the mechanism file and `untoc record` take it."""

    type: FieldType
    optional: bool = False
    min: int | None = Field(None, description="for int: the smallest value")
    at_most: StepId | None = Field(None, description="for int: never above this other field")
    after: StepId | None = Field(
        None, description="for date: never before this other date field of the fact"
    )
    title: Titles = Field(default_factory=dict)


class Fact(_Frozen):
    """A fact (event type) the process uses: whether it belongs to one review or to a Party,
    and its fields beside `on`, `type`, `review`/`party`, `id` and `note`."""

    scope: Literal["review", "party"]
    title: Titles = Field(default_factory=dict)
    fields: dict[StepId, FactField] = Field(default_factory=dict)
    after: tuple[StepId, ...] = Field(
        (),
        description="facts of the same review recorded before this one: it is refused "
        "before every one of them (e.g. the visit comes after both submissions)",
    )

    @field_validator("after", mode="before")
    @classmethod
    def _one_or_more(cls, v: object) -> object:
        return (v,) if isinstance(v, str) else v

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        # `count: int` is short for `count: {type: int}`
        if isinstance(v, dict):
            return {k: {"type": t} if isinstance(t, str) else t for k, t in v.items()}
        return v

    def label(self, language: str = "en") -> str:
        return self.title.get(language) or self.title.get("en") or ""


def _in(titles: dict[str, str] | None, language: str) -> str | None:
    """A title in `language`, else its English, else None (the caller's own words)."""
    if not titles:
        return None
    return titles.get(language) or titles.get("en") or next(iter(titles.values()))


def _fresh(step: Step, update: dict[str, object]) -> Step:
    """A copy of a step with `update`, its cached clock left behind."""
    copy = step.model_copy(update=update)
    copy.__dict__.pop("clock", None)
    return copy


class ReportFigure(_Frozen):
    """One figure of the secretariat's status report (status-report.md): what the engine
    counts (`figure`) and the step or fact of this process it counts. The key it is given
    in the definition's `report:` is its key in the report's JSON."""

    figure: Literal[
        "focal_point_roll",
        "nominations",
        "consultations",
        "languages",
        "submissions",
        "progress",
        "outcome",
    ] = Field(
        description="focal_point_roll: the focal points in office (the engine's own facts); "
        "nominations: persons named in a party fact with `count` and `women`; consultations: "
        "reviews whose `step` is done; languages: the languages agreed when `step` was done; "
        "submissions: `step` done, on time or how late; progress: reviews at `step`, late, "
        "done; outcome: reviews at `step` and at the last stage"
    )
    step: StepId | None = None
    fact: StepId | None = None

    @model_validator(mode="after")
    def _source(self) -> ReportFigure:
        wants = {"focal_point_roll": None, "nominations": "fact"}.get(self.figure, "step")
        given = "step" if self.step else "fact" if self.fact else None
        if given != wants or (self.step and self.fact):
            need = f"`{wants}`" if wants else "neither `step` nor `fact`"
            raise ValueError(f"figure {self.figure!r} takes {need}")
        return self


# The roles and bodies a process may name in its own words (`roles:`), each with its
# forms (`review_other`, `review_gen`...): what letters and reports read.
ROLE_NAMES = (
    "review",
    "chair",
    "body",
    "mechanism",
    "secretariat",
    "office",
    "place",
    "reviewed",
    "reviewer",
)


class ProcessDefinition(_Frozen):
    """A versioned process: the facts it uses, its stages and its steps."""

    process: StepId
    version: int = Field(ge=1)
    title: Titles = Field(default_factory=dict)
    facts: dict[StepId, Fact] = Field(
        default_factory=dict, description="the fact (event) types this process declares"
    )
    stages: tuple[str, ...] = Field(min_length=2)
    steps: tuple[Step, ...] = Field(min_length=1)
    roles: dict[StepId, RoleTitles] = Field(
        default_factory=dict,
        description="titles of the roles and bodies the process's words name, by language: "
        "review (for 'country review'), chair (the President of the Conference), body (the "
        "Conference), mechanism (the Review Mechanism, whose name then ends every letter), "
        "secretariat (the secretariat of the Review Mechanism, which signs the letters: "
        "'secretariat of ...', its head noun first), office (the line under the signature, "
        "UNODC's by default; none when the process declares its own secretariat alone), place "
        "(the duty station the letters are dated from, Vienna by default), reviewed (the "
        "'State party under review'), reviewer (a 'reviewing State party'); a "
        "form where a language needs one: review_other, reviewer_other (plural), review_gen, "
        "review_gen_other (cases), review_yours_other (Arabic 'your reviews'); a role's "
        "definite form `<role>_the` (its title with the article its gender takes, in en, fr, "
        "es: reviewed_the: {fr: le membre évalué, es: el miembro evaluado}); letters and "
        "reports read them (`role_title`)",
    )

    stage_titles: dict[str, Titles] = Field(
        default_factory=dict,
        description="optional: the title of each stage by language, e.g. {pending: {en: "
        "Pending, fr: En attente}}; pages and reports show it instead of the stage's id",
    )
    document_titles: dict[StepId, Titles] = Field(
        default_factory=dict,
        description="optional: the title of each document kind of the steps' `documents` by "
        "language, e.g. {country_report: {en: Country report, fr: Rapport national}}; the "
        "portal shows it instead of the kind's id",
    )

    @model_validator(mode="after")
    def _titles_name_own_stages_and_documents(self) -> ProcessDefinition:
        """A title for a stage or a document kind the process does not have would never be
        shown: a misspelt key is refused rather than leaving the id on the pages."""
        kinds = [k for s in self.steps for k in s.documents]
        for key, known, what in (
            ("stage_titles", list(self.stages), "stage"),
            ("document_titles", kinds, "document kind"),
        ):
            for name in getattr(self, key):
                if name not in known:
                    hint = did_you_mean(name, known)
                    raise ValueError(
                        f"{key}: {name!r} is no {what} of this process ({', '.join(known)})"
                        + (f" ({hint})" if hint else "")
                    )
        return self

    def stage_title(self, stage: str, language: str = "en") -> str | None:
        """The title the process gives a stage in `language` (else English); None: none."""
        return _in(self.stage_titles.get(stage), language)

    def document_title(self, kind: str, language: str = "en") -> str | None:
        """The title the process gives a document kind in `language` (else English)."""
        return _in(self.document_titles.get(kind), language)

    def fact_title(self, fact: str, language: str = "en") -> str | None:
        """The title the process gives a fact in `language` (else English); None: none."""
        found = self.facts.get(fact)
        return _in(found.title if found is not None else None, language)

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """A role the letters do not read would silently leave the glossary's word."""
        for name in roles:
            base = next((b for b in ROLE_NAMES if name == b or name.startswith(b + "_")), None)
            if base is None:
                hint = did_you_mean(name, list(ROLE_NAMES))
                raise ValueError(
                    f"role {name!r} is none the letters name; roles: "
                    + ", ".join(ROLE_NAMES)
                    + " (and their forms, e.g. review_other)"
                    + (f" ({hint})" if hint else "")
                )
        return roles

    @model_validator(mode="after")
    def _occurrences(self) -> ProcessDefinition:
        """A repeating step becomes its occurrences, each with its own fact: the fold, the
        admission, letters and reports then need nothing of their own for it."""
        if not any(s.repeat for s in self.steps):
            return self
        steps: list[Step] = []
        facts = dict(self.facts)
        for s in self.steps:
            if s.repeat is None:
                steps.append(s)
                continue
            first = Duration.parse(str(s.duration))
            every = Duration.parse(s.repeat.every)
            if first.unit != every.unit:
                raise ValueError(
                    f"step {s.id!r}: `duration` and `repeat.every` must be counted alike"
                    " (both in months or both in days/weeks)"
                )
            n = s.repeat.times
            event = str(s.completed_by.event)
            fact = facts.pop(event, None)
            for k in range(1, n + 1):
                clock = Duration(first.amount + every.amount * (k - 1), first.unit)
                title = {lang: f"{t} ({k}/{n})" for lang, t in s.title.items()}
                steps.append(
                    _fresh(
                        s,
                        {
                            "id": f"{s.id}_{k}",
                            "title": title,
                            "duration": str(clock),
                            "repeat": None,
                            "starts": s.starts
                            if s.repeat.from_ is None
                            else s.starts.model_copy(update={"counted_from": s.repeat.from_}),
                            "completed_by": s.completed_by.model_copy(
                                update={"event": f"{event}_{k}"}
                            ),
                            # only the last occurrence moves the review on
                            "stage_on_completion": s.stage_on_completion if k == n else None,
                        },
                    )
                )
                if fact is not None:
                    facts[f"{event}_{k}"] = fact.model_copy(
                        update={"title": {lang: f"{t} ({k}/{n})" for lang, t in fact.title.items()}}
                    )
        object.__setattr__(self, "steps", tuple(steps))
        object.__setattr__(self, "facts", facts)
        return self

    def role_title(self, role: str, language: str = "en") -> str | None:
        """The title the process gives a role or body, in `language` (else English)."""
        titles = self.roles.get(role)
        if not titles:
            return None
        return titles.get(language) or titles.get("en") or next(iter(titles.values()))

    tag: str | None = Field(
        None,
        description="the short name heading every letter's subject, e.g. UNTOC"
        " (`[UNTOC C1-G1-NGA]`); by default the process's title in the letter's language",
    )

    report: dict[StepId, ReportFigure] = Field(
        default_factory=dict,
        description="the secretariat's figures: each key of the status report's JSON "
        "(status-report.md) with the step or fact of this process that feeds it",
    )

    @model_validator(mode="after")
    def _report_names_own_steps(self) -> ProcessDefinition:
        steps = {s.id for s in self.steps}
        for key, fig in self.report.items():
            if fig.step is not None and fig.step not in steps:
                raise ValueError(f"report.{key}: {fig.step!r} is not a step of this process")
            if fig.fact is not None and fig.fact not in self.facts:
                raise ValueError(f"report.{key}: {fig.fact!r} is not a fact of this process")
        return self

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    # asked for every event of an import (a million): computed once per definition
    @cached_property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps)

    @property
    def key(self) -> tuple[str, int]:
        return (self.process, self.version)

    @property
    def ref(self) -> str:
        """`country_review@2`, as `untoc migrate --to` takes it."""
        return f"{self.process}@{self.version}"

    @cached_property
    def extendable_steps(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps if s.extendable)

    def agreed_steps(self, fact: str) -> tuple[str, ...]:
        """Steps whose date may be agreed at `fact` (the keys of its `agreed` field)."""
        return tuple(s.id for s in self.steps if s.agreed_at == fact)
