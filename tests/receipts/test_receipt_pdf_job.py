"""The outbox's PDF receipt job: receipts sealed one at a time in a process, all of them kept."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from tests.conftest import FORM_IDS, SCHEMAS, answers, receipts_for_tests

import formkit
from formkit.filing._filing import Filing
from formkit.filing.blobs import FileBlobStore
from formkit.receipts import ReceiptLayout
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.outbox import Job
from formkit.store.receipts import ReceiptStore
from formkit.work import _receipts
from formkit.work._receipts import ReceiptPdf


def _filing(form: formkit.Form) -> Filing:
    return Filing(
        form_id=form.id,
        form_title=form.title,
        prefix=form.prefix,
        version=form.version,
        answers=answers(form.id, "valid-minimal"),
        attachments=(),
        channel="web",
        idempotency_key=None,
        request_digest="d",
    )


def test_receipts_are_sealed_one_at_a_time_and_every_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = formkit.load_form(SCHEMAS / f"{FORM_IDS[0]}.json")
    engine = open_database(f"sqlite:///{tmp_path / 'formkit.db'}")
    receipts = receipts_for_tests()
    numbers = [
        o.number
        for o in DossierStore(engine, receipts).file(
            [_filing(form)] * 4, {form.version: form.schema}
        )
    ]
    store = ReceiptStore(engine)
    job = ReceiptPdf(store, receipts.log.seal, FileBlobStore(tmp_path / "blobs"), ReceiptLayout())
    at_once, most = 0, 0
    lock = threading.Lock()
    real = _receipts.issue_stored_pdf

    async def counted(*args: Any) -> str:
        nonlocal at_once, most
        with lock:
            at_once += 1
            most = max(most, at_once)
        try:
            return await real(*args)
        finally:
            with lock:
                at_once -= 1

    monkeypatch.setattr(_receipts, "issue_stored_pdf", counted)

    async def all_at_once() -> None:
        now = datetime.now(UTC)
        async with anyio.create_task_group() as group:
            for n, number in enumerate(numbers):
                group.start_soon(job.handle, Job(n, "receipt.pdf", {"number": number}, now, 1))

    anyio.run(all_at_once)
    assert most == 1
    assert all(store.get(number).pdf_sha256 for number in numbers)  # type: ignore[union-attr]
    engine.dispose()
