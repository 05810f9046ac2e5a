"""The outbox handler that issues a filing's PDF receipt, off the filing's critical path.

The PDF prints the answers as filed, as the review page (Overzicht) summarises them, with
national register numbers masked (`filed_answers`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence

import anyio.to_thread

from formkit.filing.blobs import BlobStore, UploadLimits, save
from formkit.forms._model import Form
from formkit.receipts import Receipt, ReceiptLayout, Seal, issue_jws, issue_pdf_async
from formkit.render import StepAnswers, prune, summarise
from formkit.store.dossiers import DossierStore
from formkit.store.outbox import Job
from formkit.store.receipts import ReceiptStore, StoredReceipt
from formkit.work._registry import UndeliverableError

RECEIPT_PDF = "receipt.pdf"
PDF = UploadLimits(max_bytes=50_000_000, media_types=frozenset({"application/pdf"}))
AnswersOf = Callable[[str], Sequence[StepAnswers] | None]
"""A dossier's filed answers by number, summarised for the receipt; None: not to be shown."""


def filed_answers(dossiers: DossierStore, forms: Mapping[str, Form]) -> AnswersOf:
    """The answers as filed, summarised as the review page shows them, national register
    numbers masked; None when the form is gone or changed since (its titles would not be the
    ones the citizen answered)."""

    def answers_of(number: str) -> Sequence[StepAnswers] | None:
        dossier = dossiers.get(number)
        form = None if dossier is None else forms.get(dossier.form_id)
        if dossier is None or form is None or form.version != dossier.form_version:
            return None
        sizes = {f"sha256:{a.sha256}": a.size for a in dossier.attachments}
        answers = prune(form, dossier.answers)
        return summarise(form, answers, lambda _: "", sizes, masked=True)

    return answers_of


class ReceiptPdf:
    """Seal the PDF receipt of the dossier named in the job, once; keep it in the blob store.

    One receipt at a time per process, whatever the outbox's concurrency (which webhooks, slow
    receivers, need): sealing is CPU work under the GIL, so sixteen at once finish no sooner,
    and their sixteen bursts of SQLite writes made the filing writer wait on the write lock
    (its busy handler sleeps up to 100 ms a try). `benchmarks/latency.py`: p95 of filings with
    the defaults 72 ms against 18 ms without the outbox; one at a time, 18.5 ms against 12.7.
    """

    def __init__(
        self,
        receipts: ReceiptStore,
        seal: Seal,
        blobs: BlobStore,
        layout: ReceiptLayout,
        answers: AnswersOf,
    ) -> None:
        self.receipts = receipts
        self.seal = seal
        self.blobs = blobs
        self.layout = layout
        self.answers = answers
        self._one_at_a_time = anyio.Lock()

    async def handle(self, job: Job) -> None:
        number = str(job.payload.get("number", ""))
        async with self._one_at_a_time:
            stored = await anyio.to_thread.run_sync(self.receipts.get, number)
            if stored is None:
                raise UndeliverableError(f"no receipt for dossier {number}")
            await issue_stored_pdf(
                stored, self.receipts, self.seal, self.blobs, self.layout, self.answers
            )


async def stored_jws(stored: StoredReceipt, receipts: ReceiptStore, seal: Seal) -> str:
    """The receipt's JWS, issued now if it never was."""
    if stored.jws is not None:
        return stored.jws
    token = issue_jws(dict(stored.document), seal)
    return await anyio.to_thread.run_sync(receipts.keep_jws, stored.dossier_id, token)


async def issue_stored_pdf(
    stored: StoredReceipt,
    receipts: ReceiptStore,
    seal: Seal,
    blobs: BlobStore,
    layout: ReceiptLayout,
    answers: AnswersOf,
) -> str:
    """The SHA-256 of the receipt's sealed PDF in the blob store, sealing it now if needed."""
    if stored.pdf_sha256 is not None:
        return stored.pdf_sha256
    jws = await stored_jws(stored, receipts, seal)
    receipt = Receipt.from_dict(stored.document)
    steps = await anyio.to_thread.run_sync(answers, stored.number)
    pdf = await issue_pdf_async(receipt, seal, jws=jws, layout=layout, answers=steps)
    info = await save(blobs, PDF, one_chunk(pdf))
    return await anyio.to_thread.run_sync(receipts.keep_pdf, stored.dossier_id, info.sha256)


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data
