"""The persons of each dossier, in SQL: a citizen's dossiers, and the backfill of old ones.

    parties = DossierParties(engine)
    parties.dossiers(key)             # the dossiers whose party `key` is, newest first
    parties.roles(number, key)        # `key`'s roles in dossier `number`; empty: not theirs
    parties.backfill(forms, key_of)   # rows for dossiers filed before parties were recorded

`key` is the keyed hash of a national number (`formkit.accounts.national_number_key`); the
number itself is never stored here. Filing writes the rows of a new dossier in its own
transaction (`formkit.store.dossiers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from formkit.filing._filing import Role
from formkit.filing._parties import parties
from formkit.forms._model import Form
from formkit.store import _tables as t
from formkit.store.database import insert_ignore, utc

_party = t.DossierParty.__table__  # type: ignore[attr-defined]
_dossier = t.Dossier.__table__  # type: ignore[attr-defined]
BACKFILL_BATCH = 500


@dataclass(frozen=True, slots=True)
class PartyDossier:
    """A dossier as a citizen's list shows it: the projection's columns, no event folded."""

    number: str
    form_id: str
    filed_at: datetime
    phase: str
    decision_due: date | None
    roles: frozenset[Role]


@dataclass(frozen=True, slots=True)
class Backfilled:
    dossiers: int  # looked at
    added: int  # party rows that were not there yet


class DossierParties:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def dossiers(self, key: str) -> list[PartyDossier]:
        query = (
            sa.select(
                _dossier.c.number,
                _dossier.c.form_id,
                _dossier.c.filed_at,
                _dossier.c.phase,
                _dossier.c.decision_due,
                _party.c.role,
            )
            .join(_party, _party.c.dossier_id == _dossier.c.id)
            .where(_party.c.national_number_key == key)
            .order_by(_dossier.c.filed_at.desc(), _dossier.c.id.desc())
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        found: dict[str, PartyDossier] = {}
        for row in rows:
            known = found.get(row.number)
            roles = frozenset({Role(row.role)}) | (known.roles if known else frozenset())
            found[row.number] = PartyDossier(
                row.number, row.form_id, utc(row.filed_at), row.phase, row.decision_due, roles
            )
        return list(found.values())

    def roles(self, number: str, key: str) -> frozenset[Role]:
        query = (
            sa.select(_party.c.role)
            .join(_dossier, _party.c.dossier_id == _dossier.c.id)
            .where(_dossier.c.number == number, _party.c.national_number_key == key)
        )
        with self.engine.connect() as connection:
            return frozenset(Role(role) for role in connection.execute(query).scalars())

    def backfill(
        self, forms: Callable[[str], Form | None], key_of: Callable[[str], str]
    ) -> Backfilled:
        """Record the parties of every dossier by the rule filing uses (`filing._parties`),
        read from the answers as filed and the form as it is now; rows already there stay.

        Idempotent: a second run adds nothing. A batch of dossiers per transaction.
        """
        seen = added = 0
        for batch in self._batches():
            rows = [
                {"dossier_id": row.id, "national_number_key": p.national_number_key, "role": p.role}
                for row in batch
                for p in parties(
                    forms(row.form_id), row.answers, row.signer or row.authentication, key_of
                )
            ]
            ids = [row.id for row in batch]
            with self.engine.begin() as connection:
                before = _count(connection, ids)
                if rows:
                    insert_ignore(connection, _party, rows)
                added += _count(connection, ids) - before
            seen += len(batch)
        return Backfilled(seen, added)

    def _batches(self) -> Iterator[list[Any]]:
        last = 0
        columns = (
            *(_dossier.c.id, _dossier.c.form_id, _dossier.c.answers),
            *(_dossier.c.signer, _dossier.c.authentication),
        )
        while True:
            query = (
                sa.select(*columns)
                .where(_dossier.c.id > last)
                .order_by(_dossier.c.id)
                .limit(BACKFILL_BATCH)
            )
            with self.engine.connect() as connection:
                batch = list(connection.execute(query).all())
            if not batch:
                return
            yield batch
            last = batch[-1].id


def _count(connection: Connection, dossier_ids: list[int]) -> int:
    query = sa.select(sa.func.count()).where(_party.c.dossier_id.in_(dossier_ids))
    return int(connection.execute(query).scalar_one())
