"""The sessions tables: `formkit.accounts.SessionStore` in SQL, one table per kind of person.

    staff = staff_sessions(engine)              # Session[Staff], table staff_session
    citizens = citizen_sessions(engine, secret) # Session[Citizen], table citizen_session

The times and the id hash are the same for every kind; a `Columns` pair turns the person into
their table's columns and back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.accounts import Citizen, Session, Staff, national_number_key, seal, unseal
from formkit.store import _tables as t
from formkit.store.database import utc

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Columns(Generic[P]):
    """How a person is kept in a row: `to_row(person, id_hash, key)`, `from_row(row, key)`.

    `key` is the session's own (`formkit.accounts.data_key`); `from_row` answers None for a
    row it cannot open with it.
    """

    to_row: Callable[[P, str, bytes], dict[str, Any]]
    from_row: Callable[[Mapping[str, Any], bytes], P | None]


class SqlSessionStore(Generic[P]):
    def __init__(self, engine: Engine, table: sa.Table, columns: Columns[P]) -> None:
        self.engine = engine
        self.table = table
        self.columns = columns

    def add(self, session: Session[P], key: bytes) -> None:
        row = self.columns.to_row(session.principal, session.id_hash, key) | {
            "id_hash": session.id_hash,
            "created_at": session.created_at.astimezone(UTC),
            "last_seen": session.last_seen.astimezone(UTC),
            "idle_expires": session.idle_expires.astimezone(UTC),
            "absolute_expires": session.absolute_expires.astimezone(UTC),
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(self.table), row)

    def get(self, id_hash: str, key: bytes) -> Session[P] | None:
        query = sa.select(self.table).where(self.table.c.id_hash == id_hash)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        principal = self.columns.from_row(dict(row), key)
        if principal is None:
            return None
        return Session(
            id_hash=row["id_hash"],
            principal=principal,
            created_at=utc(row["created_at"]),
            last_seen=utc(row["last_seen"]),
            idle_expires=utc(row["idle_expires"]),
            absolute_expires=utc(row["absolute_expires"]),
        )

    def touch(self, id_hash: str, last_seen: datetime, idle_expires: datetime) -> None:
        change = {
            "last_seen": last_seen.astimezone(UTC),
            "idle_expires": idle_expires.astimezone(UTC),
        }
        with self.engine.begin() as connection:
            connection.execute(
                self.table.update().where(self.table.c.id_hash == id_hash).values(change)
            )

    def delete(self, id_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(self.table.delete().where(self.table.c.id_hash == id_hash))

    def purge(self, now: datetime) -> int:
        """Remove the sessions past either limit; returns how many."""
        now = now.astimezone(UTC)
        c = self.table.c
        expired = sa.or_(c.idle_expires <= now, c.absolute_expires <= now)
        with self.engine.begin() as connection:
            return connection.execute(self.table.delete().where(expired)).rowcount


def staff_sessions(engine: Engine) -> SqlSessionStore[Staff]:
    table: sa.Table = t.StaffSession.__table__  # type: ignore[attr-defined]
    return SqlSessionStore(engine, table, Columns(_staff_row, _staff))


def _staff_row(staff: Staff, id_hash: str, key: bytes) -> dict[str, Any]:
    return {"subject": staff.subject, "name": staff.name, "roles": list(staff.roles)}


def _staff(row: Mapping[str, Any], key: bytes) -> Staff:
    return Staff(subject=row["subject"], name=row["name"], roles=tuple(row["roles"]))


def citizen_sessions(engine: Engine, secret: bytes) -> SqlSessionStore[Citizen]:
    """Citizens' sessions; `secret` (the instance's) keys the national numbers' look-up key."""

    def to_row(citizen: Citizen, id_hash: str, key: bytes) -> dict[str, Any]:
        identity = json.dumps(
            {
                "sub": citizen.subject,
                "nn": citizen.national_number,
                "by": citizen.provider,
                "gn": citizen.given_name,
                "fn": citizen.family_name,
            }
        )
        return {
            "name": citizen.name,
            "level": citizen.level,
            "national_number_key": national_number_key(secret, citizen.national_number),
            "identity_sealed": seal(key, identity, id_hash),
        }

    def from_row(row: Mapping[str, Any], key: bytes) -> Citizen | None:
        opened = unseal(key, row["identity_sealed"], row["id_hash"])
        if opened is None:
            return None
        identity = json.loads(opened)
        provider = identity.get("by", "fas")  # sessions from before eID logins: all FAS
        return Citizen(
            identity["sub"],
            row["name"],
            identity["nn"],
            row["level"],
            provider,
            identity.get("gn", ""),  # sessions from before prefilling: the name whole only
            identity.get("fn", ""),
        )

    table: sa.Table = t.CitizenSession.__table__  # type: ignore[attr-defined]
    return SqlSessionStore(engine, table, Columns(to_row, from_row))
