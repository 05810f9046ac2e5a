"""The outbox's PDF receipt job: receipts sealed one at a time in a process, all of them kept,
each printing the answers as filed."""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import replace
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
from formkit.work._receipts import ReceiptPdf, filed_answers


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
    blobs = FileBlobStore(tmp_path / "blobs")
    answers_of = filed_answers(DossierStore(engine, receipts), {form.id: form})
    job = ReceiptPdf(store, receipts.log.seal, blobs, ReceiptLayout(), answers_of)
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
    kept = [store.get(number) for number in numbers]
    assert all(stored is not None and stored.pdf_sha256 for stored in kept)
    first = kept[0]
    assert first is not None
    assert first.pdf_sha256 is not None
    text = _text(blobs.path_of(first.pdf_sha256).read_bytes())
    assert "Rijksregisternummer 85.03.14-***.**" in text  # the answers, number masked
    assert "Naam van het evenement Huiskamerconcert Leopoldstraat" in text
    assert "85031412302" not in text
    engine.dispose()


def test_the_answers_of_a_form_changed_since_filing_are_not_printed(tmp_path: Path) -> None:
    form = formkit.load_form(SCHEMAS / f"{FORM_IDS[0]}.json")
    engine = open_database(f"sqlite:///{tmp_path / 'formkit.db'}")
    dossiers = DossierStore(engine, receipts_for_tests())
    (outcome,) = dossiers.file([_filing(form)], {form.version: form.schema})
    changed = replace(form, version="sha256:" + "0" * 64)
    assert filed_answers(dossiers, {form.id: changed})(outcome.number) is None
    assert filed_answers(dossiers, {})(outcome.number) is None
    steps = filed_answers(dossiers, {form.id: form})(outcome.number)
    assert steps is not None
    assert [step.step.title for step in steps] == [step.title for step in form.steps]
    engine.dispose()


def _text(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils", pytrace=False)
    result = subprocess.run([tool, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())
