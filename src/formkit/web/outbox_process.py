"""Where `formkit serve` does the outbox's work: a process of its own, this process, or nowhere.

The outbox's work is CPU-heavy: a sealed PDF receipt per filing. Done in the serving process
(`FORMKIT_OUTBOX_WORKER=thread`) it holds the GIL against the event loop that answers requests:
benchmarks/latency.py measured sequential JSON filings at a p95 several times that of a server
without the work. So by default (`process`) each serving process keeps one outbox process
beside it, as it keeps its filing writer: a fresh interpreter (`python -m
formkit.web._outbox_child`) that reads the settings from its standard input and works until
that input ends, at a lower CPU priority than the server's. Closing it is how the server stops
it, and the server's death closes it too, so the child never outlives the server. If the child
dies, it is started again.

Several serving processes of one instance (`--workers N`) each start one, but only one works
at a time: the children take a lock in the data folder, and the others wait on it to take
over when the working one stops.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import sys
from collections.abc import Coroutine
from contextlib import suppress
from typing import Any

from formkit.settings import Settings

log = logging.getLogger(__name__)
CHILD_MODULE = "formkit.web._outbox_child"
RESTART_DELAY = (1.0, 60.0)  # seconds before a restart: the first, and at most after doubling
STEADY = 60.0  # seconds a child must have run for the next restart to wait the first delay again


class OutboxProcess:
    """Keeps one outbox process running beside this one until `run`'s `stop` is set."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: asyncio.subprocess.Process | None = None

    async def run(self, stop: asyncio.Event) -> None:
        delay = RESTART_DELAY[0]
        while not stop.is_set():
            started = asyncio.get_running_loop().time()
            process = self.process = await self._spawn()
            if await _first(stop.wait(), process.wait()) == 0:
                await self._stop(process)
                return
            log.error(
                "the outbox process stopped (exit %s); starting a new one", process.returncode
            )
            ran = asyncio.get_running_loop().time() - started
            delay = RESTART_DELAY[0] if ran >= STEADY else delay
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(2 * delay, RESTART_DELAY[1])

    async def _spawn(self) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", CHILD_MODULE, stdin=asyncio.subprocess.PIPE
        )
        assert process.stdin is not None
        process.stdin.write(pickle.dumps(self.settings))
        with suppress(ConnectionError):  # it died at once: `run` sees it exit and starts another
            await process.stdin.drain()
        return process

    async def _stop(self, process: asyncio.subprocess.Process) -> None:
        """End its input, so work in hand finishes; kill it if that takes too long."""
        assert process.stdin is not None
        process.stdin.close()
        grace = self.settings.webhook_timeout.total_seconds() + 5
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            log.error("the outbox process did not stop within %s s; killing it", grace)
            process.kill()
            await process.wait()


async def _first(*waits: Coroutine[Any, Any, Any]) -> int:
    """The index of the first of `waits` to finish; the others are cancelled."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return min(tasks.index(task) for task in done)
