"""when an API upload was taken by a filing in progress

Revision ID: upload_used_at
Revises: receipt_verification_code
Create Date: 2026-12-04 18:30:00.000000

An integrator's upload (`POST /api/v1/uploads`) is used at most once: a filing takes it by
setting `used_at` before it commits, and gives it back if it is refused. While it is taken the
purge leaves it alone, so an upload that expires during its own filing keeps its bytes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "upload_used_at"
down_revision = "receipt_verification_code"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_column("used_at")
