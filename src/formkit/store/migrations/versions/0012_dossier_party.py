"""the persons of each dossier by their national number's keyed hash, for "Mijn dossiers"

Revision ID: dossier_party
Revises: citizen_session
Create Date: 2026-12-08 10:00:00.000000

Dossiers filed before this revision get their rows from `formkit parties backfill`, which
knows the instance's secret; the migration does not.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dossier_party"
down_revision = "citizen_session"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_party",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("national_number_key", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("dossier_id", "national_number_key", "role"),
    )
    with op.batch_alter_table("dossier_party", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_party_national_number_key"),
            ["national_number_key"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_party_national_number_key"))
    op.drop_table("dossier_party")
