"""`process_defs/mechanism.yaml`: the Mechanism's rules as frozen, checked models."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from ..dates import Duration, add_months
from ..definitions.load import allowed_keys, defs_file, is_mechanism_rules
from ..errors import InputError, Problem, did_you_mean, problems_from_validation
from ..yamlsource import Located, load_file

Code = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,19}$")]
PARTY_CODE = r"^(?:[A-Z]{3}|EU)$"
PartyCode = Annotated[str, Field(pattern=PARTY_CODE)]
Name = Annotated[str, Field(min_length=1)]


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


def _package_list(value: str) -> str:
    # a list of the `countrygroups` package (UN_REGIONAL_GROUPS.<name>): the package is the
    # one source of who belongs to the UN regional groups
    import countrygroups

    lists = [n for n in dir(countrygroups.UN_REGIONAL_GROUPS) if n.isupper()]
    if value not in lists:
        hint = did_you_mean(value, lists)
        raise ValueError(
            f"{value!r} is not a list of countrygroups.UN_REGIONAL_GROUPS"
            + (f" ({hint})" if hint else f"; its lists: {', '.join(lists)}")
        )
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
DurationText = Annotated[str, BeforeValidator(_duration_text)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InstrumentDef(_Frozen):
    id: Code
    title: dict[str, str] = Field(min_length=1)


class RegionalGroupDef(_Frozen):
    id: Name
    # the package's list of its members; without one, a Party's group is the one its
    # mechanism file writes (a body whose groups are its own)
    source: Annotated[str, AfterValidator(_package_list)] | None = None


class ExplicitGroup(_Frozen):
    group: Name
    why: str = Field(min_length=1)


class RegionalGroups(_Frozen):
    """The one list of the Mechanism's regional groups: a mechanism file may name these
    only, and the draw reads them from here."""

    groups: tuple[RegionalGroupDef, ...] = ()
    explicit: dict[PartyCode, ExplicitGroup] = Field(
        default_factory=dict,
        # pydantic's schema leaves out the keys' pattern: said here for the published one
        json_schema_extra={"propertyNames": {"pattern": PARTY_CODE}},
    )


class Parties(_Frozen):
    # every Party of a mechanism file is party to this instrument (mechanism-file.md:
    # "UNTOC required"); it also dates a Party's taking part in the draw and late joining
    party_to: Code


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
    number: int = Field(ge=1)
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
    # the process whose reviews the rule counts (None: the reviews of every process whose
    # reviews are numbered in clusters; never those of a process without)
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


class NumberRange(_Frozen):
    """The numbers a review carries: from `min`, up to `max` (left out: no upper bound)."""

    min: int = Field(1, ge=1)
    max: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> NumberRange:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max {self.max} is below min {self.min}")
        return self

    def holds(self, number: int) -> bool:
        return number >= self.min and (self.max is None or number <= self.max)

    def __str__(self) -> str:
        return f"{self.min}..{self.max}" if self.max is not None else f"{self.min} or more"


class Reviewers(_Frozen):
    min: int = Field(ge=0)


class ReviewShape(_Frozen):
    """What a review of one process carries beside its steps in a mechanism file
    (mechanism-file.md). A key left out is something its reviews do not carry: no
    `cluster`, its reviews need none (and `untoc clusters` never counts them)."""

    cluster: NumberRange | None = None
    group: NumberRange | None = None
    # `declared`: only the instruments of the Mechanism's `instruments:`; left out: any code
    instruments: Literal["declared"] | None = None
    reviewers: Reviewers | None = None


# a process the Mechanism names no shape for: no cluster, no group, any instruments,
# any number of reviewers (the format alone)
NO_SHAPE = ReviewShape()


class MechanismDefinition(_Frozen):
    """The rules of the Mechanism around the reviews (instruments, regional groups, the
    shape of a review per process, the draw, clusters, the rule for the next cluster,
    late joiners). What a process has none of, it leaves out."""

    mechanism: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    version: int = Field(ge=1)
    instruments: tuple[InstrumentDef, ...] = ()
    parties: Parties | None = None
    regional_groups: RegionalGroups = RegionalGroups()
    # process -> the shape of its reviews
    reviews: dict[str, ReviewShape] = Field(default_factory=dict)
    drawing: Drawing | None = None
    clusters: tuple[ClusterDef, ...] = ()
    next_cluster: NextCluster | None = None
    late_joiners: LateJoiners | None = None

    @property
    def draw_rules(self) -> Drawing:
        """The rules of the drawing of lots; a Mechanism that declares none draws nothing."""
        if self.drawing is None:
            raise _undeclared("no drawing of lots", "drawing")
        return self.drawing

    @property
    def joiner_rule(self) -> LateJoiners:
        """The rule for Parties that join late; a Mechanism that declares none has none."""
        if self.late_joiners is None:
            raise _undeclared("no rule for Parties that join late", "late_joiners")
        return self.late_joiners

    @property
    def instrument_ids(self) -> tuple[str, ...]:
        """The declared instruments, in the Mechanism's order."""
        return tuple(i.id for i in self.instruments)

    @property
    def regional_group_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.regional_groups.groups)

    @property
    def party_to(self) -> str | None:
        """The instrument every Party is party to (None: the Mechanism asks none)."""
        return self.parties.party_to if self.parties is not None else None

    def shape_of(self, process: str) -> ReviewShape:
        return self.reviews.get(process, NO_SHAPE)

    def has_clusters(self, process: str) -> bool:
        return self.shape_of(process).cluster is not None

    def counts_for_next_cluster(self, process: str) -> bool:
        """Whether the 70 % rule counts the reviews of `process` (never those of a process
        whose reviews are not numbered in clusters)."""
        rule = self.next_cluster
        if rule is None or not self.has_clusters(process):
            return False
        return rule.process is None or rule.process == process

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


