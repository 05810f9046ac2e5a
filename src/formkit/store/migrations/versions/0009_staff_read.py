"""staff_read: who of the staff read which dossier and when, append-only

Revision ID: staff_read
Revises: advice_department
Create Date: 2026-12-05 10:00:00.000000

Like the events, the database refuses to change or delete a row (a trigger), on SQLite and
PostgreSQL alike: a read audit anyone could edit would prove nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "staff_read"
down_revision = "advice_department"
branch_labels = None
depends_on = None

REFUSAL = "reads are appended, never changed or deleted"
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER staff_read_append_only_{verb.lower()} BEFORE {verb} ON staff_read "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_TRIGGER = [
    "CREATE FUNCTION staff_read_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER staff_read_append_only BEFORE UPDATE OR DELETE ON staff_read "
    "FOR EACH ROW EXECUTE FUNCTION staff_read_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "staff_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("what", sa.String(length=20), nullable=False),
        sa.Column("pointer", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_read", schema=None) as batch_op:
        batch_op.create_index("ix_staff_read_dossier_at", ["dossier_id", "at"], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_TRIGGER if postgres else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER staff_read_append_only ON staff_read")
        op.execute("DROP FUNCTION staff_read_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER staff_read_append_only_{verb}")
    with op.batch_alter_table("staff_read", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_read_dossier_at")
    op.drop_table("staff_read")
