"""The store's tables (SQLModel). The event log is append-only: rows are inserted, never
updated or deleted; parties and reviews are the Mechanism's fixed facts.

JSON lives in TEXT columns (same on SQLite and PostgreSQL); dates are DATE columns.
The schema itself is made by the Alembic migrations in `migrations/`, not by create_all.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Integer
from sqlmodel import Field, SQLModel


class PartyRow(SQLModel, table=True):
    __tablename__ = "party"

    code: str = Field(primary_key=True, max_length=8)
    name: str
    regional_group: str | None = None
    instruments: str  # JSON: {"UNTOC": "2001-06-28", ...}
    mission_email: str | None = None
    mission_city: str | None = None
    languages: str = "[]"  # JSON list of UN language codes


class ReviewRow(SQLModel, table=True):
    __tablename__ = "review"

    id: str = Field(primary_key=True, max_length=64)
    cluster: int
    group_number: int
    reviewed: str = Field(foreign_key="party.code", index=True, max_length=8)
    instruments: str  # JSON list
    starts_on: date
    # The process definition the review runs and its version; a later version applies to it
    # only from the date of a `process_migrated` event (versions are never edited in place).
    process_version: int = 1
    process: str = Field(default="country_review", max_length=64)


class ReviewerRow(SQLModel, table=True):
    """A reviewing party as drawn; later redraws are `reviewer_replaced` events."""

    __tablename__ = "review_reviewer"

    review_id: str = Field(foreign_key="review.id", primary_key=True, max_length=64)
    position: int = Field(primary_key=True)
    party: str = Field(foreign_key="party.code", index=True, max_length=8)
    instruments: str  # JSON list


# The event log's secondary indexes (as 0001_foundation makes them). An import into an
# empty log drops and rebuilds them: sorting once is far faster than a million inserts
# into each.
EVENT_INDEXES = {
    "ix_event_on_seq": ("on", "seq"),
    "ix_event_review_on": ("review_id", "on"),
    "ix_event_party_type": ("party", "type"),
}


class EventRow(SQLModel, table=True):
    """One fact, in arrival order (`seq`); `id` makes recording it again harmless."""

    __tablename__ = "event"
    __table_args__ = tuple(Index(name, *columns) for name, columns in EVENT_INDEXES.items())

    seq: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    id: str = Field(unique=True, max_length=128)
    on: date
    type: str = Field(max_length=64)
    review_id: str | None = Field(default=None, foreign_key="review.id", max_length=64)
    party: str | None = Field(default=None, foreign_key="party.code", max_length=8)
    data: str = "{}"  # canonical JSON (mechanism_file.data_to_json)
    note: str | None = None
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
