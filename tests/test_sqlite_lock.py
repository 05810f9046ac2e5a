"""SQLite's write lock: a transaction waits for it (not SQLite's busy handler), then gives up.

The waiting itself replaces SQLite's busy handler (see `formkit.store.database`); what it costs
in the tail is measured in `benchmarks/sqlite_lock.py`, not here.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from formkit.store import database
from formkit.store.database import connect


def _engine(tmp_path: Path) -> sa.Engine:
    engine = connect(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    return engine


def _hold_lock(path: Path, taken: threading.Event, release: threading.Event) -> None:
    """Another process's writer, as SQLite sees it: a connection of its own with the lock."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    taken.set()
    release.wait(10)
    holder.execute("COMMIT")
    holder.close()


def test_the_busy_handler_is_off_so_that_formkit_waits_itself(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 0


def test_a_transaction_waits_for_the_lock_and_then_writes(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    taken, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(tmp_path / "lock.db", taken, release))
    holder.start()
    assert taken.wait(10)
    threading.Timer(0.05, release.set).start()
    with engine.begin() as connection:  # waits for the holder's commit
        connection.exec_driver_sql("INSERT INTO t VALUES (2)")
    holder.join()
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT n FROM t ORDER BY n").scalars().all()
    assert rows == [1, 2]  # the holder's row first: nothing was lost or reordered


def test_a_lock_kept_too_long_is_said_as_database_is_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "LOCK_TIMEOUT_S", 0.05)
    engine = _engine(tmp_path)
    taken, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(tmp_path / "lock.db", taken, release))
    holder.start()
    assert taken.wait(10)
    try:
        with (
            pytest.raises(sa.exc.OperationalError, match="database is locked"),
            engine.begin() as connection,
        ):
            connection.exec_driver_sql("INSERT INTO t VALUES (2)")
    finally:
        release.set()
        holder.join()
    with engine.begin() as connection:  # the lock free again, the engine works on
        connection.exec_driver_sql("INSERT INTO t VALUES (3)")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT n FROM t ORDER BY n").scalars().all() == [1, 3]
