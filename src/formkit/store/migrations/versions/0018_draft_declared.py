"""When the citizen declared a draft's answers true: the signing page files only those

Revision ID: draft_declared
Revises: draft_owner
Create Date: 2026-12-07 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "draft_declared"
down_revision = "draft_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("draft", sa.Column("declared_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("declared_at")
