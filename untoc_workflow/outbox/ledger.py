"""What the correspondence remembers beside the outbox: the notices each consolidated
message carries, the go-live date, and the days the sweep ran.

- `outbox_notice`: one row per (notice, address). It names the outbox message (`outbox_key`)
  that carries it now; a message rebuilt (merged with the next day's, or re-addressed) moves
  its notices to the new key. The unique (notice, recipient) pair keeps a notice from being
  recorded twice for one address, whatever happens to the messages.
- `correspondence_start`: one row, the go-live date, set once (by the first sweep that
  records anything, or by `untoc sweep --go-live`).
- `sweep_day`: each day the sweep recorded, so a catch-up can say truly which days were
  missed.
The schema comes from migration 0007_correspondence.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class MessageNotice(SQLModel, table=True):
    __tablename__ = "outbox_notice"
    __table_args__ = (
        UniqueConstraint("notice", "recipient", name="uq_outbox_notice_notice_recipient"),
        Index("ix_outbox_notice_outbox_key", "outbox_key"),
        Index("ix_outbox_notice_review_step", "review_id", "step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    notice: str = Field(max_length=400)  # the core's notification key
    recipient: str = Field(max_length=320)  # the address, lower case
    outbox_key: str = Field(max_length=512)  # the message carrying it now
    review_id: str | None = Field(default=None, max_length=64)
    step: str | None = Field(default=None, max_length=64)
    rung: str | None = Field(default=None, max_length=64)
    occurrence: int | None = None
    deadline_due: date | None = None
    due_on: date
    found_on: date
    party: str | None = Field(default=None, max_length=8)
    role: str = Field(max_length=40)
    copy_only: bool = False
    approval: str | None = Field(default=None, max_length=40)  # who must approve it
    approved: bool = False  # approved once: a rebuilt message does not ask again
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class CorrespondenceStart(SQLModel, table=True):
    __tablename__ = "correspondence_start"

    id: int = Field(default=1, primary_key=True)
    go_live: date
    set_by: str = Field(max_length=40)  # "first sweep" | "--go-live"
    set_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    opened_on: date | None = None  # the day the opening messages were recorded


class SweepDay(SQLModel, table=True):
    __tablename__ = "sweep_day"

    day: date = Field(primary_key=True)
    swept_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
