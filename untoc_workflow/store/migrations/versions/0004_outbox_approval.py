"""Outbox: escalations held for approval, and in-doubt deliveries retried.

Revision ID: 0004_outbox_approval
Revises: 0003_mechanism
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_outbox_approval"
down_revision = "0003_mechanism"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("status", type_=sa.String(20), existing_type=sa.String(16))
        batch.add_column(sa.Column("approval", sa.String(40), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.Text(), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("decided_at")
        batch.drop_column("decided_by")
        batch.drop_column("approval")
        batch.alter_column("status", type_=sa.String(16), existing_type=sa.String(20))
