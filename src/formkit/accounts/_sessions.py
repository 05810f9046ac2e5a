"""Server-side staff sessions: the browser holds a random id, the store only its hash.

A session ends at the first of two limits: `idle` after the last request, `absolute` after
the login. Each request that finds a live session moves its idle limit on.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from formkit.accounts._roles import Staff


@dataclass(frozen=True, slots=True)
class Session:
    id_hash: str
    staff: Staff
    created_at: datetime
    last_seen: datetime
    idle_expires: datetime
    absolute_expires: datetime

    def live(self, now: datetime) -> bool:
        return now < self.idle_expires and now < self.absolute_expires


class SessionStore(Protocol):
    def add(self, session: Session) -> None: ...
    def get(self, id_hash: str) -> Session | None: ...
    def touch(self, id_hash: str, last_seen: datetime, idle_expires: datetime) -> None: ...
    def delete(self, id_hash: str) -> None: ...
    def purge(self, now: datetime) -> int: ...


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Sessions:
    def __init__(
        self,
        store: SessionStore,
        idle: timedelta,
        absolute: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.idle = idle
        self.absolute = absolute
        self.clock = clock

    def start(self, staff: Staff, previous: str | None = None) -> str:
        """A new session id for `staff`; the session the browser had before ends (rotation)."""
        if previous:
            self.end(previous)
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        self.store.add(
            Session(
                id_hash=hash_id(session_id),
                staff=staff,
                created_at=now,
                last_seen=now,
                idle_expires=now + self.idle,
                absolute_expires=now + self.absolute,
            )
        )
        return session_id

    def current(self, session_id: str | None) -> Session | None:
        """The live session with this id, its idle limit moved on; an expired one is removed."""
        if not session_id:
            return None
        id_hash = hash_id(session_id)
        session = self.store.get(id_hash)
        now = self.clock()
        if session is None:
            return None
        if not session.live(now):
            self.store.delete(id_hash)
            return None
        idle_expires = min(now + self.idle, session.absolute_expires)
        self.store.touch(id_hash, now, idle_expires)
        return replace(session, last_seen=now, idle_expires=idle_expires)

    def end(self, session_id: str) -> None:
        self.store.delete(hash_id(session_id))
