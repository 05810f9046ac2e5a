"""The dossier store's contract, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from tests.conftest import receipts_for_tests

from formkit.filing._filing import Attachment, Filed, Filing, IdempotencyConflict, city_year
from formkit.receipts import verification_code, verification_code_of
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.receipts import ReceiptStore

SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}


def filing(prefix: str = "EVT", key: str | None = None, digest: str = "d1", **extra: Any) -> Filing:
    return Filing(
        form_id=extra.get("form_id", "evenement"),
        form_title="Evenement",
        prefix=prefix,
        version=extra.get("version", "sha256:v1"),
        answers={"naam": "Buurtfeest"},
        attachments=extra.get("attachments", ()),
        channel="api:test",
        idempotency_key=key,
        request_digest=digest,
    )


@pytest.fixture
def store(database_url: str) -> Iterator[DossierStore]:
    engine = open_database(database_url)
    yield DossierStore(engine, receipts_for_tests())
    engine.dispose()


def numbers_of(outcomes: list[Any]) -> list[str]:
    return [o.number for o in outcomes]


def test_numbers_are_per_prefix_and_year_and_start_at_one(store: DossierStore) -> None:
    outcomes = store.file([filing("EVT"), filing("BWI"), filing("EVT")], {"sha256:v1": SCHEMA})
    year = city_year(outcomes[0].filed_at)
    assert numbers_of(outcomes) == [
        f"EVT-{year}-000001",
        f"BWI-{year}-000001",
        f"EVT-{year}-000002",
    ]
    assert all(isinstance(o, Filed) and o.created for o in outcomes)


def test_a_filed_dossier_reads_back_whole(store: DossierStore) -> None:
    attachment = Attachment("/bijlagen/grondplan", "ab" * 32, 1234, "application/pdf", "plan.pdf")
    (outcome,) = store.file([filing(attachments=(attachment,))], {"sha256:v1": SCHEMA})
    dossier = store.get(outcome.number)
    assert dossier is not None
    assert dossier.answers == {"naam": "Buurtfeest"}
    assert dossier.form_version == "sha256:v1"
    assert dossier.phase == "ingediend"
    assert dossier.attachments == (attachment,)
    assert [e["kind"] for e in dossier.events] == ["ingediend"]
    assert dossier.filed_at == outcome.filed_at
    assert store.get("EVT-1999-000001") is None


def test_a_receipt_is_found_by_the_code_in_its_link_and_not_by_a_guess(
    store: DossierStore,
) -> None:
    (outcome,) = store.file([filing()], {"sha256:v1": SCHEMA})
    receipts = ReceiptStore(store.engine)
    stored = receipts.get(outcome.number)
    assert stored is not None
    code = verification_code_of(stored.document["verify_url"])
    assert code is not None
    found = receipts.by_code(code)
    assert found is not None
    assert (found.number, found.document) == (outcome.number, stored.document)
    assert receipts.by_code(verification_code()) is None
    assert receipts.by_code(outcome.number) is None


def test_the_schema_version_is_kept(store: DossierStore) -> None:
    store.file([filing()], {"sha256:v1": SCHEMA})
    with store.engine.connect() as connection:
        row = connection.execute(sa.select(t.FormVersion.__table__)).one()  # type: ignore[attr-defined]
    assert (row.version, row.form_id, row.schema) == ("sha256:v1", "evenement", SCHEMA)


def test_a_filing_announces_itself_in_the_outbox(store: DossierStore) -> None:
    (outcome,) = store.file([filing()], {"sha256:v1": SCHEMA})
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(t.Outbox.__table__)).all()  # type: ignore[attr-defined]
    topics = sorted((r.topic, r.payload["number"]) for r in rows)
    assert topics == [("dossier.created", outcome.number), ("receipt.pdf", outcome.number)]


def test_the_same_key_and_request_return_the_first_dossier(store: DossierStore) -> None:
    (first,) = store.file([filing(key="k1")], {"sha256:v1": SCHEMA})
    (again,) = store.file([filing(key="k1")], {"sha256:v1": SCHEMA})
    assert isinstance(again, Filed)
    assert (again.number, again.created) == (first.number, False)
    assert len(store.numbers("EVT", city_year(first.filed_at))) == 1


def test_the_same_key_with_another_request_is_a_conflict(store: DossierStore) -> None:
    (first,) = store.file([filing(key="k1")], {"sha256:v1": SCHEMA})
    (other,) = store.file([filing(key="k1", digest="d2")], {"sha256:v1": SCHEMA})
    assert other == IdempotencyConflict("k1", first.number)


def test_a_key_repeated_within_one_batch_files_once(store: DossierStore) -> None:
    outcomes = store.file(
        [filing(key="k"), filing(key="k"), filing(key="k", digest="d2"), filing()],
        {"sha256:v1": SCHEMA},
    )
    first, repeat, conflict, other = outcomes
    assert isinstance(first, Filed)
    assert isinstance(repeat, Filed)
    assert (repeat.number, repeat.created) == (first.number, False)
    assert conflict == IdempotencyConflict("k", first.number)
    assert isinstance(other, Filed)
    assert other.number.endswith("000002")


def test_a_failed_batch_leaves_nothing_and_no_gap(store: DossierStore) -> None:
    with pytest.raises(KeyError):  # the unknown version fails inside the transaction
        store.file([filing(), filing(version="sha256:unknown")], {"sha256:v1": SCHEMA})
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM dossier")).scalar() == 0
    (outcome,) = store.file([filing()], {"sha256:v1": SCHEMA})
    assert outcome.number.endswith("-000001")


def test_concurrent_writers_share_one_gapless_sequence(database_url: str) -> None:
    """Several engines stand in for several processes; each files batches with shared keys."""
    stores = [DossierStore(open_database(database_url), receipts_for_tests()) for _ in range(4)]
    results: list[Any] = []
    lock = threading.Lock()

    def work(store: DossierStore, worker: int) -> None:
        for round_ in range(10):
            batch = [filing(key=f"key-{round_}-{i}") for i in range(3)] + [filing()]
            outcomes = store.file(batch, {"sha256:v1": SCHEMA})
            with lock:
                results.extend(outcomes)

    threads = [threading.Thread(target=work, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    year = city_year(results[0].filed_at)
    numbers = stores[0].numbers("EVT", year)
    for store in stores:
        store.engine.dispose()
    assert all(isinstance(r, Filed) for r in results)
    # 30 distinct keys, each filed once, plus 40 filings without a key.
    assert numbers == [f"EVT-{year}-{n:06d}" for n in range(1, 71)]
    assert len({r.number for r in results}) == 70
