"""Note numbers: each note verbale to a permanent mission takes the next number of the
series declared in the settings (`note_series`), kept here so that none is ever reused.

Revision ID: 0009_note_numbers
Revises: 0008_questionnaire
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_note_numbers"
down_revision = "0008_questionnaire"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "note_number",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("series", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(240), nullable=False),
        sa.Column("outbox_key", sa.String(512), nullable=False),
        sa.Column("party", sa.String(8), nullable=True),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("series", "year", "number", name="uq_note_number_series_year_number"),
        sa.UniqueConstraint("outbox_key", name="uq_note_number_outbox_key"),
    )


def downgrade() -> None:
    op.drop_table("note_number")
