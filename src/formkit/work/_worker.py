"""The outbox worker: claims due rows, hands each to its topic's handler, records the outcome.

Every process of the service runs one. Rows are claimed a few at a time, as many as there are
free places (`concurrency`), and handled concurrently; the worker claims again when a place
frees up, when nudged (new rows were written) or every `poll`. Outcomes are recorded together,
in one transaction per turn of the loop, so a busy worker costs the database one commit per
batch rather than one per row.

A failing handler, a missing handler or a database that is briefly away never stops the loop:
the row is retried later, and in the end lands on the dead-letter list, where operators see it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

import anyio.to_thread

from formkit.store.outbox import Done, Failed, Job, Outbox, Outcome
from formkit.work._registry import Handlers, RetryLaterError, UndeliverableError

log = logging.getLogger("formkit.outbox")
_PURGE_EVERY_SECONDS = 3600


class OutboxWorker:
    def __init__(
        self,
        outbox: Outbox,
        handlers: Handlers,
        *,
        concurrency: int = 16,
        poll: timedelta = timedelta(seconds=1),
        keep_done: timedelta = timedelta(days=7),
        grace: timedelta = timedelta(seconds=5),
    ) -> None:
        self.outbox = outbox
        self.handlers = handlers
        self.concurrency = max(concurrency, 1)
        self.poll = poll.total_seconds()
        self.keep_done = keep_done  # done rows are forgotten after this
        self.grace = grace.total_seconds()  # for handlers still running at shutdown
        self._wake = asyncio.Event()
        self._outcomes: list[Outcome] = []
        self._purged_at = float("-inf")

    def nudge(self) -> None:
        """New rows are due: claim now instead of at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set; then let running handlers finish for a moment."""
        running: set[asyncio.Task[None]] = set()
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                self._wake.clear()
                await self._record()
                await self._fill(running)
                await self._rest(running, stopping)
                await self._purge_now_and_then()
        finally:
            stopping.cancel()
            await self._finish(running)

    async def _fill(self, running: set[asyncio.Task[None]]) -> None:
        free = self.concurrency - len(running)
        if free < 1:
            return
        try:
            jobs = await anyio.to_thread.run_sync(self.outbox.claim, free)
        except Exception:
            log.exception("claiming outbox rows failed; trying again in %.1f s", self.poll)
            return
        for job in jobs:
            task = asyncio.create_task(self._process(job), name=f"formkit-outbox-{job.id}")
            running.add(task)
            task.add_done_callback(running.discard)

    async def _rest(self, running: set[asyncio.Task[None]], stopping: asyncio.Task[Any]) -> None:
        """Until a place frees up, a nudge, the stop, or (with a free place) the next poll."""
        waking = asyncio.create_task(self._wake.wait())
        full = len(running) >= self.concurrency
        await asyncio.wait(
            {stopping, waking, *running},
            timeout=None if full else self.poll,
            return_when=asyncio.FIRST_COMPLETED,
        )
        waking.cancel()

    async def _process(self, job: Job) -> None:
        outcome = await self._outcome(job)
        self._outcomes.append(outcome)  # the list of this moment: `_record` swaps it

    async def _outcome(self, job: Job) -> Outcome:
        handler = self.handlers.get(job.topic)
        if handler is None:  # perhaps a newer process knows it: retry, do not drop
            return Failed(job, f"no handler for topic {job.topic!r}")
        try:
            follow_ups = await handler.handle(job)
        except UndeliverableError as error:
            return Failed(job, str(error), dead=True)
        except RetryLaterError as error:
            return Failed(job, str(error), not_before=error.after)
        except Exception as error:
            log.debug("outbox row %s failed", job.id, exc_info=error)
            return Failed(job, f"{type(error).__name__}: {error}")
        return Done(job, tuple(follow_ups or ()))

    async def _record(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        if not outcomes:
            return
        try:
            taken = await anyio.to_thread.run_sync(self.outbox.settle, outcomes)
        except Exception:  # the leases run out and the rows are handled again
            log.exception("recording the outcome of %s outbox rows failed", len(outcomes))
            return
        for outcome in taken:
            if isinstance(outcome, Failed):
                self._log_failure(outcome)

    def _log_failure(self, failed: Failed) -> None:
        job = failed.job
        if self.outbox.is_dead(failed):
            log.error("outbox row %s (%s) is a dead letter: %s", job.id, job.topic, failed.error)
        else:
            log.warning(
                "outbox row %s (%s) attempt %s failed: %s",
                job.id,
                job.topic,
                job.attempt,
                failed.error,
            )

    async def _purge_now_and_then(self) -> None:
        if time.monotonic() - self._purged_at < _PURGE_EVERY_SECONDS:
            return
        self._purged_at = time.monotonic()
        try:
            await anyio.to_thread.run_sync(self.outbox.purge, self.outbox.now() - self.keep_done)
        except Exception:  # only housekeeping: try again in an hour
            log.exception("forgetting done outbox rows failed")

    async def _finish(self, running: set[asyncio.Task[None]]) -> None:
        if running:
            await asyncio.wait(set(running), timeout=self.grace)
        for task in set(running):  # its row comes due again when its lease ends
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await self._record()
