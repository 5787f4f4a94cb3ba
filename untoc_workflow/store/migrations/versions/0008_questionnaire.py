"""Questionnaires answered in the portal: answers and written feedback, drafts and
submitted, with the reviewed Party's consent to publish.

Revision ID: 0008_questionnaire
Revises: 0007_correspondence
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_questionnaire"
down_revision = "0007_correspondence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_response",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("review_id", sa.String(64), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("party", sa.String(8), nullable=False),
        sa.Column("form_id", sa.String(128), nullable=False),
        sa.Column("form_version", sa.String(64), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("saved_by", sa.String(320), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(320), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("event_id", sa.String(128), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column("consent_by", sa.String(320), nullable=True),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("review_id", "step", "kind", "party", name="uq_questionnaire_response"),
    )
    op.create_index("ix_questionnaire_response_review_id", "questionnaire_response", ["review_id"])


def downgrade() -> None:
    op.drop_index("ix_questionnaire_response_review_id", "questionnaire_response")
    op.drop_table("questionnaire_response")
