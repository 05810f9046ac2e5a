"""Where a batch of filings is committed: a thread of the web process, or a process of its own.

Committing a batch is Python work: receipt bodies, the log's Merkle proofs and tree head
signature, a few inserts per filing. In a thread of the web process it competes for the GIL
with the event loop that parses requests and validates answers, and each handover of the GIL
costs both. In a process of its own (the default for `formkit serve`) it runs on another
core, and the web process only hands over the filings and reads back their outcomes.
benchmarks/filing.py measured JSON filings at a median 0.33 of the bare endpoint's rate with
the thread and 0.43 with the process (1,029 against 772 filings per second).

The process is a fresh interpreter (`python -m formkit.store._writer_process`, never a fork of
a running event loop) and opens its own database connection and seal. If it dies, the filings
of the batch it held fail with `WriterUnavailableError`: the web process cannot know whether
that batch committed, so clients hear "try again", and a retry with the same idempotency key
returns the dossier if it was filed. The next batch starts a new process.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any, Protocol

import anyio.to_thread

from formkit._errors import FormkitError
from formkit.filing._filing import Filing, Outcome
from formkit.receipts import Issuer, Seal
from formkit.settings import Settings
from formkit.store.dossiers import DossierStore, Receipts
from formkit.store.log import FilingLog

log = logging.getLogger(__name__)
Schemas = Mapping[str, Mapping[str, Any]]


class WriterUnavailableError(FormkitError):
    """The writer process stopped while it held a batch: whether it committed is unknown."""


class Writer(Protocol):
    async def start(self) -> None: ...

    async def commit(self, filings: Sequence[Filing], schemas: Schemas) -> list[Outcome]: ...

    def close(self) -> None: ...


def dossier_store(settings: Settings, engine: Any, seal: Seal) -> DossierStore:
    """The store that files: its receipts join the log under the city's seal."""
    issuer = Issuer(settings.city_name, settings.base_url)
    return DossierStore(engine, Receipts(FilingLog(seal), issuer))


class ThreadWriter:
    """Commits in a worker thread of this process: for tests and in-memory databases."""

    def __init__(self, store: DossierStore) -> None:
        self.store = store

    async def start(self) -> None:
        pass

    async def commit(self, filings: Sequence[Filing], schemas: Schemas) -> list[Outcome]:
        return await anyio.to_thread.run_sync(self.store.file, filings, schemas)

    def close(self) -> None:
        pass


class ProcessWriter:
    """Commits in one process of its own, started with the app and again after it died.

    The process runs `formkit.store._writer_process` and the two talk over a socket pair: the
    settings go in first, then each batch; its outcomes (or the error that refused it) come
    back. One batch at a time: the filing queue never hands over the next before the last one
    is answered.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._process: subprocess.Popen[bytes] | None = None
        self._connection: Connection | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def start(self) -> None:
        """Start the process and wait until it can file: a server that is up can file."""
        await anyio.to_thread.run_sync(self._spawn)

    async def commit(self, filings: Sequence[Filing], schemas: Schemas) -> list[Outcome]:
        if self._connection is None or self._process is None or self._process.poll() is not None:
            if self._process is not None:
                log.error("the filing writer process stopped; starting a new one")
            await self.start()  # it stopped between two batches: none of ours was in it
        assert self._connection is not None
        try:
            self._connection.send((list(filings), dict(schemas)))
            answer, value = await anyio.to_thread.run_sync(self._connection.recv)
        except (EOFError, OSError) as error:
            log.error("the filing writer process stopped while committing a batch")
            self._discard()
            raise WriterUnavailableError("the filing writer stopped while committing") from error
        if answer == "error":
            raise value
        return list(value)

    def close(self) -> None:
        """Let the batch in hand commit, then stop the process."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()  # the writer reads the end of its input and exits
        if process is not None:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _spawn(self) -> None:
        self._discard()
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "formkit.store._writer_process", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
            )
        connection = Connection(ours.detach())
        try:
            connection.send(self.settings)
            answer, value = connection.recv()
        except (EOFError, OSError):
            connection.close()
            process.wait()
            raise WriterUnavailableError("the filing writer did not start") from None
        if answer == "error":
            connection.close()
            process.wait()
            raise value
        self._process, self._connection = process, connection

    def _discard(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            self._process.kill()
            self._process.wait()
        self._process = self._connection = None
