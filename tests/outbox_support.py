"""What the outbox tests share: a real webhook receiver and a fast worker to run until done.

The receiver is an HTTP server on 127.0.0.1 in a thread. It records every request and
answers with the statuses it is told to, in order (then 204), so a test can make it fail a
number of times before it accepts.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anyio
import anyio.to_thread
import httpx
import sqlalchemy as sa
from tests.conftest import receipts_for_tests

from formkit.filing._filing import Filing
from formkit.store.dossiers import DossierStore
from formkit.store.outbox import Backoff, Outbox
from formkit.store.webhooks import Webhooks
from formkit.work import Handlers, OutboxWorker, default_handlers

# Retries in milliseconds instead of hours: the same schedule logic, run in a test's time.
FAST = Backoff(
    first=timedelta(milliseconds=20),
    factor=2,
    cap=timedelta(milliseconds=80),
    jitter=0,
    max_attempts=3,
)

SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}


def file_dossier(engine: sa.Engine, form_id: str = "evenement") -> str:
    filing = Filing(
        form_id=form_id,
        form_title="Evenement",
        prefix="EVT",
        version="sha256:v1",
        answers={"naam": "Buurtfeest", "organisator": {"rijksregisternummer": "85073003328"}},
        attachments=(),
        channel="api:test",
        idempotency_key=None,
        request_digest="d1",
    )
    (outcome,) = DossierStore(engine, receipts_for_tests()).file([filing], {"sha256:v1": SCHEMA})
    # These tests are about webhooks: the PDF receipt's job has tests of its own.
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM outbox WHERE topic = 'receipt.pdf'"))
    return outcome.number


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # statuses to give before 204
    requests: list[Received] = field(default_factory=list)
    retry_after: str | None = None  # sent with every failure when set
    delay: float = 0.0  # seconds to wait before answering
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, times: int, status: int = 500) -> None:
        with self.lock:
            self.answers[:] = [status] * times

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.requests)

    def _answer(self, request: Received) -> int:
        with self.lock:
            self.requests.append(request)
            return self.answers.pop(0) if self.answers else 204


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            time.sleep(state.delay)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = state._answer(Received(self.path, headers, body))
            self.send_response(status)
            if status >= 300 and state.retry_after is not None:
                self.send_header("retry-after", state.retry_after)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/formkit"
    thread = threading.Thread(
        target=server.serve_forever, args=(0.01,), name="webhook-receiver", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def run_worker_until(
    outbox: Outbox,
    done: Callable[[], bool],
    handlers: Handlers | None = None,
    timeout: float = 10.0,
    concurrency: int = 4,
) -> None:
    """Run a worker (polling every 10 ms) until `done()` holds; fail after `timeout` seconds."""
    async with httpx.AsyncClient() as client:
        handlers = handlers or default_handlers(
            Webhooks(outbox.engine), "https://loket.example", timedelta(seconds=2), client
        )
        worker = OutboxWorker(
            outbox, handlers, concurrency=concurrency, poll=timedelta(milliseconds=10)
        )
        stop = asyncio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(worker.run, stop)
            try:
                with anyio.fail_after(timeout):
                    while not await anyio.to_thread.run_sync(done):
                        await anyio.sleep(0.01)
            finally:
                stop.set()
