"""Web eID challenge nonces: issued to one browser, good once, for `LIFETIME`.

    challenges = EidChallenges(engine)
    challenges.issue(nonce, now)        # kept until used or expired
    challenges.use(nonce, now)          # True once, for a nonce issued and not expired

The table holds only each nonce's SHA-256: the nonce itself travels in the browser's cookie,
so a copy of the database gives no nonce to answer. Taking a nonce is one DELETE: of two
logins racing with the same nonce (a replayed token), only one removes the row.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.store import _tables as t

LIFETIME = timedelta(minutes=5)  # enough to find the reader and type the PIN
_challenges: sa.Table = t.EidChallenge.__table__  # type: ignore[attr-defined]


class EidChallenges:
    def __init__(self, engine: Engine, lifetime: timedelta = LIFETIME) -> None:
        self.engine = engine
        self.lifetime = lifetime

    def issue(self, nonce: str, now: datetime) -> None:
        """Keep `nonce` until `now + lifetime`; expired ones go at the same time.

        Purging here keeps the table at one lifetime's worth of challenges, without a job.
        """
        now = now.astimezone(UTC)
        with self.engine.begin() as connection:
            connection.execute(_challenges.delete().where(_challenges.c.expires_at <= now))
            connection.execute(
                sa.insert(_challenges),
                {"nonce_hash": _hash(nonce), "expires_at": now + self.lifetime},
            )

    def use(self, nonce: str, now: datetime) -> bool:
        """Whether `nonce` was issued and is unexpired; it can never be used again after."""
        now = now.astimezone(UTC)
        row = _challenges.c.nonce_hash == _hash(nonce)
        with self.engine.begin() as connection:
            taken = connection.execute(
                _challenges.delete().where(row, _challenges.c.expires_at > now)
            ).rowcount
            if not taken:  # expired: gone as well, so that it cannot linger
                connection.execute(_challenges.delete().where(row))
        return taken == 1


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()
