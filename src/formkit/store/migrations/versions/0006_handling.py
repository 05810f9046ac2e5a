"""dossier handling: the dossier's handling columns, advice requests, append-only events

Revision ID: handling
Revises: upload_used_at
Create Date: 2026-12-04 19:00:00.000000

Events were append-only by convention; from here the database refuses to change or delete
one, on SQLite and PostgreSQL alike (a trigger). Dossiers filed before keep version 1: their
one event is the filing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "handling"
down_revision = "upload_used_at"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_OPEN = "opinion IS NULL AND NOT late"
REFUSAL = "events are appended, never changed or deleted"
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER event_append_only_{verb.lower()} BEFORE {verb} ON event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_TRIGGER = [
    "CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
    "FOR EACH ROW EXECUTE FUNCTION event_append_only()",
]


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("handler", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("handler_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("track", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("completeness_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decision_due", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("next_due", sa.Date(), server_default="9999-12-31", nullable=False)
        )
        batch_op.add_column(sa.Column("search", sa.Text(), server_default="", nullable=False))
        batch_op.create_index("ix_dossier_next_due", ["next_due", "id"], unique=False)
        for column in ("phase", "handler"):
            batch_op.create_index(f"ix_dossier_{column}_next_due", [column, "next_due", "id"])
        for column in ("completeness_due", "decision_due"):
            batch_op.create_index(batch_op.f(f"ix_dossier_{column}"), [column], unique=False)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by", JSON, nullable=True))
    op.create_table(
        "advice_request",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("opinion", sa.String(length=40), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("dossier_id", "department"),
    )
    with op.batch_alter_table("advice_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_advice_request_open",
            ["department", "due", "dossier_id"],
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_TRIGGER if postgres else _SQLITE_TRIGGERS:
        op.execute(statement)
    if postgres:  # pg_trgm is a trusted extension: the database's owner may create it
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_dossier_search",
            "dossier",
            ["search"],
            postgresql_using="gin",
            postgresql_ops={"search": "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_dossier_search", table_name="dossier")
        op.execute("DROP TRIGGER event_append_only ON event")
        op.execute("DROP FUNCTION event_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER event_append_only_{verb}")
    op.drop_table("advice_request")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("by")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        for column in ("completeness_due", "decision_due"):
            batch_op.drop_index(batch_op.f(f"ix_dossier_{column}"))
        for index in ("next_due", "phase_next_due", "handler_next_due"):
            batch_op.drop_index(f"ix_dossier_{index}")
        for column in ("search", "next_due", "decision_due", "completeness_due", "track"):
            batch_op.drop_column(column)
        for column in ("handler_name", "handler", "version"):
            batch_op.drop_column(column)
