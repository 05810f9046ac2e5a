"""Web eID challenge nonces, used once each: citizens log in with their eID card

Revision ID: eid_challenge
Revises: dossier_changed_at
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "eid_challenge"
down_revision = "dossier_changed_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eid_challenge",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce_hash"),
    )
    op.create_index(
        op.f("ix_eid_challenge_expires_at"), "eid_challenge", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_eid_challenge_expires_at"), table_name="eid_challenge")
    op.drop_table("eid_challenge")
