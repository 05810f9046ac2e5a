"""Real `formkit serve` processes for tests that need processes: concurrency, crashes, fuzzing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tests.conftest import ROOT, SCHEMAS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
# A server starts in about a second; on a loaded machine (2 cores, several test runs) it took
# over 30 s.
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a power cut of the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def children(self) -> list[int]:
        """The server's own processes: its filing writer (and multiprocessing's helper)."""
        return children_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def children_of(pid: int) -> list[int]:
    """The running processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid and process_alive(int(stat.parent.name)):
            found.append(int(stat.parent.name))
    return found


def process_alive(pid: int) -> bool:
    """Whether any thread of the process still runs (a zombie leader may outlive its threads)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    return not (fields["State"].startswith("Z") and fields["Threads"].strip() == "1")


def wait_gone(pids: list[int], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while alive := [pid for pid in pids if process_alive(pid)]:
        assert time.monotonic() < deadline, f"still running: {alive}"
        time.sleep(0.02)


def start(
    data_dir: Path,
    database_url: str,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = START_TIMEOUT,
) -> Server:
    """A `formkit serve` answering `/health`; stopped again if it does not within `timeout`."""
    port = free_port()
    log = data_dir / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "FORMKIT_DATA_DIR": str(data_dir),
        "FORMKIT_DATABASE_URL": database_url,
        "FORMKIT_SCHEMAS_DIR": str(SCHEMAS),
        "FORMKIT_RENDERERS_DIR": str(ROOT / "renderers"),
        "FORMKIT_PORT": str(port),
        **(env or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "formkit", "serve"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


@contextmanager
def running(
    data_dir: Path, database_url: str, count: int = 1, *, env: Mapping[str, str] | None = None
) -> Iterator[list[Server]]:
    with all_running([lambda: start(data_dir, database_url, env=env)] * count) as servers:
        yield servers


@contextmanager
def all_running(starters: Sequence[Callable[[], Server]]) -> Iterator[list[Server]]:
    """The servers started in turn, all stopped at the end, or as soon as one fails to start."""
    with ExitStack() as stack:
        servers = []
        for starter in starters:
            server = starter()
            stack.callback(server.stop)
            servers.append(server)
        yield servers


def _wait_until_up(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited:\n{server.log.read_text(errors='replace')}")
        try:
            if httpx.get(server.url + "/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"server did not come up in {timeout:g} s:\n{server.log.read_text(errors='replace')}"
    )


def api_key(data_dir: Path, database_url: str, scopes: str = "read,write") -> str:
    """A key made with the operators' own command, as an operator would."""
    environment = {**os.environ, "FORMKIT_DATA_DIR": str(data_dir)}
    environment["FORMKIT_DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "formkit", "apikey", "create", "tests", "--scopes", scopes],
        env=environment,
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout.decode().strip()


def references(document: Any) -> list[str]:
    if isinstance(document, dict):
        own = [document["bestand"]] if isinstance(document.get("bestand"), str) else []
        return own + [ref for value in document.values() for ref in references(value)]
    if isinstance(document, list):
        return [ref for item in document for ref in references(item)]
    return []


def multipart(document: Any, content: Mapping[str, bytes] | None = None) -> dict[str, Any]:
    """httpx `files=` for answers and one file per reference (PNG for photos, else PDF)."""
    files: dict[str, Any] = {"answers": (None, json.dumps(document).encode(), "application/json")}
    for ref in references(document):
        data = (content or {}).get(ref) or (PNG if ref.startswith("foto") else PDF)
        kind = "image/png" if data.startswith(b"\x89PNG") else "application/pdf"
        files[ref] = (f"{ref}.{kind.split('/')[-1]}", data, kind)
    return {"files": files}
