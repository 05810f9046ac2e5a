"""Drafts and the web pages' uploads in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.conftest import NOW, receipts_for_tests

from formkit.filing._filing import Attachment, Filed, Filing
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.drafts import DraftStore

TTL = timedelta(days=30)
UPLOAD_TTL = timedelta(days=1)
SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def drafts(engine: Engine) -> DraftStore:
    return DraftStore(engine, TTL, UPLOAD_TTL)


def test_a_new_draft_has_a_long_random_id_and_expires_after_the_ttl(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {"a": 1}, 0, NOW)
    other = drafts.create("evenement", {}, 0, NOW)
    assert len(draft.id) >= 43
    assert draft.id != other.id
    assert draft.expires_at == NOW + TTL
    assert drafts.load(draft.id, NOW) == draft


def test_saving_replaces_the_answers_and_extends_the_life(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {"a": 1}, 0, NOW)
    later = NOW + timedelta(days=20)
    saved = drafts.save(draft.id, {"b": [1, 2]}, 2, later)
    assert saved is not None
    assert saved.answers == {"b": [1, 2]}
    assert saved.reached == 2
    assert saved.expires_at == later + TTL
    assert drafts.load(draft.id, NOW + timedelta(days=45)) is not None


def test_the_furthest_step_reached_never_goes_back(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {}, 3, NOW)
    saved = drafts.save(draft.id, {}, 1, NOW)
    assert saved is not None
    assert saved.reached == 3


def test_an_expired_draft_is_gone_and_cannot_be_saved(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {}, 0, NOW)
    after = NOW + TTL
    assert drafts.load(draft.id, after) is None
    assert drafts.save(draft.id, {"a": 1}, 0, after) is None
    assert drafts.load("no-such-draft", NOW) is None


def test_a_filed_draft_cannot_be_edited(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {"a": 1}, 0, NOW)
    drafts.mark_filed(draft.id, "EVT-2026-000001")
    assert drafts.save(draft.id, {"a": 2}, 0, NOW) is None
    loaded = drafts.load(draft.id, NOW)
    assert loaded is not None
    assert loaded.filed
    assert loaded.answers == {"a": 1}


def test_a_resume_token_finds_its_draft_until_replaced_or_expired(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {}, 0, NOW)
    first = drafts.issue_resume_token(draft.id)
    found = drafts.resume(first, NOW)
    assert found is not None
    assert found.id == draft.id
    second = drafts.issue_resume_token(draft.id)
    assert second != first
    assert drafts.resume(first, NOW) is None
    assert drafts.resume(second, NOW) is not None
    assert drafts.resume(second, NOW + TTL) is None
    assert drafts.resume("made-up", NOW) is None


def test_resume_tokens_are_stored_only_as_hashes(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {}, 0, NOW)
    token = drafts.issue_resume_token(draft.id)
    with drafts.engine.connect() as connection:
        stored = connection.execute(sa.select(t.Draft.__table__.c.resume_hash)).scalar_one()  # type: ignore[attr-defined]
    assert token not in stored


def test_uploads_belong_to_their_own_draft(drafts: DraftStore) -> None:
    mine = drafts.create("evenement", {}, 0, NOW)
    theirs = drafts.create("evenement", {}, 0, NOW)
    record = drafts.record_upload(mine.id, SHA_A, 10, "application/pdf", "plan.pdf", NOW)
    assert list(drafts.uploads(mine.id)) == [record.ref]
    assert drafts.uploads(mine.id)[record.ref].blob.sha256 == SHA_A
    assert drafts.uploads(theirs.id) == {}


def test_purging_removes_expired_drafts_and_their_unreferenced_blobs(drafts: DraftStore) -> None:
    gone = drafts.create("evenement", {}, 0, NOW)
    live = drafts.create("evenement", {}, 0, NOW + timedelta(days=10))
    drafts.record_upload(gone.id, SHA_A, 10, "application/pdf", "a.pdf", NOW)
    drafts.record_upload(gone.id, SHA_B, 10, "application/pdf", "b.pdf", NOW)
    drafts.record_upload(live.id, SHA_B, 10, "application/pdf", "b.pdf", NOW)
    purged = drafts.purge(NOW + TTL)
    assert purged.drafts == 1
    assert purged.uploads == 2
    assert purged.blobs == (SHA_A,)  # B is still the live draft's
    assert drafts.load(live.id, NOW + TTL) is not None
    assert len(drafts.uploads(live.id)) == 1


def test_an_old_upload_of_a_live_draft_is_kept(drafts: DraftStore) -> None:
    draft = drafts.create("evenement", {}, 0, NOW)
    drafts.record_upload(draft.id, SHA_A, 10, "application/pdf", "a.pdf", NOW)
    later = NOW + timedelta(days=5)
    drafts.save(draft.id, {}, 0, later)
    assert drafts.purge(later) == drafts.purge(later)
    assert drafts.purge(later).uploads == 0
    assert len(drafts.uploads(draft.id)) == 1


def test_filing_claims_the_uploads_so_purging_keeps_them(
    engine: Engine, drafts: DraftStore
) -> None:
    draft = drafts.create("evenement", {}, 0, NOW)
    drafts.record_upload(draft.id, SHA_A, 10, "application/pdf", "a.pdf", NOW)
    outcome = DossierStore(engine, receipts_for_tests()).file([_filing(SHA_A)], {"sha256:v": {}})[0]
    assert isinstance(outcome, Filed)
    drafts.mark_filed(draft.id, outcome.number)
    purged = drafts.purge(NOW + TTL + UPLOAD_TTL)
    assert purged.drafts == 1
    assert purged.uploads == 0
    assert purged.blobs == ()
    with engine.connect() as connection:
        table = t.Upload.__table__  # type: ignore[attr-defined]
        claimed = connection.execute(sa.select(table.c.claimed_by)).scalar_one()
    assert claimed is not None


def test_a_blob_a_dossier_references_is_never_purged(engine: Engine, drafts: DraftStore) -> None:
    DossierStore(engine, receipts_for_tests()).file([_filing(SHA_A)], {"sha256:v": {}})
    draft = drafts.create("evenement", {}, 0, NOW)
    drafts.record_upload(draft.id, SHA_A, 10, "application/pdf", "a.pdf", NOW)
    purged = drafts.purge(NOW + TTL + UPLOAD_TTL)
    assert purged.uploads == 1
    assert purged.blobs == ()


def _filing(sha256: str) -> Filing:
    return Filing(
        form_id="evenement",
        form_title="Evenement",
        prefix="EVT",
        version="sha256:v",
        answers={"bijlage": {"bestand": f"sha256:{sha256}", "naam": "a.pdf"}},
        attachments=(Attachment("/bijlage", sha256, 10, "application/pdf", "a.pdf"),),
        channel="web",
        idempotency_key=None,
        request_digest="0" * 64,
    )
