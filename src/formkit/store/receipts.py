"""Receipts as stored: the JSON made with the filing, the JWS and PDF issued once and kept.

ECDSA signatures differ each time they are made, so a receipt's JWS and PDF are issued once
and then served as stored: the same dossier always shows the same receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.store import _tables as t

_receipt = t.Receipt.__table__  # type: ignore[attr-defined]
_dossier = t.Dossier.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class StoredReceipt:
    dossier_id: int
    number: str
    form_id: str
    document: Mapping[str, Any]
    jws: str | None
    pdf_sha256: str | None


class ReceiptStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, number: str) -> StoredReceipt | None:
        return self._find(_dossier.c.number == number)

    def by_code(self, code: str) -> StoredReceipt | None:
        """The receipt whose `verify_url` carries `code`: what the QR code's link looks up."""
        return self._find(_receipt.c.verification_code == code)

    def _find(self, condition: sa.ColumnElement[bool]) -> StoredReceipt | None:
        query = (
            sa.select(_receipt, _dossier.c.number, _dossier.c.form_id)
            .join(_dossier, _dossier.c.id == _receipt.c.dossier_id)
            .where(condition)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            return None
        return StoredReceipt(
            row.dossier_id, row.number, row.form_id, row.document, row.jws, row.pdf_sha256
        )

    def keep_jws(self, dossier_id: int, jws: str) -> str:
        """Store `jws` unless one was stored first; the one that stays."""
        return self._keep(dossier_id, "jws", jws)

    def keep_pdf(self, dossier_id: int, sha256: str) -> str:
        return self._keep(dossier_id, "pdf_sha256", sha256)

    def _keep(self, dossier_id: int, column: str, value: str) -> str:
        return keep_once(self.engine, _receipt, dossier_id, column, value)


def keep_once(engine: Engine, table: sa.Table, dossier_id: int, column: str, value: str) -> str:
    """Store `value` in the dossier's row of `table` unless one was stored first; the one that
    stays. What is sealed differs each time it is made, so the first one made is the one kept."""
    with engine.begin() as connection:
        connection.execute(
            table.update()
            .where(table.c.dossier_id == dossier_id, table.c[column].is_(None))
            .values({column: value})
        )
        query = sa.select(table.c[column]).where(table.c.dossier_id == dossier_id)
        kept: str = connection.execute(query).scalar_one()
    return kept
