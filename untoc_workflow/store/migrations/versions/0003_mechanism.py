"""Mechanism: applied Conference decisions and recorded draws (seed, rules, every lot).

Revision ID: 0003_mechanism
Revises: 0002_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_mechanism"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mechanism_decision",
        sa.Column("ref", sa.String(128), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("applied_as_of", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "mechanism_draw",
        sa.Column("id", sa.String(160), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_mechanism_draw_kind", "mechanism_draw", ["kind", "cluster"])


def downgrade() -> None:
    op.drop_index("ix_mechanism_draw_kind", table_name="mechanism_draw")
    op.drop_table("mechanism_draw")
    op.drop_table("mechanism_decision")
