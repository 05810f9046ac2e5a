"""The staff's read audit: every look at a dossier's page, attachment or letter, one row each.

Rows are appended in their own short transaction before the page or file is sent, so a read
that was not recorded was never shown; the database refuses to change or delete one (the
trigger of migration `staff_read`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.accounts import Staff
from formkit.store import _tables as t
from formkit.store.database import utc

_reads: sa.Table = t.StaffRead.__table__  # type: ignore[attr-defined]
_dossier: sa.Table = t.Dossier.__table__  # type: ignore[attr-defined]
SHOWN = 500  # the newest reads a listing shows


class Read(enum.StrEnum):
    DOSSIER = "dossier"  # the dossier's page
    ATTACHMENT = "bijlage"  # one attachment, downloaded or shown
    LETTER = "beslissingsbrief"  # the dossier's decision letter, downloaded
    ADVICE_FILE = "adviesbijlage"  # a file that came with an advice, downloaded or shown


@dataclass(frozen=True, slots=True)
class StaffRead:
    at: datetime
    subject: str
    name: str
    what: Read
    # The attachment's place in the answers (an advice's file: `adviezen/<event>/<index>`),
    # never its name or bytes.
    pointer: str | None


class UnknownDossierError(LookupError):
    """No dossier has this number."""


class StaffReads:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self, number: str, staff: Staff, what: Read, at: datetime, pointer: str | None = None
    ) -> None:
        """Append one read; raises when it could not be recorded (nothing may be shown then)."""
        dossier_id = sa.select(_dossier.c.id).where(_dossier.c.number == number).scalar_subquery()
        row = {
            "dossier_id": dossier_id,
            "at": at.astimezone(UTC),
            "subject": staff.subject[:255],
            "name": staff.name[:255],
            "what": what.value,
            "pointer": pointer,
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(_reads).values(row))

    def of(self, number: str, limit: int = SHOWN) -> list[StaffRead]:
        """The dossier's reads, newest first; `UnknownDossierError` when there is no such one."""
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(_dossier.c.id).where(_dossier.c.number == number)
            ).scalar_one_or_none()
            if found is None:
                raise UnknownDossierError(number)
            query = (
                sa.select(_reads)
                .where(_reads.c.dossier_id == found)
                .order_by(_reads.c.at.desc(), _reads.c.id.desc())
                .limit(limit)
            )
            return [
                StaffRead(utc(r.at), r.subject, r.name, Read(r.what), r.pointer)
                for r in connection.execute(query)
            ]
