"""The migrations build exactly the tables the code declares, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from formkit.store import _tables as t
from formkit.store._tables import declared, metadata
from formkit.store.database import MIGRATIONS, connect, migrate, open_database
from formkit.store.receipts import ReceiptStore


def test_migrations_leave_nothing_to_autogenerate(database_url: str) -> None:
    engine = open_database(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": declared})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    open_database(database_url).dispose()
    open_database(database_url).dispose()


def test_receipts_issued_before_codes_keep_their_document_and_get_no_code(
    database_url: str,
) -> None:
    """Their signed link names the dossier number; a code made now would be on no receipt."""
    engine = connect(database_url)
    at_revision(engine, "0003")
    now = datetime.now(UTC)
    document = {"verify_url": "https://x.be/verificatie?dossier=EVT-2026-000001"}
    with engine.begin() as connection:
        connection.execute(
            sa.insert(_reflected(connection, "form_version")),
            {"version": "v1", "form_id": "evenement", "schema": {}, "first_filed_at": now},
        )
        dossier = {"number": "EVT-2026-000001", "form_id": "evenement", "form_version": "v1"}
        dossier |= {"answers": {}, "channel": "web", "phase": "ingediend", "filed_at": now}
        dossier |= {"request_digest": "d"}
        connection.execute(sa.insert(_reflected(connection, "dossier")), dossier)
        receipt = {"dossier_id": 1, "document": document}
        connection.execute(sa.insert(_reflected(connection, "receipt")), receipt)
    migrate(engine)
    stored = ReceiptStore(engine).get("EVT-2026-000001")
    with engine.connect() as connection:
        codes = connection.execute(sa.select(_table(t.Receipt).c.verification_code)).scalars()
        assert list(codes) == [None]
    engine.dispose()
    assert stored is not None
    assert stored.document == document


def at_revision(engine: Engine, revision: str) -> None:
    """Bring the database up or down to `revision` (PostgreSQL's test database is at head)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        command.downgrade(config, revision)


def _reflected(connection: sa.Connection, name: str) -> sa.Table:
    """The table as it is at this revision, not as the models say it is at the head."""
    return sa.Table(name, sa.MetaData(), autoload_with=connection)


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def test_search_finds_parts_of_words_through_trigrams_on_postgresql(postgres_url: str) -> None:
    engine = open_database(postgres_url)
    with engine.connect() as connection:
        indexes = sa.inspect(connection).get_indexes("dossier")
        connection.execute(sa.text("SET enable_seqscan = off"))  # an empty table: force the choice
        query = "EXPLAIN SELECT id FROM dossier WHERE search LIKE '%oss%'"
        uses = " ".join(connection.execute(sa.text(query)).scalars())
    engine.dispose()
    assert "ix_dossier_search" in {index["name"] for index in indexes}
    assert "ix_dossier_search" in uses
