"""server-side sessions of citizens logged in through the federal authentication service

Revision ID: citizen_session
Revises: decision_letter
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "citizen_session"
down_revision = "decision_letter"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("level", sa.String(length=255), nullable=False),
        sa.Column("national_number_key", sa.String(length=64), nullable=False),
        sa.Column("identity_sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idle_expires", sa.DateTime(timezone=True), nullable=False),
        sa.Column("absolute_expires", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("citizen_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_citizen_session_absolute_expires"), ["absolute_expires"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_citizen_session_national_number_key"),
            ["national_number_key"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("citizen_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_session_national_number_key"))
        batch_op.drop_index(batch_op.f("ix_citizen_session_absolute_expires"))
    op.drop_table("citizen_session")
