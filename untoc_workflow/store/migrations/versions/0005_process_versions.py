"""Reviews record the process they run beside its version (versions side by side).

Revision ID: 0005_process_versions
Revises: 0004_outbox_approval
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_process_versions"
down_revision = "0004_outbox_approval"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # every review stored so far runs the country review (the only process there was)
    with op.batch_alter_table("review") as batch:
        batch.add_column(
            sa.Column("process", sa.String(64), nullable=False, server_default="country_review")
        )


def downgrade() -> None:
    with op.batch_alter_table("review") as batch:
        batch.drop_column("process")
