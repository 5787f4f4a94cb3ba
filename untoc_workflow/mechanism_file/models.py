"""The `untoc-mechanism/1` file as frozen pydantic models (shape only; references are
checked in `checks.py`, where the whole document and the store are known)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
)
from pydantic.json_schema import WithJsonSchema

from ..languages import Language
from ..limits import date_problem
from .email import checked_email

FORMAT = "untoc-mechanism/1"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# A million events fall on a few thousand days: parse each day's text once.
_parsed_days: dict[str, date] = {}


def _iso_date(value: Any) -> Any:
    # pydantic's lax date also takes integers (unix time) and "20201201"; the contract says
    # ISO YYYY-MM-DD only, so anything else is a mistake worth reporting.
    if type(value) is str:
        day = _parsed_days.get(value)
        if day is not None:
            return day
    if isinstance(value, date):
        refused = date_problem(value)
        if refused:
            raise ValueError(refused)
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
        refused = date_problem(day)
        if refused:
            raise ValueError(refused)
        if len(_parsed_days) < 100_000:
            _parsed_days[value] = day
        return day
    raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
_PARTY_CODE = re.compile(r"^(?:[A-Z]{3}|EU)$")


def _party_code(value: str) -> str:
    if _PARTY_CODE.match(value):
        return value
    message = f"{value!r} is not a party code: write the ISO 3166-1 alpha-3 code, or EU"
    hint = _alpha3_for(value)
    if hint:
        message += f" (did you mean {hint}?)"
    raise ValueError(message)


def _alpha3_for(value: str) -> str | None:
    # The usual slip is the two-letter code (NO for Norway); name the three-letter one.
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=value.upper()) or pycountry.countries.get(
            alpha_3=value.upper()
        )
    except (ImportError, LookupError, KeyError):
        return None
    return f"{country.alpha_3!r}, {country.name}" if country else None


PartyCode = Annotated[
    str,
    AfterValidator(_party_code),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _PARTY_CODE.pattern,
            "description": "ISO 3166-1 alpha-3 code, or EU for the European Union",
        }
    ),
]
# An instrument's code (UNTOC, TIP, SOM, FIREARMS, UNCAC...): which ones a review of the
# UNTOC Mechanism may name is the Mechanism's to say (mechanism.yaml: instruments)
Instrument = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,19}$")]
Text = Annotated[str, Field(min_length=1)]
# A regional group of the Mechanism: which ones, mechanism.yaml says (regional_groups), and
# `parse.py` checks; the published schema lists the bundled ones (schema.py)
RegionalGroup = Text
# A review's cluster or group: whether its process numbers its reviews, and in what range,
# mechanism.yaml says (reviews.PROCESS); the format alone asks a positive number if given
Number = Annotated[
    StrictInt | None,
    Field(ge=1),
    WithJsonSchema({"type": "integer", "minimum": 1}),
]
Email = Annotated[
    str,
    AfterValidator(checked_email),
    WithJsonSchema({"type": "string", "format": "email", "minLength": 1}),
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _unique(values: list[Any], what: str) -> list[Any]:
    seen: set[Any] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} {v!r} is listed twice")
        seen.add(v)
    return values


# --- parties and reviews ---------------------------------------------------------------


class MissionModel(_Model):
    email: Email
    city: str | None = None


class PartyModel(_Model):
    code: PartyCode
    name: Text
    regional_group: RegionalGroup | None
    instruments: dict[Instrument, IsoDate] = Field(
        description="instrument -> date it became party (the Mechanism may require one:"
        " mechanism.yaml parties.party_to)"
    )
    mission: MissionModel | None = None
    languages: list[Language] = Field(default_factory=list)

    @field_validator("languages")
    @classmethod
    def _languages_unique(cls, v: list[str]) -> list[str]:
        return _unique(v, "language")


class ReviewerModel(_Model):
    party: PartyCode
    instruments: list[Instrument] = Field(min_length=1)

    @field_validator("instruments")
    @classmethod
    def _instruments_unique(cls, v: list[str]) -> list[str]:
        return _unique(v, "instrument")


class ReviewModel(_Model):
    id: Text
    # required, and in which range, for the processes whose shape mechanism.yaml declares
    cluster: Number = None
    group: Number = None
    reviewed: PartyCode
    instruments: list[Instrument] = Field(min_length=1)
    # how many, the Mechanism says per process (mechanism.yaml reviews.PROCESS.reviewers)
    reviewers: list[ReviewerModel]
    starts_on: IsoDate
    process: Text = Field(default="country_review", description="the process the review runs")
    process_version: StrictInt = Field(
        default=1, ge=1, description="version of its process the review runs"
    )

    @field_validator("instruments")
    @classmethod
    def _instruments_unique(cls, v: list[str]) -> list[str]:
        return _unique(v, "instrument")


# --- events ---------------------------------------------------------------------------


class _Event(_Model):
    on: IsoDate
    id: Text | None = None
    note: str | None = None


class PersonModel(_Model):
    name: Text
    email: Email
    gender: Literal["female", "male", "other"] | None = None
    ministry: str | None = None
    language: Language | None = None


class FocalPointNominated(_Event):
    type: Literal["focal_point_nominated"]
    party: PartyCode
    person: PersonModel
    replaces: str | None = None


class FocalPointWithdrawn(_Event):
    type: Literal["focal_point_withdrawn"]
    party: PartyCode
    email: Text


class DeadlineExtended(_Event):
    type: Literal["deadline_extended"]
    review: Text
    step: Text = Field(description="a step of the review's process that is `extendable`")
    due: IsoDate
    basis: Text
    decision: str | None = None


class ReviewerReplaced(_Event):
    type: Literal["reviewer_replaced"]
    review: Text
    party: PartyCode = Field(description="the leaving reviewer")
    by: PartyCode = Field(description="the joining reviewer")
    requested_by: Text


class StepWaived(_Event):
    """Our addition: a Conference decision waives a step of one review."""

    type: Literal["step_waived"]
    review: Text
    step: Text
    basis: Text
    decision: str | None = None


class ProcessMigrated(_Event):
    """Our addition: from this date the review runs another version of its process."""

    type: Literal["process_migrated"]
    review: Text
    process: Text = Field(description="the process (the review's own)")
    version: StrictInt = Field(ge=1)
    steps: dict[str, str | None] = Field(
        default_factory=dict,
        description="old step id -> new step id (null: dropped); unnamed steps keep their id",
    )
    basis: Text


# The facts every process has (the engine's); a process declares the rest under `facts:`
# and `facts.py` builds their models from the loaded definitions.
ENGINE_EVENT_MODELS: tuple[type[_Event], ...] = (
    FocalPointNominated,
    FocalPointWithdrawn,
    DeadlineExtended,
    ReviewerReplaced,
    StepWaived,
    ProcessMigrated,
)

EVENT_MODELS: dict[str, type[_Event]] = {
    get_args(m.model_fields["type"].annotation)[0]: m for m in ENGINE_EVENT_MODELS
}


class MechanismDocument(_Model):
    """A whole mechanism file. `parties`, `reviews` and `events` may be empty or left out
    (a file of new events for a store that has the rest, or a drawn cluster without events)."""

    format: Literal["untoc-mechanism/1"]
    parties: list[PartyModel] = Field(default_factory=list)
    reviews: list[ReviewModel] = Field(default_factory=list)
    # each event is checked on its own against the engine's and the processes' fact models
    # (facts.py); the schema lists them all (schema.py)
    events: list[dict[str, Any]] = Field(default_factory=list)
    # Answers to questionnaires, written feedback and consents kept by the portal
    # (untoc_workflow/questionnaire/carry.py checks and restores them): optional.
    questionnaires: list[dict[str, Any]] = Field(
        default_factory=list,
        description="questionnaire responses kept by the portal (answers, feedback, consent)",
    )
    # Conference decisions applied with `untoc decide` and the draws recorded
    # (untoc_workflow/mechanism/carry.py checks and restores them): optional.
    decisions: list[dict[str, Any]] = Field(
        default_factory=list,
        description="applied Conference decisions (ref, digest, title, adopted_on,"
        " applied_as_of, body: the decision as applied)",
    )
    draws: list[dict[str, Any]] = Field(
        default_factory=list,
        description="recorded draws (id, kind, cluster, seed, rules_version, made_on,"
        " record: groups, lots and requests)",
    )
