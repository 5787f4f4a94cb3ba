"""Projections (each review's and each Party's fold input, kept with the log: see
store/projection.py), filled from the log by `open_store` after the upgrade; and the
files imported whole, by their SHA-256.

Revision ID: 0010_projections
Revises: 0009_note_numbers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_projections"
down_revision = "0009_note_numbers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projection",
        sa.Column("kind", sa.String(8), primary_key=True),  # review | party
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),  # JSON: the compacted rows
    )
    op.create_table(
        "projection_mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=True),
    )
    # Files imported whole, by content: importing one again finds everything stored, which
    # the log (append-only) and the parties and reviews (never changed) keep true for ever.
    op.create_table(
        "imported_file",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("parties", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("repeated", sa.Integer(), nullable=False),
    )
    # Left empty: `open_store` fills it from the log right after migrating (store/migrate.py),
    # with the store's own code, which a migration must not import.


def downgrade() -> None:
    op.drop_table("imported_file")
    op.drop_table("projection_mark")
    op.drop_table("projection")
