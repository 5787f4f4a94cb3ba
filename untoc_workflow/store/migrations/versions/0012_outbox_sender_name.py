"""The name a message is sent under when its process declares a secretariat of its own
(the From line says who signs the letter).

Revision ID: 0012_outbox_sender_name
Revises: 0011_definition_fingerprints
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_outbox_sender_name"
down_revision = "0011_definition_fingerprints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sender_name", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sender_name")
