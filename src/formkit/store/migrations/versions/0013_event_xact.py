"""the change feed: each event's writing transaction, to hand events out in commit order

Revision ID: event_xact
Revises: dossier_party
Create Date: 2026-12-05 10:00:00.000000

Events written before get 0: all of them committed, so they come first, in id order. From
here PostgreSQL fills in the id of the writing transaction (`pg_current_xact_id()`); SQLite
keeps 0, its single writer commits in id order. Adding a column with a constant default
rewrites no row, so the append-only trigger has nothing to refuse.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "event_xact"
down_revision = "dossier_party"
branch_labels = None
depends_on = None

_WRITING = "CAST(CAST(pg_current_xact_id() AS text) AS bigint)"
REFUSAL = "events are appended, never changed or deleted"


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("xact", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.create_index("ix_event_xact_id", ["xact", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE event ALTER COLUMN xact SET DEFAULT {_WRITING}")


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_xact_id")
        batch_op.drop_column("xact")
    if op.get_bind().dialect.name == "sqlite":  # SQLite copied the table: its triggers went
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS event_append_only_{verb.lower()} BEFORE {verb} "
                f"ON event BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