def _undeclared(what: str, key: str) -> InputError:
    return InputError([Problem(f"the Mechanism declares {what}", hint=f"{key} in mechanism.yaml")])


def load_mechanism(
    path: str | Path | None = None, processes: Collection[str] | None = None
) -> MechanismDefinition:
    """Parse and check `mechanism.yaml`; raise InputError listing every problem.

    Every process it names must be one `processes` declares (default: the processes of the
    definitions the settings load)."""
    path = Path(path) if path else defs_file("mechanism.yaml", accept=is_mechanism_rules)
    return parse_mechanism(load_file(path), processes)


def _loaded_processes() -> tuple[str, ...]:
    from ..definitions.catalog import load_definitions

    return load_definitions().processes


def parse_mechanism(
    located: Located, processes: Collection[str] | None = None
) -> MechanismDefinition:
    if not isinstance(located.data, dict):
        raise InputError(
            [Problem("the mechanism definition must be a mapping", file=located.file, line=1)]
        )
    title = f"{located.file}: the mechanism definition has errors"
    try:
        definition = MechanismDefinition.model_validate(located.data)
    except ValidationError as exc:
        problems = problems_from_validation(
            exc, file=located.file, lines=located.lines, allowed_keys=_allowed_keys
        )
        raise InputError(problems, title=title) from exc
    if processes is None:
        processes = _loaded_processes()
    problems = list(check_references(definition, located, processes))
    if problems:
        raise InputError(problems, title=title)
    return definition


# mappings keyed by the declaration's own names: a process, a Party's code
_KEYED = {("reviews",), ("regional_groups", "explicit")}


def _allowed_keys(loc: Any) -> list[str]:
    """The keys allowed at `loc`, past the names that key a mapping (reviews.PROCESS...)."""
    path = [str(part) for part in loc]
    for keyed in _KEYED:
        if tuple(path[: len(keyed)]) == keyed and len(path) > len(keyed):
            path = [*keyed, *path[len(keyed) + 1 :]]
    return allowed_keys(MechanismDefinition, path)


