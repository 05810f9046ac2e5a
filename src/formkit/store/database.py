"""Opening the database: SQLite (the embedded default) or PostgreSQL, migrated to the latest.

SQLite runs in WAL mode with `synchronous=FULL`, so a commit that returned survives a crash or a
power cut, and every write transaction starts with `BEGIN IMMEDIATE`: several processes then
queue for the write lock up front instead of failing halfway with "database is locked".

Waiting for that lock is done here, not by SQLite's busy handler: the handler sleeps 1, 2, 5,
10, ... up to 100 ms between tries, so a filing that finds the lock taken by the outbox process
for 2 ms often waited 50 to 250 ms (`benchmarks/sqlite_lock.py`). `_begin_immediate` tries
again after at most a millisecond, until the same 30 seconds have passed.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
LOCK_TIMEOUT_S = 30.0  # how long a transaction waits for SQLite's write lock
_FIRST_RETRY_S, _LONGEST_RETRY_S = 0.0001, 0.001


# JSON columns hold answers: msgspec reads and writes them several times faster than `json`.
JSON_CODEC: dict[str, Any] = {
    "json_serializer": lambda document: msgspec.json.encode(document).decode(),
    "json_deserializer": msgspec.json.decode,
}


def connect(url: str) -> Engine:
    """An engine for `url` (`sqlite:///path` or `postgresql://...`), not yet migrated."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        return _sqlite(url)
    return sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, **JSON_CODEC)


def migrate(engine: Engine) -> None:
    """Bring the database to the latest schema; safe to call on every start."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two processes starting at once must not both create the tables.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> Engine:
    engine = connect(url)
    migrate(engine)
    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite(url: str) -> Engine:
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **JSON_CODEC
    )

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # No busy handler: every transaction waits for the lock in `_begin_immediate`.
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if not _begin_immediate(connection.connection.driver_connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # raises "database is locked"

    return engine


def _begin_immediate(connection: Any) -> bool:
    """Start a write transaction on a `sqlite3` connection; False when the lock stayed taken."""
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    delay = _FIRST_RETRY_S
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() + delay > deadline:
                return False
        time.sleep(delay)
        delay = min(delay * 2, _LONGEST_RETRY_S)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    # The extended codes (SQLITE_BUSY_RECOVERY, ...) keep the primary code in the low byte.
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


def insert_ignore(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert the rows that are not there yet (by primary key or unique index)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    connection.execute(insert(table).on_conflict_do_nothing(), rows)


def advance(
    connection: Connection, table: sa.Table, key: dict[str, Any], column: str, by: int
) -> int:
    """Add `by` to a counter row (made at 0 first); its new value.

    The update locks the row until the transaction ends (the whole database in SQLite), so
    what two transactions reserve never overlaps, and a rollback hands the range back.
    """
    insert_ignore(connection, table, [{**key, column: 0}])
    counter = table.c[column]
    statement = (
        table.update()
        .where(*(table.c[name] == value for name, value in key.items()))
        .values({column: counter + by})
        .returning(counter)
    )
    return int(connection.execute(statement).scalar_one())


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive times; everything formkit stores is UTC."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
