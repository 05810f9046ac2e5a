"""The staff sessions table: `formkit.accounts.SessionStore` in SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.accounts import Session, Staff
from formkit.store import _tables as t
from formkit.store.database import utc

_sessions: sa.Table = t.StaffSession.__table__  # type: ignore[attr-defined]


class SqlSessionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, session: Session) -> None:
        row = {
            "id_hash": session.id_hash,
            "subject": session.staff.subject,
            "name": session.staff.name,
            "roles": list(session.staff.roles),
            "created_at": session.created_at.astimezone(UTC),
            "last_seen": session.last_seen.astimezone(UTC),
            "idle_expires": session.idle_expires.astimezone(UTC),
            "absolute_expires": session.absolute_expires.astimezone(UTC),
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(_sessions), row)

    def get(self, id_hash: str) -> Session | None:
        query = sa.select(_sessions).where(_sessions.c.id_hash == id_hash)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _session(row)

    def touch(self, id_hash: str, last_seen: datetime, idle_expires: datetime) -> None:
        change = {
            "last_seen": last_seen.astimezone(UTC),
            "idle_expires": idle_expires.astimezone(UTC),
        }
        with self.engine.begin() as connection:
            connection.execute(
                _sessions.update().where(_sessions.c.id_hash == id_hash).values(change)
            )

    def delete(self, id_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(_sessions.delete().where(_sessions.c.id_hash == id_hash))

    def purge(self, now: datetime) -> int:
        """Remove the sessions past either limit; returns how many."""
        now = now.astimezone(UTC)
        expired = sa.or_(_sessions.c.idle_expires <= now, _sessions.c.absolute_expires <= now)
        with self.engine.begin() as connection:
            return connection.execute(_sessions.delete().where(expired)).rowcount


def _session(row: Any) -> Session:
    staff = Staff(subject=row["subject"], name=row["name"], roles=tuple(row["roles"]))
    return Session(
        id_hash=row["id_hash"],
        staff=staff,
        created_at=utc(row["created_at"]),
        last_seen=utc(row["last_seen"]),
        idle_expires=utc(row["idle_expires"]),
        absolute_expires=utc(row["absolute_expires"]),
    )
