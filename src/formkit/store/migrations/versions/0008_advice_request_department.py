"""the dossiers that asked a department for advice, found without reading every request

Revision ID: advice_department
Revises: staff_session
Create Date: 2026-12-04 21:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "advice_department"
down_revision = "staff_session"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("advice_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_advice_request_department", ["department", "dossier_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("advice_request", schema=None) as batch_op:
        batch_op.drop_index("ix_advice_request_department")
