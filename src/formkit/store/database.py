"""Opening the database: SQLite (the embedded default) or PostgreSQL, migrated to the latest.

SQLite runs in WAL mode with `synchronous=FULL`, so a commit that returned survives a crash or a
power cut, and every write transaction starts with `BEGIN IMMEDIATE`: several processes then
queue for the write lock up front instead of failing halfway with "database is locked".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


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
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


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
