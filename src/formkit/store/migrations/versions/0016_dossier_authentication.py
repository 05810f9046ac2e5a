"""The login that filed a dossier instead of an eID signature (forms with eid-or-login)

Revision ID: dossier_authentication
Revises: eid_challenge
Create Date: 2026-12-07 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "dossier_authentication"
down_revision = "eid_challenge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE ADD COLUMN: SQLite's batch copy of the table would trip over the
    # foreign keys that point at it.
    json = sa.JSON().with_variant(JSONB(), "postgresql")
    op.add_column("dossier", sa.Column("authentication", json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("authentication")
