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


def test_the_outbox_process_yields_the_cores_to_the_server(server: live.Server) -> None:
    child = the_outbox_child(server)
    ours = os.getpriority(os.PRIO_PROCESS, server.process.pid)
    # The child lowers its own priority first thing; it may not have run that far yet.
    wait_until(lambda: os.getpriority(os.PRIO_PROCESS, child) > ours, timeout=30)


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


def test_of_several_workers_outbox_processes_one_works_and_the_others_wait(
    tmp_path: Path, database: str
) -> None:
    env = {**FAST, "FORMKIT_WORKERS": "2"}
    with live.running(tmp_path, database, env=env) as (server,):
        token = live.api_key(tmp_path, database)
        deadline = time.monotonic() + 60
        while len(children := _outbox_descendants(server)) < 2:
            assert time.monotonic() < deadline, "each worker starts an outbox process"
            time.sleep(0.1)
        lock = tmp_path / "outbox.lock"
        wait_until(lambda: len(_lock_holders(lock) | _lock_waiters(lock)) == 2)
        [working] = _lock_holders(lock)
        assert working in children
        assert _lock_waiters(lock) == set(children) - {working}
        os.kill(working, signal.SIGKILL)  # the waiting one takes over
        wait_until(lambda: _lock_holders(lock) == set(children) - {working})
        number = file(server, token)
        wait_until(lambda: pdf_made(database, number))
        everyone = _outbox_descendants(server)
    live.wait_gone(everyone, timeout=30)


def _outbox_descendants(server: live.Server) -> list[int]:
    workers = live.children_of(server.process.pid)
    found = [pid for worker in workers for pid in live.children_of(worker)]
    return [pid for pid in found if CHILD_MODULE in _command_line(pid)]


def _lock_holders(path: Path) -> set[int]:
    return {pid for pid, waiting in _locks(path) if not waiting}


def _lock_waiters(path: Path) -> set[int]:
    return {pid for pid, waiting in _locks(path) if waiting}


def _locks(path: Path) -> list[tuple[int, bool]]:
    """The processes holding, or waiting for, a lock on `path` (from /proc/locks)."""
    if not path.exists():
        return []
    inode = path.stat().st_ino
    found = []
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        waiting = fields[1] == "->"
        fields = fields[2:] if waiting else fields[1:]
        # FLOCK ADVISORY WRITE pid major:minor:inode start end
        if fields[0] == "FLOCK" and int(fields[4].rsplit(":", 1)[1]) == inode:
            found.append((int(fields[3]), waiting))
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""
