"""a dossier's last change kept beside it: back-office systems list what changed since

Revision ID: dossier_changed_at
Revises: event_xact
Create Date: 2026-12-04 22:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dossier_changed_at"
down_revision = "event_xact"
branch_labels = None
depends_on = None

# SQLite adds a NOT NULL column only with a default; every row gets its real moment below.
_PLACEHOLDER = "1970-01-01 00:00:00+00:00"


def upgrade() -> None:
    column = sa.Column(
        "changed_at", sa.DateTime(timezone=True), nullable=False, server_default=_PLACEHOLDER
    )
    # A plain ALTER TABLE ADD COLUMN: SQLite's batch copy of the table would trip over the
    # foreign keys that point at it.
    op.add_column("dossier", column)
    # The moment of a dossier's last event; every dossier has its filing's.
    op.execute(
        "UPDATE dossier SET changed_at = COALESCE("
        "(SELECT max(event.at) FROM event WHERE event.dossier_id = dossier.id), filed_at)"
    )
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default in place
        op.alter_column("dossier", "changed_at", server_default=None)
    op.create_index("ix_dossier_changed_at", "dossier", ["changed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dossier_changed_at", table_name="dossier")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
