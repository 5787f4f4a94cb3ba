"""The facts the core reasons about: parties, reviews and events, as plain frozen values.

These are what the store hands the core and what import produces; they carry no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The cluster and group of a review whose process numbers its reviews in none (mechanism.yaml
# `reviews:`): a mechanism file leaves them out and never writes 0, the store keeps 0.
# The instruments and regional groups are the Mechanism's to declare (mechanism.yaml).
NOT_NUMBERED = 0


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    gender: str | None = None
    ministry: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Mission:
    email: str
    city: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    code: str
    name: str
    regional_group: str | None
    instruments: Mapping[str, date]
    mission: Mission | None = None
    languages: tuple[str, ...] = ()

    def is_party_to(self, instrument: str, on: date) -> bool:
        since = self.instruments.get(instrument)
        return since is not None and since <= on


@dataclass(frozen=True, slots=True)
class ReviewerAssignment:
    party: str
    instruments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    cluster: int
    group: int
    reviewed: str
    instruments: tuple[str, ...]
    reviewers: tuple[ReviewerAssignment, ...]
    starts_on: date
    process_version: int = 1
    process: str = "country_review"  # mechanism-file.md: the default process


@dataclass(frozen=True, slots=True)
class Event:
    """One fact. `seq` orders events of the same day (file order at import, then arrival)."""

    on: date
    type: str
    seq: int = 0
    review: str | None = None
    party: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None
    note: str | None = None

    @property
    def order(self) -> tuple[date, int]:
        return (self.on, self.seq)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the core needs about the Mechanism: parties, reviews, and every event.

    `events` are sorted by (on, seq). The store builds this; tests build it by hand.
    """

    parties: Mapping[str, Party]
    reviews: Mapping[str, Review]
    events: tuple[Event, ...]
    # A store that keeps the whole log in memory may hand over the log's index
    # (core.derive.EventIndex, built once per log) with the date `events` were cut at; the
    # fold then reads each review's events from it instead of passing over the whole log.
    index: Any = field(default=None, compare=False, repr=False)
    cut: date | None = field(default=None, compare=False, repr=False)
