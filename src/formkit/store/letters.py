"""Decision letters as stored: the letter logged once its dossier is decided, then sealed once.

`record` appends the letter's leaf to the log of filings, seals a tree head and keeps the
letter with its inclusion proof, in one transaction; a dossier has at most one letter (the
table's key, and the log's unique (dossier, document)), so a repeated job or a second process
finds the letter already made and nothing is logged twice. The JWS and the sealed PDF are then
made once and kept (`keep_jws`, `keep_pdf`), as for receipts: never overwritten.

`get(number)` is what a page or the API asks: the letter, or None while there is none yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.receipts import LetterBody, assemble_letter
from formkit.store import _tables as t
from formkit.store.database import utc
from formkit.store.log import LETTER_LEAF, FilingLog
from formkit.store.receipts import keep_once

_letter = t.DecisionLetter.__table__  # type: ignore[attr-defined]
_dossier = t.Dossier.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class StoredLetter:
    dossier_id: int
    number: str
    form_id: str
    document: Mapping[str, Any]  # the full letter: `DecisionLetter.from_dict` reads it
    jws: str | None
    pdf_sha256: str | None  # the sealed PDF in the blob store, once made
    created_at: datetime

    @property
    def ready(self) -> bool:
        """Whether the sealed PDF is there to download."""
        return self.pdf_sha256 is not None


class LetterStore:
    def __init__(self, engine: Engine, log: FilingLog) -> None:
        self.engine = engine
        self.log = log

    def get(self, number: str) -> StoredLetter | None:
        """The decision letter of dossier `number`; None when it has none (yet)."""
        query = (
            sa.select(_letter, _dossier.c.number, _dossier.c.form_id)
            .join(_dossier, _dossier.c.id == _letter.c.dossier_id)
            .where(_dossier.c.number == number)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            return None
        return StoredLetter(
            row.dossier_id,
            row.number,
            row.form_id,
            row.document,
            row.jws,
            row.pdf_sha256,
            utc(row.created_at),
        )

    def record(self, number: str, body: LetterBody, now: datetime) -> StoredLetter:
        """Log `body` and keep the letter, unless the dossier has one already: the one kept.

        KeyError when there is no dossier `number`.
        """
        try:
            with self.engine.begin() as connection:
                query = sa.select(_dossier.c.id).where(_dossier.c.number == number)
                dossier_id = connection.execute(query).scalar_one_or_none()
                if dossier_id is None:
                    raise KeyError(number)
                made = sa.select(_letter.c.dossier_id).where(_letter.c.dossier_id == dossier_id)
                if connection.execute(made).first() is None:
                    self._log(connection, dossier_id, body, now)
        except sa.exc.IntegrityError:  # another process logged it first: theirs stays
            self.log.forget()
        except BaseException:
            self.log.forget()
            raise
        stored = self.get(number)
        assert stored is not None
        return stored

    def _log(
        self, connection: sa.Connection, dossier_id: int, body: LetterBody, now: datetime
    ) -> None:
        leaves = [(dossier_id, body.leaf_hash())]
        appended = self.log.append_leaves(connection, leaves, LETTER_LEAF, now)
        letter = assemble_letter(body, appended.proofs[0], appended.head)
        row = {"dossier_id": dossier_id, "document": letter.to_dict()}
        connection.execute(sa.insert(_letter), {**row, "created_at": now.astimezone(UTC)})

    def keep_jws(self, dossier_id: int, jws: str) -> str:
        """Store `jws` unless one was stored first; the one that stays."""
        return keep_once(self.engine, _letter, dossier_id, "jws", jws)

    def keep_pdf(self, dossier_id: int, sha256: str) -> str:
        return keep_once(self.engine, _letter, dossier_id, "pdf_sha256", sha256)
