"""The outbox: work that follows a filing, done at least once, retried with backoff, visible.

A row is written in the transaction that causes it (a filing writes `dossier.created`), so the
work exists exactly when its cause does. A worker claims due rows in one short transaction that
counts the attempt and pushes `available_at` a lease ahead: the row is then invisible to other
workers while it is handled outside any transaction, and comes due again by itself if the
worker dies. On PostgreSQL the claim skips rows another process is claiming at that moment
(`FOR UPDATE SKIP LOCKED`), so several processes share the work without waiting on each other;
on SQLite the write lock taken by `BEGIN IMMEDIATE` serialises the claims.

Outcomes are settled many at a time, in one transaction (one disk flush for a batch, as with
filings). A job that is done adds its follow-up messages in that same transaction, and only if
it was not done before: a fan-out that ran twice still adds its messages once. A failure is
fenced by the attempt count, so a worker whose lease ran out cannot touch a row another worker
has claimed since. A row that failed `max_attempts` times is a dead letter, kept with its last
error until an operator replays it.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.store import _tables as t
from formkit.store.database import utc

_outbox: sa.Table = t.Outbox.__table__  # type: ignore[attr-defined]
_ERROR_LENGTH = 2000  # the column's size


@dataclass(frozen=True, slots=True)
class Backoff:
    """The wait after each failed attempt: `first`, times `factor` each time, up to `cap`.

    The defaults retry after 10 s, 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min, 2 h, 6 h and
    then every 12 h: twelve attempts span about 45 hours. Each wait varies by `jitter` either
    way, so receivers that failed together are not all retried at the same instant.
    """

    first: timedelta = timedelta(seconds=10)
    factor: float = 3.0
    cap: timedelta = timedelta(hours=12)
    jitter: float = 0.2
    max_attempts: int = 12

    def delay(self, attempt: int, unit: float = 0.5) -> timedelta:
        """The wait after failed attempt `attempt` (1 is the first); `unit` is random in [0, 1)."""
        exponent = min(max(attempt - 1, 0), 64)  # beyond that the cap rules anyway
        seconds = min(self.first.total_seconds() * self.factor**exponent, self.cap.total_seconds())
        return timedelta(seconds=seconds * (1 + self.jitter * (2 * unit - 1)))

    def schedule(self) -> list[timedelta]:
        """The waits between the attempts, without jitter."""
        return [self.delay(n) for n in range(1, self.max_attempts)]


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed row: the handler's input. `attempt` is 1 the first time it is handled."""

    id: int
    topic: str
    payload: Mapping[str, Any]
    created_at: datetime
    attempt: int


@dataclass(frozen=True, slots=True)
class Entry:
    """A row as operators see it."""

    id: int
    topic: str
    payload: Mapping[str, Any]
    created_at: datetime
    available_at: datetime  # the next attempt, unless done or dead
    attempts: int
    last_error: str | None
    done_at: datetime | None
    dead_at: datetime | None


Message = tuple[str, Mapping[str, Any]]  # (topic, payload)


@dataclass(frozen=True, slots=True)
class Done:
    """The job's work is done; `follow_ups` are added when this is recorded, and only then."""

    job: Job
    follow_ups: tuple[Message, ...] = ()


@dataclass(frozen=True, slots=True)
class Failed:
    """The job failed: retry after the backoff (at least `not_before`), or never if `dead`."""

    job: Job
    error: str
    dead: bool = False
    not_before: timedelta | None = None


Outcome = Done | Failed


