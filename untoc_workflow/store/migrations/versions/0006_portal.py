"""The Parties' portal: experts and observers, sign-in links, sessions, documents, requests
for more time, and the log of actions (untoc_workflow.portal).

Revision ID: 0006_portal
Revises: 0005_process_versions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_portal"
down_revision = "0005_process_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_person",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("party", sa.String(8), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("removed_by", sa.Text(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_portal_person_email", "portal_person", ["email"])
    op.create_table(
        "portal_link",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_portal_link_email", "portal_link", ["email"])
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_portal_session_email", "portal_session", ["email"])
    op.create_table(
        "portal_document",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("party", sa.String(8), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_as", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(320), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("event_id", sa.String(128), nullable=True),
        sa.Column("consent_to_publish", sa.Boolean(), nullable=True),
        sa.Column("consent_by", sa.Text(), nullable=True),
    )
    op.create_index("ix_portal_document_review_id", "portal_document", ["review_id"])
    op.create_table(
        "portal_extension",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.String(64), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("party", sa.String(8), nullable=False),
        sa.Column("requested_by", sa.String(320), nullable=False),
        sa.Column("requested_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="requested"),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("granted_due", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
    )
    op.create_index("ix_portal_extension_review_id", "portal_extension", ["review_id"])
    op.create_table(
        "portal_action",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(320), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("review_id", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
    )
    op.create_index("ix_portal_action_at", "portal_action", ["at"])
    op.create_index("ix_portal_action_client", "portal_action", ["client"])


def downgrade() -> None:
    for table in (
        "portal_action",
        "portal_extension",
        "portal_document",
        "portal_session",
        "portal_link",
        "portal_person",
    ):
        op.drop_table(table)
