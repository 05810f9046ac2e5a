"""decision letters: a second leaf per dossier in the log, and the letters kept

Revision ID: decision_letter
Revises: staff_read
Create Date: 2026-12-06 10:00:00.000000

The log held one leaf per dossier (its receipt); a decided dossier adds its decision letter.
`log_leaf.document` says which, and each dossier has each at most once. The leaves already
there are receipts.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "decision_letter"
down_revision = "staff_read"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_UNIQUE = "uq_log_leaf_document"


def _log_leaf(*, document: bool) -> sa.Table:
    """log_leaf as SQLite rebuilds it: without the old unnamed unique(dossier_id)."""
    columns: list[sa.Column[Any]] = [
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("dossier.id"), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
    ]
    if document:
        columns.append(
            sa.Column("document", sa.String(length=20), server_default="receipt", nullable=False)
        )
    return sa.Table("log_leaf", sa.MetaData(), *columns, sa.PrimaryKeyConstraint("idx"))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.drop_constraint("log_leaf_dossier_id_key", "log_leaf", type_="unique")
    copy = None if postgres else _log_leaf(document=False)
    with op.batch_alter_table("log_leaf", copy_from=copy, recreate="auto") as batch_op:
        batch_op.add_column(
            sa.Column("document", sa.String(length=20), server_default="receipt", nullable=False)
        )
        batch_op.create_unique_constraint(_UNIQUE, ["dossier_id", "document"])
    op.create_table(
        "decision_letter",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("jws", sa.Text(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("dossier_id"),
    )


def downgrade() -> None:
    """Only while no dossier has a letter: a receipt's leaf is then again the only one."""
    op.drop_table("decision_letter")
    postgres = op.get_bind().dialect.name == "postgresql"
    copy = None if postgres else _log_leaf(document=True)
    with op.batch_alter_table("log_leaf", copy_from=copy, recreate="auto") as batch_op:
        if postgres:
            batch_op.drop_constraint(_UNIQUE, type_="unique")
        batch_op.drop_column("document")
        batch_op.create_unique_constraint("log_leaf_dossier_id_key", ["dossier_id"])
