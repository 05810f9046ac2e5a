"""Filings per second against a live server, beside a bare Litestar endpoint in the same run.

Starts `formkit serve` (one worker, SQLite in a temporary folder, the embedded default) and a
bare Litestar app that only decodes the same JSON body, served by uvicorn with the same
options, loads each with wrk for a fixed time and connection count, in rounds that take turns
(so a noisy minute of a shared machine hits every endpoint), and prints the median requests per
second and the median of each round's ratio to the bare endpoint:

- a JSON filing (answers only),
- a filing with a 1 MB attachment (multipart),
- a JSON filing with `FORMKIT_FILING_WRITER=thread` (batches commit in a thread of the worker
  instead of the default writer process),
- the bare endpoint with the same JSON body.

Then it uploads one 500 MB attachment and reports the server's peak RSS growth.
The form is `bewonersinitiatief` with its attachments made optional and one slot raised to
600 MB, so that JSON filings and the large upload are possible at all.

Goals (issue 4): JSON filings at least 0.3 of the bare endpoint's rate; RSS growth under 50 MB
for the 500 MB upload. Needs `wrk` (Debian package).

    python benchmarks/filing.py [--seconds 6] [--connections 64] [--rounds 5] [--upload-mb 500]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

import httpx

import formkit
from formkit.forms._example import example

ROOT = Path(__file__).resolve().parents[1]
FORM = "bewonersinitiatief"
PDF_HEAD = b"%PDF-1.7\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=64)  # as PERFORMANCE.md measured
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--upload-mb", type=int, default=500)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("benchmarks/filing.py needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory() as folder, ExitStack() as servers:
        work = Path(folder)
        schemas = bench_schemas(work / "schemas")
        answers = example(formkit.load_form(schemas / f"{FORM}.json"), now=datetime.now(UTC))
        answers.pop("bijlagen", None)
        body = json.dumps(answers).encode()
        boundary, multipart_body = one_mb_filing(answers)
        multipart = f"multipart/form-data; boundary={boundary}"
        process, _ = servers.enter_context(FormkitServer(work / "process", schemas))
        threaded = {"FORMKIT_FILING_WRITER": "thread"}
        thread, _ = servers.enter_context(FormkitServer(work / "thread", schemas, threaded))
        bare = servers.enter_context(BareServer())
        targets = [
            (BARE, f"{bare}/bare", body, JSON, ""),
            ("formkit JSON filing", submission_url(process), body, JSON, auth(work / "process")),
            (
                "formkit filing + 1 MB attachment",
                submission_url(process),
                multipart_body,
                multipart,
                auth(work / "process"),
            ),
            (
                "formkit JSON filing, writer in a thread",
                submission_url(thread),
                body,
                JSON,
                auth(work / "thread"),
            ),
        ]
        # Rounds take turns, so a noisy minute of this shared machine hits every endpoint.
        results: dict[str, list[tuple[float, int]]] = {name: [] for name, *_ in targets}
        for _ in range(arguments.rounds):
            for name, url, payload, kind, header in targets:
                results[name].append(load(url, payload, kind, header, arguments, work))
        print_rates(results, arguments)
        servers.close()
        with FormkitServer(work / "upload", bench_schemas(work / "upload" / "schemas")) as (
            url,
            pid,
        ):
            token = api_key(work / "upload")
            base, peak, status = upload_rss(url, pid, token, answers, arguments.upload_mb)
        print(
            f"\n{arguments.upload_mb} MB upload: status {status}, server RSS {base / 1e6:.1f} MB "
            f"before, peak {peak / 1e6:.1f} MB, growth {(peak - base) / 1e6:.1f} MB (goal < 50)"
        )


BARE = "bare Litestar, decode the same JSON"
JSON = "application/json"


def submission_url(base: str) -> str:
    return f"{base}/api/v1/forms/{FORM}/submissions"


def auth(work: Path) -> str:
    return f"Authorization: Bearer {api_key(work)}"


def print_rates(results: dict[str, list[tuple[float, int]]], arguments: Any) -> None:
    """Median requests/s per endpoint, and the median of each round's ratio to the bare one."""
    bare = [rate for rate, _ in results[BARE]]
    print(
        f"\n{arguments.rounds} rounds of {arguments.seconds} s per endpoint, "
        f"{arguments.connections} connections, one uvicorn worker each; formkit commits in its "
        "filing writer process unless noted\n"
    )
    print("| endpoint | requests/s (median, range) | non-2xx | ratio to bare (median, range) |")
    print("|---|---|---|---|")
    for name, measured in results.items():
        rates = [rate for rate, _ in measured]
        ratios = [rate / base for rate, base in zip(rates, bare, strict=True)]
        errors = sum(count for _, count in measured)
        print(
            f"| {name} | {median(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f}) | {errors} "
            f"| {median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |"
        )


def repeatable_schemas(target: Path) -> Path:
    """The forms, copied, without the history rules: a benchmark files the same answers
    thousands of times, and the initiators' three-a-year limit would refuse all but three.
    The rule is measured by the filing tests, not here."""
    shutil.copytree(ROOT / "schemas", target)
    for path in target.glob("*.json"):
        form = json.loads(path.read_text())
        annotations = form.get("x-formkit")
        if isinstance(annotations, dict) and "rules" in annotations:
            annotations["rules"] = [r for r in annotations["rules"] if r["kind"] != "history"]
            path.write_text(json.dumps(form, ensure_ascii=False))
    return target


