"""How much memory the server takes while clients send bodies far beyond their limits.

Starts `formkit serve` (as benchmarks/filing.py does) and has `--clients` clients at once each
send a body of `--megabytes`, one way after another:

- a JSON filing with its Content-Length (over the 2 MB limit, as the header says at once);
- a JSON filing sent chunked (no length: the server can only count while it reads);
- a multipart filing whose `answers` part is that large;
- a citizen page's post whose text fields together are that large.

Each way gets a fresh server. Per way it prints what the clients were answered and the growth
of the server's peak RSS (VmHWM) above its RSS before. Goal: under 50 MB for each.

    python benchmarks/large_bodies.py [--megabytes 300] [--clients 4]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from filing import ROOT, FormkitServer, api_key

GOAL_MB = 50
BLOCK = b"x" * 1_000_000
BOUNDARY = "formkitbenchboundary"

MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}

Body = Callable[[], Iterator[bytes]]
Way = tuple[str, dict[str, str], Body]  # where to post, the headers, the body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=300, help="size of each body")
    parser.add_argument("--clients", type=int, default=4, help="clients sending at once")
    options = parser.parse_args()
    size = options.megabytes
    print(f"{options.clients} clients at once, each sending {size} MB; one uvicorn worker")
    print()
    print("| body | answers | server RSS before MB | peak RSS growth MB |")
    print("|---|---|---|---|")
    misses = 0
    for name, way in WAYS.items():
        with (
            tempfile.TemporaryDirectory() as folder,
            FormkitServer(Path(folder), ROOT / "schemas") as (url, pid),
        ):
            target, headers, body = way(url, api_key(Path(folder)), size)
            before = _status(pid, "VmRSS")
            _reset_peak(pid)
            answers = _send_at_once(options.clients, target, headers, body)
            growth = _status(pid, "VmHWM") - before
        misses += growth >= GOAL_MB * 1_000_000
        print(f"| {name} | {answers} | {before / 1e6:.0f} | {growth / 1e6:.1f} |")
    print()
    print(f"Goal: peak RSS grows < {GOAL_MB} MB for each body. Bodies missing it: {misses}")
    return 1 if misses else 0


def _json_with_length(url: str, key: str, megabytes: int) -> Way:
    length = len(b"".join(_json(0))) + megabytes * len(BLOCK)
    headers = {**_api(key), "Content-Type": "application/json", "Content-Length": str(length)}
    return _submissions(url), headers, lambda: _json(megabytes)


def _json_chunked(url: str, key: str, megabytes: int) -> Way:
    headers = {**_api(key), "Content-Type": "application/json"}
    return _submissions(url), headers, lambda: _json(megabytes)


def _answers_part(url: str, key: str, megabytes: int) -> Way:
    return _submissions(url), {**_api(key), **MULTIPART}, lambda: _part(megabytes)


def _page_post(url: str, key: str, megabytes: int) -> Way:
    return f"{url}/formulieren/evenement", {**MULTIPART, "Origin": url}, lambda: _fields(megabytes)


def _submissions(url: str) -> str:
    return f"{url}/api/v1/forms/evenement/submissions"


def _api(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


WAYS: dict[str, Callable[[str, str, int], Way]] = {
    "JSON, Content-Length": _json_with_length,
    "JSON, chunked": _json_chunked,
    "multipart answers part": _answers_part,
    "page post, text fields": _page_post,
}


def _json(megabytes: int) -> Iterator[bytes]:
    yield b'{"a": "'
    for _ in range(megabytes):
        yield BLOCK
    yield b'"}'


def _part(megabytes: int) -> Iterator[bytes]:
    yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="answers"\r\n\r\n'.encode()
    yield from _json(megabytes)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def _fields(megabytes: int) -> Iterator[bytes]:
    """Text fields of 50 KB each, under the pages' limit for one field."""
    field = b"x" * 50_000
    for index in range(megabytes * 20):
        yield (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="veld-{index}"\r\n\r\n'
        ).encode()
        yield field + b"\r\n"
    yield f"--{BOUNDARY}--\r\n".encode()


def _send_at_once(clients: int, url: str, headers: dict[str, str], body: Body) -> str:
    """POST `body` from `clients` threads at once; what they got, e.g. `413 ×4`."""
    outcomes: list[str] = []

    def send() -> None:
        try:
            response = httpx.post(url, content=body(), headers=headers, timeout=600)
            outcomes.append(str(response.status_code))
        except httpx.TransportError as error:  # the server hung up before the body ended
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=send) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ", ".join(f"{outcome} ×{count}" for outcome, count in sorted(Counter(outcomes).items()))


def _reset_peak(pid: int) -> None:
    # Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _status(pid: int, key: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    assert found, key
    return int(found.group(1)) * 1024


if __name__ == "__main__":
    sys.exit(main())
