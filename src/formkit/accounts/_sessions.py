"""Server-side sessions: the browser holds a random id, the store only its hash.

A session belongs to a principal: a member of staff (`Staff`) or a citizen (`Citizen`), each
kind in a store of its own. It ends at the first of two limits: `idle` after the last
request, `absolute` after the login. Each request that finds a live session moves its idle
limit on.

Besides the hash, the id gives each session a key of its own (`data_key`): a store may seal
with it what a copy of the database alone must not show (the citizen's national number). Only
the browser holding the id can open it again, for the length of the session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Session(Generic[P]):
    id_hash: str
    principal: P  # who logged in
    created_at: datetime
    last_seen: datetime
    idle_expires: datetime
    absolute_expires: datetime

    def live(self, now: datetime) -> bool:
        return now < self.idle_expires and now < self.absolute_expires


class SessionStore(Protocol[P]):
    def add(self, session: Session[P], key: bytes) -> None: ...
    def get(self, id_hash: str, key: bytes) -> Session[P] | None: ...
    def touch(self, id_hash: str, last_seen: datetime, idle_expires: datetime) -> None: ...
    def delete(self, id_hash: str) -> None: ...
    def purge(self, now: datetime) -> int: ...


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def data_key(session_id: str) -> bytes:
    """A 256-bit key only this session's id gives: not derivable from the stored hash."""
    return hmac.new(session_id.encode(), b"formkit-session-data", "sha256").digest()


# A session's idle limit moves on at most this often: one write a request (a commit on every
# page a member of staff opens) bought nothing but an idle limit a few seconds later.
TOUCH_EVERY = timedelta(seconds=30)


class Sessions(Generic[P]):
    def __init__(
        self,
        store: SessionStore[P],
        idle: timedelta,
        absolute: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.idle = idle
        self.absolute = absolute
        self.clock = clock

    def start(self, principal: P, previous: str | None = None) -> str:
        """A new session id for `principal`; the browser's session before ends (rotation)."""
        if previous:
            self.end(previous)
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        session = Session(
            id_hash=hash_id(session_id),
            principal=principal,
            created_at=now,
            last_seen=now,
            idle_expires=now + self.idle,
            absolute_expires=now + self.absolute,
        )
        self.store.add(session, data_key(session_id))
        return session_id

    def current(self, session_id: str | None) -> Session[P] | None:
        """The live session with this id, its idle limit moved on; an expired one is removed."""
        if not session_id:
            return None
        id_hash = hash_id(session_id)
        session = self.store.get(id_hash, data_key(session_id))
        now = self.clock()
        if session is None:
            return None
        if not session.live(now):
            self.store.delete(id_hash)
            return None
        if now - session.last_seen < TOUCH_EVERY:  # moved on a moment ago: spare the write
            return session
        idle_expires = min(now + self.idle, session.absolute_expires)
        self.store.touch(id_hash, now, idle_expires)
        return replace(session, last_seen=now, idle_expires=idle_expires)

    def end(self, session_id: str) -> None:
        self.store.delete(hash_id(session_id))
