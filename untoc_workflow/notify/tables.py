"""The outbox: one row per recipient per notification, written once, delivered until done.

A row's `key` is the notification's key (review/step/rung/occurrence/deadline, or the
digest's month) joined to the recipient's address, so recording it again is harmless.
The message is rendered when the row is written: what was decided on the sweep date is what
is sent, however late delivery succeeds.

Status: pending -> sent, or failed (retried from `next_attempt_at`; given up when that is
empty), or cancelled (no longer applies, with `cancel_reason`). `sending` means the process
stopped after committing to the final dot of the SMTP transfer: the server most likely has
it, so it is never sent again (see delivery.py).
Timestamps are naive UTC, handed in by the caller (the command line reads the clock).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
STATUSES = (PENDING, SENDING, SENT, FAILED, CANCELLED)
# Rows delivery may pick up (failed ones only once their next attempt is due).
DELIVERABLE = (PENDING, FAILED)


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_review_step", "review_id", "step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=512, unique=True)
    notice: str = Field(max_length=400, index=True)  # the notification's own key
    kind: str = Field(max_length=16)  # "notice" | "digest"
    review_id: str | None = Field(default=None, max_length=64)
    step: str | None = Field(default=None, max_length=64)
    rung: str | None = Field(default=None, max_length=64)
    occurrence: int | None = None
    deadline_due: date | None = None
    due_on: date
    found_on: date
    party: str | None = Field(default=None, max_length=8)  # None: secretariat, presidency
    role: str = Field(max_length=40)
    copy_only: bool = False  # a cc recipient
    recipient: str = Field(max_length=320)
    recipient_name: str = Field(default="", sa_column=Column(Text, nullable=False))
    language: str = Field(max_length=8)
    subject: str = Field(sa_column=Column(Text, nullable=False))
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    message_id: str = Field(max_length=200)
    status: str = Field(default=PENDING, max_length=16)
    attempts: int = 0
    # naive UTC: plain DateTime columns (SQLModel's own type insists on aware values)
    next_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime, nullable=True)
    )
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    updated_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
