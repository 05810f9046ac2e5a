"""The outbox's own process: `python -m formkit.web._outbox_child`, settings on standard input.

`formkit.web.outbox_process.OutboxProcess` starts it and writes the pickled settings. This
side takes the instance's outbox lock (waiting while another child of the same instance
holds it), then does the outbox's work, as `formkit work` does, until its input ends: the
server closed it, or the server is gone. Work in hand then finishes before it exits.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable

from formkit.settings import Settings

LOCK = "outbox.lock"
NICENESS = 10


def main() -> None:
    # Ctrl-C and a service manager's SIGTERM reach the whole process group: the server shuts
    # down in order and then closes our input, so work in hand is not cut short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Receipts can wait; answers cannot: when the cores are busy, the server's come first.
    os.nice(NICENESS)
    settings: Settings = pickle.load(sys.stdin.buffer)  # noqa: S301 - our server's own bytes
    on_end: list[Callable[[], object]] = [lambda: os._exit(0)]  # nothing in hand yet
    threading.Thread(target=_watch_input, args=(on_end,), daemon=True).start()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one child per instance works; the others wait
        asyncio.run(_work(settings, on_end))


async def _work(settings: Settings, on_end: list[Callable[[], object]]) -> None:
    from formkit.web.services import Services

    services = Services.build(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    on_end.append(lambda: loop.call_soon_threadsafe(stop.set))
    try:
        await services.work(stop)
    finally:
        services.close()


def _watch_input(on_end: list[Callable[[], object]]) -> None:
    """Wait for the end of our input, then do what stops us now."""
    while sys.stdin.buffer.read(4096):
        pass
    on_end[-1]()


if __name__ == "__main__":
    main()
