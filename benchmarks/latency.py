"""Sequential JSON filings' latency: `formkit serve` with its defaults beside the outbox off.

Starts three `formkit serve` processes (one worker each, SQLite in a temporary folder): one with
the defaults, where the outbox's work (a sealed PDF receipt per filing, webhooks) runs in a
process of its own; one with `FORMKIT_OUTBOX_WORKER=0`, where nobody does it; and one with
`FORMKIT_OUTBOX_WORKER=thread`, where the serving process does it (the default before). Each
filing is made as an integrator makes it: its files uploaded first (`POST /api/v1/uploads`),
then the answers as JSON naming them; only the JSON filing is timed. Rounds take turns between
the servers, and before each round the outboxes' backlog of the last one is left to drain on
every server, so that a round's figures carry its own server's outbox and no other's.

Goal (issue 10): the defaults' p95 within 1.5x of the worker-off p95 in the same run. Before,
the outbox worked inside the serving process: 67 to 83 ms median, 345 to 391 ms p95, against
12 ms and 20 ms with it off.

Measured on the shared 2-core development machine (load 2 to 3.5 from other work), 5 rounds
of 40, p95 in ms, defaults / off / thread: 19.1 / 15.0 / 60.8 (ratio 1.27), 42.2 / 16.8 /
123.3 (2.51), 26.7 / 14.8 / 204.2 (1.80); medians 10 to 13 ms in every configuration. Without
the outbox process's lower priority (nice 10) one run gave 208.5 / 36.9 / 216.4. The goal is
met on a quiet machine, not yet reliably on a busy one: the outbox process keeps a core busy
sealing receipts while filings arrive faster than it seals them (a nice 10 CPU burner beside
all three servers raised the off p95 to 24.6 ms, the defaults' to 39.8: 1.62), and its SQLite
writes probably make the filing writer wait for the write lock (not measured yet).

Again on 2026-12-04 with the machine otherwise idle (load 1.2), the whole service merged:
71.9 / 18.2 / 330.1 (3.95); and with the outbox process's SQLite commits not synced
(`synchronous=NORMAL`, an experiment not kept): 119.5 / 17.2 / 25.5 (6.94). The tail moves
from run to run by more than any change measured here. Sealing one receipt at a time in the
outbox process (`ReceiptPdf`) then gave 36.2 / 15.0 / 77.9 (2.41); with the whole outbox at
concurrency 1 (`FORMKIT_OUTBOX_CONCURRENCY=1`, 3 rounds) 18.5 / 12.7 / 81.0 (1.45).

What they contended for was SQLite's write lock, and the wait was SQLite's busy handler: it
sleeps 1, 2, 5, ... up to 100 ms between tries, so a filing that found the lock taken by the
outbox process for 2 ms slept far longer (`benchmarks/sqlite_lock.py`). Since formkit
waits for the lock itself, trying again within a millisecond, on 2026-12-05 with the machine
busy (load 8 from other work): 15.9 / 13.0 / 310.7 (1.23, 3 rounds) and 26.0 / 29.9 / 463.8
(0.87, 5 rounds), medians 10 to 23 ms. The goal is met.

    python benchmarks/latency.py [--rounds 5] [--filings 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

import formkit
from filing import FormkitServer, api_key, repeatable_schemas, submission_url
from formkit.forms._example import example
from formkit.store.database import connect
from formkit.store.outbox import Outbox

ROOT = Path(__file__).resolve().parents[1]
FORM = "bewonersinitiatief"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONFIGURATIONS = {
    "defaults (outbox process)": {"FORMKIT_OUTBOX_WORKER": "process"},
    "FORMKIT_OUTBOX_WORKER=0": (OFF_ENV := {"FORMKIT_OUTBOX_WORKER": "0"}),
    "FORMKIT_OUTBOX_WORKER=thread (the old default)": {"FORMKIT_OUTBOX_WORKER": "thread"},
}
DEFAULTS, OFF = list(CONFIGURATIONS)[:2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--filings", type=int, default=40, help="per round and configuration")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        schemas = repeatable_schemas(work / "schemas")
        answers = example(formkit.load_form(schemas / f"{FORM}.json"), now=datetime.now(UTC))
        servers = [
            (name, work / str(n), FormkitServer(work / str(n), schemas, env))
            for n, (name, env) in enumerate(CONFIGURATIONS.items())
        ]
        timings: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
        try:
            targets = [(name, data, server.__enter__()[0]) for name, data, server in servers]
            keys = {name: api_key(data) for name, data, _ in targets}
            working = [data for name, data, _ in targets if CONFIGURATIONS[name] != OFF_ENV]
            with httpx.Client(timeout=60) as client:
                for _ in range(arguments.rounds):
                    for name, _, url in targets:
                        for data in working:
                            wait_idle(data)
                        session = Session(client, url, keys[name])
                        timings[name] += [session.file(answers) for _ in range(arguments.filings)]
        finally:
            for _, _, server in servers:
                server.__exit__()
    report(timings, arguments)


class Session:
    """One integrator filing in turn: upload the files, then file the answers as JSON."""

    def __init__(self, client: httpx.Client, url: str, key: str) -> None:
        self.client, self.url = client, url
        self.headers = {"Authorization": f"Bearer {key}"}

    def file(self, answers: dict[str, Any]) -> float:
        """Seconds the JSON filing took, its uploads not counted."""
        body = json.dumps(self._with_uploads(answers)).encode()
        headers = {**self.headers, "Content-Type": "application/json"}
        start = time.perf_counter()
        response = self.client.post(submission_url(self.url), content=body, headers=headers)
        took = time.perf_counter() - start
        if response.status_code != 201:
            sys.exit(f"filing refused: {response.status_code} {response.text}")
        return took

    def _with_uploads(self, value: Any) -> Any:
        if isinstance(value, dict):
            if isinstance(value.get("bestand"), str):
                return {**value, "bestand": self._upload(value["naam"])}
            return {key: self._with_uploads(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._with_uploads(item) for item in value]
        return value

    def _upload(self, name: str) -> str:
        files = {"file": (name, PDF, "application/pdf")}
        response = self.client.post(f"{self.url}/api/v1/uploads", headers=self.headers, files=files)
        if response.status_code != 201:
            sys.exit(f"upload refused: {response.status_code} {response.text}")
        reference: str = response.json()["reference"]
        return reference


def wait_idle(data: Path, timeout: float = 600) -> None:
    """Until the server's outbox has no work left."""
    engine = connect(f"sqlite:///{data / 'data' / 'formkit.db'}")
    deadline = time.monotonic() + timeout
    try:
        while Outbox(engine).pending(1):
            if time.monotonic() > deadline:
                sys.exit("the outbox did not drain")
            time.sleep(0.1)
    finally:
        engine.dispose()


def report(timings: dict[str, list[float]], arguments: Any) -> None:
    print(
        f"\n{arguments.rounds} rounds of {arguments.filings} sequential JSON filings of {FORM} "
        "per configuration (files uploaded first, not timed); one uvicorn worker each\n"
    )
    print("| configuration | median ms | p95 ms |")
    print("|---|---|---|")
    p95s = {}
    for name, seconds in timings.items():
        p95s[name] = statistics.quantiles(seconds, n=20)[18] * 1000
        print(f"| {name} | {statistics.median(seconds) * 1000:.1f} | {p95s[name]:.1f} |")
    ratio = p95s[DEFAULTS] / p95s[OFF]
    print(f"\np95 of the defaults / p95 with the outbox off: {ratio:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
