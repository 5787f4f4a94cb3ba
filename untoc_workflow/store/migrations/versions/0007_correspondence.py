"""Correspondence: the notices each consolidated message carries, Cc addresses, the go-live
date and the days the sweep ran.

Revision ID: 0007_correspondence
Revises: 0006_portal
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_correspondence"
down_revision = "0006_portal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("cc", sa.Text(), nullable=True))
    op.create_table(
        "outbox_notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("notice", sa.String(400), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("outbox_key", sa.String(512), nullable=False),
        sa.Column("review_id", sa.String(64), nullable=True),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("rung", sa.String(64), nullable=True),
        sa.Column("occurrence", sa.Integer(), nullable=True),
        sa.Column("deadline_due", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("party", sa.String(8), nullable=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("copy_only", sa.Boolean(), nullable=False),
        sa.Column("approval", sa.String(40), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.UniqueConstraint("notice", "recipient", name="uq_outbox_notice_notice_recipient"),
    )
    op.create_index("ix_outbox_notice_outbox_key", "outbox_notice", ["outbox_key"])
    op.create_index("ix_outbox_notice_review_step", "outbox_notice", ["review_id", "step"])
    op.create_table(
        "correspondence_start",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("go_live", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(40), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "sweep_day",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("swept_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sweep_day")
    op.drop_table("correspondence_start")
    op.drop_index("ix_outbox_notice_review_step", "outbox_notice")
    op.drop_index("ix_outbox_notice_outbox_key", "outbox_notice")
    op.drop_table("outbox_notice")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("cc")
