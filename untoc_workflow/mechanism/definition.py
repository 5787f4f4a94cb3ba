"""`process_defs/mechanism.yaml`: the Mechanism's rules as frozen, checked models."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..core.model import INSTRUMENTS, REGIONAL_GROUPS
from ..dates import Duration, add_months
from ..definitions.load import defs_file, is_mechanism_rules, validate_located
from ..errors import InputError, Problem
from ..yamlsource import Located, load_file

Instrument = Literal["UNTOC", "TIP", "SOM", "FIREARMS"]
RegionalGroup = Literal["African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG"]
PartyCode = Annotated[str, Field(pattern=r"^(?:[A-Z]{3}|EU)$")]
CountryGroupsName = Literal[
    "AFRICAN_GROUP", "ASIA_PACIFIC_GROUP", "EASTERN_EUROPEAN_GROUP", "GRULAC", "WEOG"
]


def _iso_date(value: object) -> object:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _duration_text(value: object) -> str:
    Duration.parse(str(value))
    return str(value)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
DurationText = Annotated[str, BeforeValidator(_duration_text)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InstrumentDef(_Frozen):
    id: Instrument
    title: dict[str, str] = Field(min_length=1)


class RegionalGroupDef(_Frozen):
    id: RegionalGroup
    source: CountryGroupsName


class ExplicitGroup(_Frozen):
    group: RegionalGroup
    why: str = Field(min_length=1)


class RegionalGroups(_Frozen):
    groups: tuple[RegionalGroupDef, ...] = Field(min_length=2)
    explicit: dict[PartyCode, ExplicitGroup] = Field(default_factory=dict)


class Drawing(_Frozen):
    own_regional_group: Literal[1] = 1
    other_regional_group: Literal[1] = 1
    further_reviewer_for_uncovered_instruments: bool = True
    even_workload: bool = True
    avoid_reciprocal: bool = True
    redraw_limit: int = Field(ge=0)


class GroupDef(_Frozen):
    group: int = Field(ge=1)
    starts_on: IsoDate
    reviews: int | None = Field(None, ge=1, description="how many reviews the group holds")


class ClusterDef(_Frozen):
    number: int = Field(ge=1, le=4)
    order: int = Field(ge=1)
    title: dict[str, str] = Field(min_length=1)
    phase: DurationText
    groups: tuple[GroupDef, ...] = ()

    @model_validator(mode="after")
    def _groups_in_order(self) -> ClusterDef:
        numbers = [g.group for g in self.groups]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"groups must be numbered 1, 2, 3... in order; got {numbers}")
        starts = [g.starts_on for g in self.groups]
        if starts != sorted(starts):
            raise ValueError("groups must start in date order")
        return self


class NextCluster(_Frozen):
    # the process whose reviews the rule counts (None: every review of the store)
    process: str | None = None
    group: int = Field(ge=1)
    threshold_percent: float = Field(gt=0, le=100)
    complete_at_stage: str = "completed"


class LateJoiners(_Frozen):
    starts_after: DurationText
    aligned_to: Literal["first_of_month", "same_day"] = "first_of_month"

    def review_start(self, became_party: date) -> date:
        """The start of the review of a Party that became party on `became_party`."""
        day = Duration.parse(self.starts_after).after(became_party)
        if self.aligned_to == "first_of_month" and day.day != 1:
            day = add_months(day.replace(day=1), 1)
        return day


class FileShape(_Frozen):
    """What a mechanism file must say of this Mechanism's Parties and reviews: the file
    format itself requires none of it, so another process's reviews need none of it."""

    # the process whose reviews are this Mechanism's (numbered in its clusters, drawn)
    process: str
    # every Party of the file is party to this instrument (None: no such rule)
    parties_party_to: str | None = None
    # a review of the process has at least this many reviewing Parties
    reviewers_at_least: int = Field(0, ge=0)


class MechanismDefinition(_Frozen):
    """The rules of the Mechanism around the reviews (groups, draw, clusters, joiners)."""

    mechanism: Literal["untoc_review_mechanism"]
    version: int = Field(ge=1)
    instruments: tuple[InstrumentDef, ...] = Field(min_length=1)
    regional_groups: RegionalGroups
    drawing: Drawing
    clusters: tuple[ClusterDef, ...] = Field(min_length=1)
    next_cluster: NextCluster
    late_joiners: LateJoiners
    # what the mechanism file requires of this Mechanism's reviews (None: only the format)
    file_shape: FileShape | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MechanismDefinition:
        ids = [i.id for i in self.instruments]
        if sorted(ids) != sorted(INSTRUMENTS) or len(set(ids)) != len(ids):
            raise ValueError(f"instruments must be exactly {', '.join(INSTRUMENTS)}, once each")
        groups = [g.id for g in self.regional_groups.groups]
        if sorted(groups) != sorted(REGIONAL_GROUPS) or len(set(groups)) != len(groups):
            raise ValueError(f"regional groups must be exactly {', '.join(REGIONAL_GROUPS)}")
        numbers = [c.number for c in self.clusters]
        if len(set(numbers)) != len(numbers):
            raise ValueError("each cluster number may appear once")
        orders = sorted(c.order for c in self.clusters)
        if orders != list(range(1, len(orders) + 1)):
            raise ValueError(f"cluster `order` must be 1, 2, 3... once each; got {orders}")
        return self

    def cluster(self, number: int) -> ClusterDef:
        for c in self.clusters:
            if c.number == number:
                return c
        raise KeyError(number)

    @property
    def clusters_in_order(self) -> tuple[ClusterDef, ...]:
        return tuple(sorted(self.clusters, key=lambda c: c.order))

    def next_after(self, number: int) -> ClusterDef | None:
        """The cluster reviewed after cluster `number`, if any."""
        order = self.cluster(number).order
        later = [c for c in self.clusters if c.order == order + 1]
        return later[0] if later else None

    @property
    def rules_version(self) -> str:
        return f"{self.mechanism}/{self.version}"


def load_mechanism(path: str | Path | None = None) -> MechanismDefinition:
    """Parse and check `mechanism.yaml`; raise InputError listing every problem."""
    path = Path(path) if path else defs_file("mechanism.yaml", accept=is_mechanism_rules)
    return parse_mechanism(load_file(path))


def parse_mechanism(located: Located) -> MechanismDefinition:
    if not isinstance(located.data, dict):
        raise InputError(
            [Problem("the mechanism definition must be a mapping", file=located.file, line=1)]
        )
    return validate_located(MechanismDefinition, located, "the mechanism definition")
