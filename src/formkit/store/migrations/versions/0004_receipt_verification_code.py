"""a random verification code per receipt, for the public look-up of /verificatie

Revision ID: receipt_verification_code
Revises: 0003
Create Date: 2026-12-01 10:00:00.000000

Receipts issued before this revision keep no code (NULL): their signed `verify_url` names the
dossier number and cannot change without breaking their seal and their leaf in the log, so a
code made now would be printed on no receipt and lead nobody anywhere. Their QR code still
opens /verificatie, which then only offers to check the receipt file itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "receipt_verification_code"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verification_code", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_receipt_verification_code"), ["verification_code"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_verification_code"))
        batch_op.drop_column("verification_code")