def check_references(
    definition: MechanismDefinition,
    located: Located,
    processes: Collection[str] | None = None,
) -> Iterable[Problem]:
    """What the models alone cannot see: each id declared once, every group, instrument and
    process named where one is declared (a process: among `processes`, when given),
    clusters numbered within their reviews' range."""

    def at(path: str, message: str, hint: str | None = None) -> Problem:
        return Problem(message, path=path, file=located.file, line=located.line_of(path), hint=hint)

    def undeclared(path: str, process: str) -> Problem | None:
        if processes is None or process in processes:
            return None
        return at(
            path,
            f"no loaded process definition declares the process {process!r}",
            did_you_mean(process, sorted(processes))
            or f"loaded processes: {', '.join(sorted(processes))}",
        )

    instruments = definition.instrument_ids
    yield from _twice(at, "instruments[{i}].id", instruments, "instrument")
    groups = definition.regional_group_ids
    yield from _twice(at, "regional_groups.groups[{i}].id", groups, "regional group")
    for code, explicit in definition.regional_groups.explicit.items():
        if explicit.group not in groups:
            yield at(
                f"regional_groups.explicit.{code}.group",
                f"{explicit.group!r} is not allowed: it is not a regional group of"
                " regional_groups.groups",
                did_you_mean(explicit.group, groups)
                or f"regional groups: {', '.join(groups) or 'none declared'}",
            )
    party_to = definition.party_to
    if party_to is not None and party_to not in instruments:
        yield at(
            "parties.party_to",
            f"{party_to} is not an instrument of the Mechanism",
            did_you_mean(party_to, instruments) or f"instruments: {', '.join(instruments)}",
        )
    for process, shape in definition.reviews.items():
        unknown = undeclared(f"reviews.{process}", process)
        if unknown is not None:
            yield unknown
        if shape.instruments == "declared" and not instruments:
            yield at(f"reviews.{process}.instruments", "no instrument is declared")
    numbers = [c.number for c in definition.clusters]
    yield from _twice(at, "clusters[{i}].number", numbers, "cluster")
    orders = sorted(c.order for c in definition.clusters)
    if orders != list(range(1, len(orders) + 1)):
        yield at("clusters", f"cluster `order` must be 1, 2, 3... once each; got {orders}")
    numbered = {p: s.cluster for p, s in definition.reviews.items() if s.cluster is not None}
    if definition.clusters and not numbered:
        yield at(
            "clusters", "no process numbers its reviews in clusters", "reviews.PROCESS.cluster"
        )
    for i, c in enumerate(definition.clusters):
        for process, span in numbered.items():
            if not span.holds(c.number):
                yield at(
                    f"clusters[{i}].number",
                    f"cluster {c.number} is outside the clusters of {process} ({span})",
                    f"reviews.{process}.cluster",
                )
    rule = definition.next_cluster
    unknown = (
        undeclared("next_cluster.process", rule.process)
        if rule is not None and rule.process is not None
        else None
    )
    if unknown is not None:
        yield unknown
    elif rule is not None and rule.process is not None and rule.process not in numbered:
        yield at(
            "next_cluster.process",
            f"the reviews of {rule.process} are not numbered in clusters",
            did_you_mean(rule.process, numbered)
            or f"declare reviews.{rule.process}.cluster, or name one of: "
            + (", ".join(numbered) or "none"),
        )


def _twice(at: Any, path: str, ids: Iterable[Any], what: str) -> Iterable[Problem]:
    # `path` holds `{i}` where the index goes: `clusters[{i}].number`
    seen: set[Any] = set()
    for i, one in enumerate(ids):
        if one in seen:
            yield at(path.format(i=i), f"{what} {one!r} is declared twice")
        seen.add(one)
