"""The outbox in a process of its own: what `formkit serve` runs by default.

Real servers (tests/live.py) with their defaults; the outbox's child process is found among
the server's children by its command line, stopped, killed, and outlived by nobody.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from tests import live
from tests.conftest import answers
from tests.outbox_support import receiver

from formkit.settings import Settings, SettingsError
from formkit.store.database import connect
from formkit.store.receipts import ReceiptStore
from formkit.store.webhooks import Webhooks
from formkit.web.outbox_process import CHILD_MODULE

FORM = "bewonersinitiatief"
FAST = {"FORMKIT_OUTBOX_POLL": "PT0.05S"}


def test_the_default_outbox_worker_is_a_process() -> None:
    assert Settings().outbox_worker == "process"
    assert Settings.from_env({"FORMKIT_OUTBOX_WORKER": "0"}).outbox_worker == "0"
    with pytest.raises(SettingsError, match="OUTBOX_WORKER must be process, thread or 0"):
        Settings.from_env({"FORMKIT_OUTBOX_WORKER": "1"})


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'formkit.db'}"


@pytest.fixture
def server(tmp_path: Path, database: str) -> Iterator[live.Server]:
    with live.running(tmp_path, database, env=FAST) as (started,):
        yield started


def outbox_children(server: live.Server) -> list[int]:
    return [pid for pid in server.children() if CHILD_MODULE in _command_line(pid)]


def the_outbox_child(server: live.Server, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while not (found := outbox_children(server)):
        assert time.monotonic() < deadline, "the server started no outbox process"
        time.sleep(0.05)
    [pid] = found
    return pid


def file(server: live.Server, token: str) -> str:
    response = httpx.post(
        f"{server.url}/api/v1/forms/{FORM}/submissions",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        **live.multipart(answers(FORM, "valid-minimal")),
    )
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def pdf_made(database: str, number: str) -> bool:
    engine = connect(database)
    try:
        stored = ReceiptStore(engine).get(number)
    finally:
        engine.dispose()
    return stored is not None and stored.pdf_sha256 is not None


def wait_until(check: Callable[[], object], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the outbox's work was not done in time"
        time.sleep(0.05)


def test_the_receipt_pdf_and_webhook_are_made_by_the_outbox_process(
    server: live.Server, tmp_path: Path, database: str
) -> None:
    token = live.api_key(tmp_path, database)
    child = the_outbox_child(server)
    with receiver() as hooks:
        engine = connect(database)
        Webhooks(engine).subscribe(hooks.url, ["dossier.created"], ["*"])
        engine.dispose()
        os.kill(child, signal.SIGSTOP)  # while it cannot work, nobody does the work
        try:
            number = file(server, token)
            time.sleep(1.5)
            assert not pdf_made(database, number)
            assert hooks.received() == []
        finally:
            os.kill(child, signal.SIGCONT)
        wait_until(lambda: pdf_made(database, number) and hooks.received())
    [delivered] = hooks.received()
    assert number.encode() in delivered.body


def test_the_outbox_process_stops_with_the_server(server: live.Server) -> None:
    child = the_outbox_child(server)
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=60)
    live.wait_gone([child], timeout=30)


def test_the_outbox_process_does_not_outlive_a_killed_server(server: live.Server) -> None:
    child = the_outbox_child(server)
    server.kill()
    live.wait_gone([child], timeout=30)


def test_a_killed_outbox_process_is_replaced_and_the_work_gets_done(
    server: live.Server, tmp_path: Path, database: str
) -> None:
    token = live.api_key(tmp_path, database)
    first = the_outbox_child(server)
    os.kill(first, signal.SIGKILL)
    live.wait_gone([first])
    number = file(server, token)
    wait_until(lambda: pdf_made(database, number))
    assert the_outbox_child(server) != first


def test_without_the_setting_the_server_starts_no_outbox_process(
    tmp_path: Path, database: str
) -> None:
    env = {**FAST, "FORMKIT_OUTBOX_WORKER": "0"}
    with live.running(tmp_path, database, env=env) as (server,):
        time.sleep(1)
        assert outbox_children(server) == []


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""
