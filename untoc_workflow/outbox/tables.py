"""The outbox: one row per recipient per notification, written once, delivered until done.

A row's `key` is the notification's key (review/step/rung/occurrence/deadline, or the
digest's month) joined to the recipient's address, so recording it again is harmless.
The message is rendered when the row is written: what was decided on the sweep date is what
is sent, however late delivery succeeds.

Status: pending -> sent, or failed (retried from `next_attempt_at`; given up when that is
empty), or cancelled (no longer applies, with `cancel_reason`). A message whose rung needs
approval (`approval`, e.g. "secretariat") is written as awaiting_approval; approving it makes
it pending (`decided_by`, `decided_at`), rejecting it cancels it (`decided_by`, `decided_at`,
`cancel_reason`). `sending` is a row a drain has claimed and is handing to the server; its
`next_attempt_at` is the end of the claim's lease: a row still `sending` after it belongs to
a drain that died (killed, crashed) and the next drain recovers it. `in_doubt` is a row whose
outcome is unknown (the server's answer to the final dot was lost, or the drain died while
sending): it is retried from `next_attempt_at` with the same Message-ID, so a duplicate can
be recognised (see delivery.py).
Timestamps are naive UTC, handed in by the caller (the command line reads the clock).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
AWAITING_APPROVAL = "awaiting_approval"
IN_DOUBT = "in_doubt"
STATUSES = (PENDING, SENDING, SENT, FAILED, CANCELLED, AWAITING_APPROVAL, IN_DOUBT)
# Rows delivery may pick up (failed and in-doubt ones only once their next attempt is due).
DELIVERABLE = (PENDING, FAILED, IN_DOUBT)
# Rows a notice that no longer applies may cancel: the deliverable ones and the held ones.
CANCELLABLE = (*DELIVERABLE, AWAITING_APPROVAL)


def utc_naive(moment: datetime) -> datetime:
    """Stored timestamps are naive UTC (same on SQLite and PostgreSQL)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


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
    # Cc addresses, comma-separated (migration 0006): informed of this message (each also
    # receives the notice in its own message of the day, so nobody gets two a day).
    cc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recipient_name: str = Field(default="", sa_column=Column(Text, nullable=False))
    # The name in From when the letter is signed by a secretariat its process declares
    # (migration 0012); empty: the configured secretariat's, in the letter's language.
    sender_name: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    language: str = Field(max_length=8)
    subject: str = Field(sa_column=Column(Text, nullable=False))
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    message_id: str = Field(max_length=200)
    status: str = Field(default=PENDING, max_length=20)
    attempts: int = 0
    # naive UTC: plain DateTime columns (SQLModel's own type insists on aware values)
    next_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime, nullable=True)
    )
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Approval of held escalations: who must approve, and who decided when (approve or reject).
    approval: str | None = Field(default=None, max_length=40)
    decided_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    updated_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
