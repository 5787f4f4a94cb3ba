"""The fingerprint of each process version as first used by the store's reviews: a version
changed in place after reviews ran on it is refused (add version N+1 and migrate).

Revision ID: 0011_definition_fingerprints
Revises: 0010_projections
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_definition_fingerprints"
down_revision = "0010_projections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "definition_fingerprint",
        sa.Column("process", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),  # the file it was read from, first
        sa.Column("first_used_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("definition_fingerprint")
