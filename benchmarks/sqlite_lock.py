"""How long a write transaction waits for SQLite's write lock while other processes write.

Two processes commit small write transactions in a loop (the lock held about 2 ms, as the
outbox process holds it to keep a receipt), pausing 0 to 4 ms between them; a third process
starts 300 write transactions and times each `BEGIN IMMEDIATE`. Once with formkit's own
waiting (`formkit.store.database._begin_immediate`: tries again after at most 1 ms), once with
SQLite's busy handler (`PRAGMA busy_timeout`, as formkit waited before), all three processes
in the same mode, rounds alternating.

Measured 2026-12-05 on the shared 2-core machine (load 8 from other work), wait in ms,
median / p95 / p99 / max, two rounds: formkit 0.61 / 15.5 / 26.6 / 45.2 and 0.59 / 13.0 /
22.8 / 34.6; busy handler 1.29 / 54.2 / 232.0 / 968.9 and 1.24 / 54.3 / 230.1 / 633.7.

    python benchmarks/sqlite_lock.py [--transactions 300] [--rounds 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from formkit.store import database

MODES = ("formkit", "busy handler")


def engine(path: Path, mode: str) -> sa.Engine:
    if mode == "busy handler":
        database._begin_immediate = lambda connection: False  # type: ignore[assignment]
    made = database.connect(f"sqlite:///{path}")
    if mode == "busy handler":

        @sa.event.listens_for(made, "connect")
        def _busy(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=30000")

    return made


def hold(path: Path, mode: str, stop: Any) -> None:
    writer = engine(path, mode)
    while not stop.is_set():
        with writer.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (randomblob(2000))")
            time.sleep(0.002)
        time.sleep(random.random() * 0.004)


def waits(path: Path, mode: str, transactions: int) -> list[float]:
    measured = engine(path, mode)
    found: list[float] = []
    with measured.connect() as connection:
        for _ in range(transactions):
            started = time.perf_counter()
            with connection.begin():
                found.append((time.perf_counter() - started) * 1000)
                connection.exec_driver_sql("INSERT INTO t VALUES (randomblob(2000))")
            time.sleep(0.003)
    return found


def measure(path: Path, mode: str, transactions: int) -> list[float]:
    """Run in a process of its own, so that the mode's patch stays there."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(waits, (path, mode, transactions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lock.db"
        with database.connect(f"sqlite:///{path}").begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (b BLOB)")
        print("wait for the write lock, ms: median / p95 / p99 / max")
        for _ in range(arguments.rounds):
            for mode in MODES:
                stop = context.Event()
                holders = [context.Process(target=hold, args=(path, mode, stop)) for _ in "ab"]
                for holder in holders:
                    holder.start()
                found = sorted(measure(path, mode, arguments.transactions))
                stop.set()
                for holder in holders:
                    holder.join()
                print(f"{mode:>13}: {_summary(found)}")


def _summary(found: list[float]) -> str:
    def at(share: float) -> float:
        return found[min(int(share * len(found)), len(found) - 1)]

    return f"{statistics.median(found):6.2f} / {at(0.95):6.2f} / {at(0.99):6.2f} / {found[-1]:6.2f}"


if __name__ == "__main__":
    main()
