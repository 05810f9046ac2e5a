"""Web eID challenge nonces in the database: good once, for five minutes, on both backends."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from tests.conftest import NOW

from formkit.eid import new_nonce
from formkit.store import _tables as t
from formkit.store.challenges import LIFETIME, EidChallenges
from formkit.store.database import open_database


def test_a_nonce_is_good_once_until_it_expires_and_only_its_hash_is_kept(
    database_url: str,
) -> None:
    engine = open_database(database_url)
    challenges = EidChallenges(engine)
    used, expired, stale, never = (new_nonce() for _ in range(4))
    for nonce in (used, expired, stale):
        challenges.issue(nonce, NOW)
    with engine.connect() as connection:
        stored = str(list(connection.execute(sa.select(t.EidChallenge.__table__))))  # type: ignore[attr-defined]
    assert used not in stored
    assert challenges.use(used, NOW + LIFETIME - timedelta(seconds=1))
    assert not challenges.use(used, NOW)  # a replay
    assert not challenges.use(expired, NOW + LIFETIME)
    assert not challenges.use(never, NOW)
    # Issuing later clears what expired meanwhile, unused (`stale`).
    challenges.issue(never, NOW + LIFETIME)
    with engine.connect() as connection:
        left = connection.execute(sa.select(sa.func.count()).select_from(t.EidChallenge)).scalar()
    assert left == 1
    engine.dispose()