def bench_schemas(target: Path) -> Path:
    repeatable_schemas(target)
    form = json.loads((target / f"{FORM}.json").read_text())
    form["required"] = [name for name in form["required"] if name != "bijlagen"]
    attachments = form["properties"]["bijlagen"]
    attachments["required"] = []
    attachments["properties"]["begroting"]["x-formkit"]["attachment"]["maxBytes"] = 600_000_000
    (target / f"{FORM}.json").write_text(json.dumps(form, ensure_ascii=False))
    for other in ("evenement", "bouwaanvraag"):
        (target / f"{other}.json").unlink()
    return target


def environment(work: Path, schemas: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "FORMKIT_DATA_DIR": str(work / "data"),
        "FORMKIT_SCHEMAS_DIR": str(schemas),
        "FORMKIT_RENDERERS_DIR": str(ROOT / "renderers"),
        "FORMKIT_PORT": str(port),
        "FORMKIT_DATABASE_URL": "",
        # The outbox's work (PDF receipts: ~45 ms of CPU each, webhooks) runs in a process of
        # its own by default; here it would take the CPU the filing path is measured on.
        "FORMKIT_OUTBOX_WORKER": "0",
        # Thousands of filings from one key and one address, as fast as they go: the rate, not
        # the rate limit, is measured.
        "FORMKIT_RATE_LIMIT_API_KEY": "0",
        "FORMKIT_RATE_LIMIT_ANONYMOUS": "0",
    }


class FormkitServer:
    def __init__(self, work: Path, schemas: Path, env: dict[str, str] | None = None) -> None:
        self.work, self.schemas, self.port = work, schemas, free_port()
        self.extra = env or {}

    def __enter__(self) -> tuple[str, int]:
        self.env = {**environment(self.work, self.schemas, self.port), **self.extra}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "formkit", "serve"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        url = f"http://127.0.0.1:{self.port}"
        wait_up(url + "/health")
        return url, self.process.pid

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait()


class BareServer:
    def __enter__(self) -> str:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "_bare.py"), str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{self.port}"
        wait_up(url + "/bare", method="POST")
        return url

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait()


def api_key(work: Path) -> str:
    env = environment(work, ROOT / "schemas", 0)
    done = subprocess.run(
        [sys.executable, "-m", "formkit", "apikey", "create", "bench"],
        env=env,
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout.decode().strip()


def load(
    url: str, body: bytes, content_type: str, header: str, arguments: Any, work: Path
) -> tuple[float, int]:
    body_file = work / "body.bin"
    body_file.write_bytes(body)
    script = work / "post.lua"
    headers = f'wrk.headers["Content-Type"] = "{content_type}"\n'
    if header:
        name, value = header.split(": ", 1)
        headers += f'wrk.headers["{name}"] = "{value}"\n'
    script.write_text(
        f'wrk.method = "POST"\n{headers}'
        f'local f = io.open("{body_file}", "rb")\nwrk.body = f:read("*a")\nf:close()\n'
    )
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{arguments.connections}",
            f"-d{arguments.seconds}s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def one_mb_filing(answers: dict[str, Any]) -> tuple[str, bytes]:
    document = {
        **answers,
        "bijlagen": {"begroting": {"bestand": "begroting", "naam": "begroting.pdf"}},
    }
    boundary = "formkitbenchboundary"
    content = PDF_HEAD + os.urandom(1_000_000)
    return boundary, multipart_bytes(boundary, document, content)


def multipart_bytes(boundary: str, document: Any, content: bytes) -> bytes:
    return b"".join(multipart_parts(boundary, document, [content]))


def multipart_parts(boundary: str, document: Any, chunks: Any) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="answers"\r\n'
        f"Content-Type: application/json\r\n\r\n"
    ).encode()
    yield json.dumps(document).encode()
    yield (
        f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="begroting"; '
        f'filename="begroting.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    yield from chunks
    yield f"\r\n--{boundary}--\r\n".encode()


def upload_rss(
    url: str, pid: int, token: str, answers: dict[str, Any], megabytes: int
) -> tuple[int, int, int]:
    document = {**answers, "bijlagen": {"begroting": {"bestand": "begroting", "naam": "groot.pdf"}}}
    boundary = "formkitbenchboundary"
    block = os.urandom(1_000_000)

    def chunks() -> Iterator[bytes]:
        yield PDF_HEAD
        for _ in range(megabytes):
            yield block

    base = rss(pid)
    peak = base
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    response = httpx.post(
        f"{url}/api/v1/forms/{FORM}/submissions",
        content=multipart_parts(boundary, document, chunks()),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        timeout=600,
    )
    done.set()
    sampler.join()
    return base, peak, response.status_code


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_up(url: str, method: str = "GET") -> None:
    deadline = time.monotonic() + 120  # a loaded, shared machine takes its time to start
    while time.monotonic() < deadline:
        try:
            httpx.request(method, url, content=b"{}", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


if __name__ == "__main__":
    main()
