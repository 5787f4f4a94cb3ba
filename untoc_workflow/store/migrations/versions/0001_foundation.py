"""Foundation: parties, reviews and their reviewers, and the append-only event log.

Revision ID: 0001_foundation
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "party",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("regional_group", sa.String(), nullable=True),
        sa.Column("instruments", sa.Text(), nullable=False),
        sa.Column("mission_email", sa.String(), nullable=True),
        sa.Column("mission_city", sa.String(), nullable=True),
        sa.Column("languages", sa.Text(), nullable=False, server_default="[]"),
    )
    op.create_table(
        "review",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("group_number", sa.Integer(), nullable=False),
        sa.Column("reviewed", sa.String(8), sa.ForeignKey("party.code"), nullable=False),
        sa.Column("instruments", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("process_version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_review_reviewed", "review", ["reviewed"])
    op.create_table(
        "review_reviewer",
        sa.Column("review_id", sa.String(64), sa.ForeignKey("review.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("party", sa.String(8), sa.ForeignKey("party.code"), nullable=False),
        sa.Column("instruments", sa.Text(), nullable=False),
    )
    op.create_index("ix_review_reviewer_party", "review_reviewer", ["party"])
    op.create_table(
        "event",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(128), nullable=False, unique=True),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("review_id", sa.String(64), sa.ForeignKey("review.id"), nullable=True),
        sa.Column("party", sa.String(8), sa.ForeignKey("party.code"), nullable=True),
        sa.Column("data", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_on_seq", "event", ["on", "seq"])
    op.create_index("ix_event_review_on", "event", ["review_id", "on"])
    op.create_index("ix_event_party_type", "event", ["party", "type"])


def downgrade() -> None:
    op.drop_table("event")
    op.drop_table("review_reviewer")
    op.drop_table("review")
    op.drop_table("party")
