"""index the outbox rows still to do

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 19:31:32.383499
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_due",
            ["available_at"],
            unique=False,
            sqlite_where=sa.text("done_at IS NULL AND dead_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL AND dead_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_due",
            sqlite_where=sa.text("done_at IS NULL AND dead_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL AND dead_at IS NULL"),
        )
