"""Group commit: filings that arrive while a commit runs are committed together in the next one.

A commit per filing spends its time waiting for the disk; one writer that commits whatever has
queued up meanwhile keeps every filing durable before its answer and multiplies the rate
(PERFORMANCE.md). Each web process has one writer (`formkit.store.writer`: a process of its
own, or a thread); processes share the database's own locking.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import anyio.to_thread

from formkit.filing._filing import Filed, Filing, IdempotencyConflict, Outcome
from formkit.store.dossiers import DossierStore
from formkit.store.writer import ThreadWriter, Writer

Pending = tuple[Filing, Mapping[str, Any], "asyncio.Future[Outcome]"]


class FilingQueue:
    def __init__(
        self, store: DossierStore, batch_size: int = 256, writer: Writer | None = None
    ) -> None:
        self.store = store  # for look-ups; the writer files
        self.batch_size = batch_size
        self.writer = writer or ThreadWriter(store)
        self._queue: asyncio.Queue[Pending] = asyncio.Queue()

    async def file(self, filing: Filing, schema: Mapping[str, Any]) -> Outcome:
        """File once the batch holding it has committed; raises what the database raised."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        await self._queue.put((filing, schema, future))
        return await future

    async def earlier(self, key: str, request_digest: str) -> Filed | IdempotencyConflict | None:
        """What an already-used idempotency key filed, without queueing behind the writer."""
        return await anyio.to_thread.run_sync(self.store.earlier, key, request_digest)

    async def start(self) -> None:
        """Get the writer ready: before the app takes requests."""
        await self.writer.start()

    async def run(self) -> None:
        """Hand batches to the writer until cancelled, at the app's shutdown."""
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._commit(batch)

    async def _commit(self, batch: list[Pending]) -> None:
        filings = [filing for filing, _, _ in batch]
        schemas = {filing.version: schema for filing, schema, _ in batch}
        try:
            outcomes = await self.writer.commit(filings, schemas)
        except Exception as error:  # every waiting request must hear of it
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, _, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():  # its request may have gone away
                future.set_result(outcome)

    def close(self) -> None:
        """Stop the writer once the batch it holds has committed."""
        self.writer.close()
