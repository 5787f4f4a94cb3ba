"""The portal's tables: who may sign in beyond the focal points (experts, observers), the
sign-in links and sessions (stored hashed), documents, requests for more time, and the log
of every action. Timestamps are naive UTC, handed in by the caller."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel


class PortalPersonRow(SQLModel, table=True):
    """A governmental expert or an observer recorded by the secretariat for a Party.

    The event log counts experts and does not name them, and observers are not in it at
    all: the Party tells the secretariat, which records the address here (CLI
    `untoc portal expert|observer add`). Removing keeps the row (`removed_at`)."""

    __tablename__ = "portal_person"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    party: str = Field(max_length=8)
    role: str = Field(max_length=16)  # "expert" | "observer"
    added_by: str = Field(sa_column=Column(Text, nullable=False))
    added_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    removed_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    removed_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))


class PortalLinkRow(SQLModel, table=True):
    """A single-use sign-in link: only its SHA-256 is kept."""

    __tablename__ = "portal_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=320, index=True)
    created_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))


class PortalSessionRow(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its cookie is kept."""

    __tablename__ = "portal_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=320, index=True)
    created_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))


class PortalDocumentRow(SQLModel, table=True):
    """A file submitted for a review, kept in the document store under its SHA-256."""

    __tablename__ = "portal_document"

    id: int | None = Field(default=None, primary_key=True)
    review_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=32)  # a kind the review's process declares (`documents:`)
    party: str | None = Field(default=None, max_length=8)  # the Party submitting it
    file_name: str = Field(sa_column=Column(Text, nullable=False))  # cleaned, for display
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    stored_as: str = Field(sa_column=Column(Text, nullable=False))  # relative to the store
    uploaded_by: str = Field(max_length=320)
    uploaded_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    event_id: str | None = Field(default=None, max_length=128)  # the fact it recorded
    # The reviewed Party's consent to publish its SAQ answers: None = not asked yet.
    consent_to_publish: bool | None = None
    consent_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PortalExtensionRow(SQLModel, table=True):
    """A focal point's request for more time on a step, and the secretariat's answer."""

    __tablename__ = "portal_extension"

    id: int | None = Field(default=None, primary_key=True)
    review_id: str = Field(max_length=64, index=True)
    step: str = Field(max_length=64)
    party: str = Field(max_length=8)
    requested_by: str = Field(max_length=320)
    requested_due: date
    reason: str = Field(sa_column=Column(Text, nullable=False))
    requested_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    status: str = Field(default="requested", max_length=16)  # requested|approved|refused
    decided_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_on: date | None = None
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    granted_due: date | None = None
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PortalActionRow(SQLModel, table=True):
    """Every action taken in the portal: who, when, what, on which review, from where."""

    __tablename__ = "portal_action"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(DateTime, nullable=False, index=True))
    who: str | None = Field(default=None, max_length=320)
    action: str = Field(max_length=40)
    review_id: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    client: str | None = Field(default=None, max_length=64, index=True)
