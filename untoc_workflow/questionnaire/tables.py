"""The questionnaire's tables: one row per (review, step, Party, kind) holds the answers
(the reviewed Party's) or the written feedback beside them (a reviewing Party's), as a
draft until it is submitted, then read-only; and the reviewed Party's consent to publish.
Timestamps are naive UTC, handed in by the caller."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

ANSWERS = "answers"  # the reviewed Party's answers
FEEDBACK = "feedback"  # a reviewing Party's written feedback beside each question


class QuestionnaireResponseRow(SQLModel, table=True):
    __tablename__ = "questionnaire_response"
    __table_args__ = (
        UniqueConstraint("review_id", "step", "kind", "party", name="uq_questionnaire_response"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: str = Field(max_length=64, index=True)
    step: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # answers | feedback
    party: str = Field(max_length=8)  # the Party answering, or writing the feedback
    form_id: str = Field(max_length=128)
    form_version: str = Field(max_length=64)
    answers: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    status: str = Field(default="draft", max_length=16)  # draft | submitted
    saved_by: str = Field(max_length=320)
    saved_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    submitted_by: str | None = Field(default=None, max_length=320)
    submitted_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    sha256: str | None = Field(default=None, max_length=64)
    event_id: str | None = Field(default=None, max_length=128)
    # the reviewed Party's consent to publish its answers: None = not asked yet
    consent: bool | None = None
    consent_by: str | None = Field(default=None, max_length=320)
    consent_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