class Outbox:
    def __init__(
        self,
        engine: Engine,
        backoff: Backoff | None = None,
        lease: timedelta = timedelta(minutes=2),
        clock: Callable[[], datetime] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        self.engine = engine
        self.backoff = backoff or Backoff()
        self.lease = lease  # longer than any handler may take
        self._clock = clock or (lambda: datetime.now(UTC))
        self._random = random or _random.SystemRandom().random

    def now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def enqueue(self, messages: Sequence[Message]) -> None:
        """Add messages, due now (a filing writes its own in its transaction instead)."""
        if messages:
            with self.engine.begin() as connection:
                connection.execute(sa.insert(_outbox), [_fresh(m, self.now()) for m in messages])

    def claim(self, limit: int) -> list[Job]:
        """Up to `limit` due rows, oldest first, leased to the caller, their attempt counted."""
        if limit < 1:
            return []
        now = self.now()
        due = (
            sa.select(_outbox.c.id)
            .where(_pending, _outbox.c.available_at <= now)
            .order_by(_outbox.c.available_at, _outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            _outbox.update()
            .where(_outbox.c.id.in_(due.scalar_subquery()))
            .values(available_at=now + self.lease, attempts=_outbox.c.attempts + 1)
            .returning(
                _outbox.c.id,
                _outbox.c.topic,
                _outbox.c.payload,
                _outbox.c.created_at,
                _outbox.c.attempts,
            )
        )
        with self.engine.begin() as connection:
            rows = connection.execute(claim).all()
        jobs = [Job(r.id, r.topic, r.payload, utc(r.created_at), r.attempts) for r in rows]
        return sorted(jobs, key=lambda job: job.id)

    def settle(self, outcomes: Sequence[Outcome]) -> list[Outcome]:
        """Record what became of claimed jobs, all in one transaction; returns what took effect.

        A job done twice (its lease ran out and another worker did it too) is recorded once,
        and only then are its follow-up messages added. A failure is recorded only by the
        worker holding the latest claim; after `max_attempts` the row is a dead letter.
        """
        now = self.now()
        taken = []
        with self.engine.begin() as connection:
            for outcome in sorted(outcomes, key=lambda o: o.job.id):  # one lock order for all
                statement = self._statement(outcome, now)
                if connection.execute(statement).rowcount:
                    taken.append(outcome)
                    if isinstance(outcome, Done) and outcome.follow_ups:
                        rows = [_fresh(message, now) for message in outcome.follow_ups]
                        connection.execute(sa.insert(_outbox), rows)
        return taken

    def done(self, job: Job, follow_ups: Sequence[Message] = ()) -> bool:
        """Record one job done; False when it was done already."""
        return bool(self.settle([Done(job, tuple(follow_ups))]))

    def fail(
        self, job: Job, error: str, *, dead: bool = False, not_before: timedelta | None = None
    ) -> bool:
        """Record one failure; True when the row is now a dead letter."""
        failed = Failed(job, error, dead, not_before)
        return any(self.is_dead(outcome) for outcome in self.settle([failed]))

    def is_dead(self, outcome: Outcome) -> bool:
        """Whether a settled outcome made its row a dead letter."""
        if not isinstance(outcome, Failed):
            return False
        return outcome.dead or outcome.job.attempt >= self.backoff.max_attempts

    def _statement(self, outcome: Outcome, now: datetime) -> sa.Update:
        job = outcome.job
        if isinstance(outcome, Done):
            return (
                _outbox.update()
                .where(_outbox.c.id == job.id, _outbox.c.done_at.is_(None))
                .values(done_at=now, dead_at=None)
            )
        settled: dict[str, Any] = {"last_error": outcome.error[:_ERROR_LENGTH]}
        if self.is_dead(outcome):
            settled["dead_at"] = now
        else:
            wait = self.backoff.delay(job.attempt, self._random())
            if outcome.not_before is not None:
                wait = max(wait, min(outcome.not_before, self.backoff.cap))
            settled["available_at"] = now + wait
        return (
            _outbox.update()
            .where(_outbox.c.id == job.id, _outbox.c.attempts == job.attempt, _pending)
            .values(**settled)
        )

    def get(self, entry_id: int) -> Entry | None:
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(_outbox).where(_outbox.c.id == entry_id)).first()
        return None if row is None else _entry(row)

    def pending(self, limit: int | None = None) -> list[Entry]:
        """Rows not done and not dead, next attempt first."""
        query = sa.select(_outbox).where(_pending).order_by(_outbox.c.available_at, _outbox.c.id)
        return self._entries(query.limit(limit))

    def dead(self, limit: int | None = None) -> list[Entry]:
        """The dead letters, the longest dead first."""
        query = (
            sa.select(_outbox)
            .where(_outbox.c.dead_at.is_not(None))
            .order_by(_outbox.c.dead_at, _outbox.c.id)
        )
        return self._entries(query.limit(limit))

    def replay(self, ids: Iterable[int] | None = None) -> list[int]:
        """Make dead letters due now with a fresh count of attempts; None replays them all."""
        statement = _outbox.update().where(_outbox.c.dead_at.is_not(None))
        if ids is not None:
            statement = statement.where(_outbox.c.id.in_(list(ids)))
        statement = statement.values(dead_at=None, attempts=0, available_at=self.now())
        with self.engine.begin() as connection:
            replayed = connection.execute(statement.returning(_outbox.c.id)).scalars().all()
        return sorted(replayed)

    def purge(self, done_before: datetime) -> int:
        """Forget rows done before the moment; dead letters stay until replayed."""
        with self.engine.begin() as connection:
            result = connection.execute(
                _outbox.delete().where(_outbox.c.done_at < done_before.astimezone(UTC))
            )
        return int(result.rowcount)

    def _entries(self, query: sa.Select[Any]) -> list[Entry]:
        with self.engine.begin() as connection:
            return [_entry(row) for row in connection.execute(query)]


_pending = sa.and_(_outbox.c.done_at.is_(None), _outbox.c.dead_at.is_(None))


def _fresh(message: Message, now: datetime) -> dict[str, Any]:
    topic, payload = message
    return {
        "topic": topic,
        "payload": dict(payload),
        "created_at": now,
        "available_at": now,
        "attempts": 0,
    }


def _entry(row: Any) -> Entry:
    return Entry(
        id=row.id,
        topic=row.topic,
        payload=row.payload,
        created_at=utc(row.created_at),
        available_at=utc(row.available_at),
        attempts=row.attempts,
        last_error=row.last_error,
        done_at=None if row.done_at is None else utc(row.done_at),
        dead_at=None if row.dead_at is None else utc(row.dead_at),
    )
