"""Drafts started by a logged-in citizen: whose they are, and the answers the login gave

Revision ID: draft_owner
Revises: dossier_authentication
Create Date: 2026-12-07 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "draft_owner"
down_revision = "dossier_authentication"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(JSONB(), "postgresql")
    op.add_column("draft", sa.Column("owner", sa.String(length=64), nullable=True))
    op.add_column("draft", sa.Column("prefill", json, nullable=True))
    op.create_index("ix_draft_owner", "draft", ["owner"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_draft_owner", table_name="draft")
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("prefill")
        batch.drop_column("owner")
