"""What the rate limit costs a request, beside the cheapest whole API request, and its memory.

Prints the median µs of the rate limit's check for a request without a key (counted per
address) and with a valid key (authenticated, counted per key), next to one whole request of
`GET /api/v1/problems/not-found` through the app in the same process (the check included);
then the memory the limiter keeps per client it remembers.

    python benchmarks/ratelimit.py [--iterations 5000] [--clients 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from _timing import median_us
from formkit.settings import Settings
from formkit.web._limiter import Limiter
from formkit.web.app import create_app
from formkit.web.ratelimit import RateLimitMiddleware
from formkit.web.services import Services

ROOT = Path(__file__).resolve().parents[1]
LOTS = 10**9  # a limit no benchmark reaches: every request is counted, none refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5000, help="timed calls per figure")
    parser.add_argument("--clients", type=int, default=100_000, help="clients remembered")
    options = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}")
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(
            data_dir=Path(work),
            schemas_dir=ROOT / "schemas",
            renderers_dir=ROOT / "renderers",
            filing_writer="thread",
            rate_limit_anonymous=LOTS,
            rate_limit_api_key=LOTS,
        )
        services = Services.build(settings)
        try:
            figures = measure(services, options.iterations)
        finally:
            services.close()
    print(f"median µs over {options.iterations} calls")
    print()
    for name, value in figures.items():
        print(f"{name:<48} {value:>8.1f}")
    print()
    per_client = remembered_bytes(options.clients)
    print(f"memory per remembered client ({options.clients:,} clients): {per_client:.0f} bytes")
    return 0


def measure(services: Services, iterations: int) -> dict[str, float]:
    _, token = services.api_keys.create("bench", ["*"], ["read"])
    check = RateLimitMiddleware(services.rate_limits, services.api_keys)
    anonymous = scope("/verificatie")
    keyed = scope("/api/v1/problems/not-found", (b"authorization", f"Bearer {token}".encode()))
    app = create_app(services.settings, services)
    loop = asyncio.new_event_loop()
    try:
        whole = median_us(lambda: loop.run_until_complete(request(app, keyed)), iterations, 50)
    finally:
        loop.close()
    return {
        "check, no key (per address)": median_us(lambda: check._wait(anonymous), iterations, 50),
        "check, valid key (per key)": median_us(lambda: check._wait(keyed), iterations, 50),
        "whole GET /api/v1/problems/not-found, in process": whole,
    }


def remembered_bytes(clients: int) -> float:
    """Bytes per client, its address string included (the limiter keeps it as the key)."""
    limiter = Limiter(requests=60, window=60)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(clients):
        limiter.take(f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return grown / clients


def scope(path: str, *headers: tuple[bytes, bytes]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": list(headers),
        "client": ("192.0.2.7", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def request(app: Any, request_scope: dict[str, Any]) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    await app(dict(request_scope), receive, send)


if __name__ == "__main__":
    raise SystemExit(main())
