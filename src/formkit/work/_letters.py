"""The outbox handler that issues a decided dossier's letter, off the request path.

`store.handling` queues a `decision.letter` job in the transaction that records the decision.
This handler composes the letter from the dossier's events (`formkit.handling.letters`), logs
it (`LetterStore.record`: once per dossier, whoever comes first), and seals its PDF from the
city's template into the blob store, once. A repeated job finds the letter made and the PDF
kept, and does nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
import anyio.to_thread

from formkit.filing.blobs import BlobStore, save
from formkit.handling.letters import decision_letter
from formkit.handling.organisation import Organisation
from formkit.receipts import (
    DecisionLetter,
    Issuer,
    LetterBody,
    LetterTemplate,
    Seal,
    issue_jws,
    issue_letter_pdf_async,
)
from formkit.store.handling import TOPIC_DECISION_LETTER, HandlingStore, NoProcedureError
from formkit.store.letters import LetterStore, StoredLetter
from formkit.store.outbox import Job
from formkit.store.receipts import ReceiptStore
from formkit.work._receipts import PDF, one_chunk
from formkit.work._registry import UndeliverableError

DECISION_LETTER = TOPIC_DECISION_LETTER


@dataclass(frozen=True)
class LetterWork:
    """Everything issuing a letter needs: where the facts are, the seal, the template."""

    letters: LetterStore
    handling: HandlingStore
    receipts: ReceiptStore  # the form's id and title as the dossier was filed
    organisation: Callable[[], Organisation | None]  # read when needed: it may change
    issuer: Issuer
    seal: Seal
    blobs: BlobStore
    template: LetterTemplate

    def compose(self, number: str) -> LetterBody | None:
        """The letter the dossier's decision calls for; None when it is not decided."""
        receipt = self.receipts.get(number)
        try:
            handled = self.handling.get(number)
        except NoProcedureError:
            return None
        if receipt is None or handled is None:
            return None
        return decision_letter(
            number=number,
            form_id=receipt.form_id,
            form_title=str(receipt.document["form_title"]),
            state=handled.state,
            events=handled.events,
            organisation=self.organisation(),
            issuer=self.issuer,
        )


class DecisionLetterPdf:
    """Issue the letter of the dossier named in the job, once, one at a time per process:
    sealing is CPU work under the GIL (see `ReceiptPdf`)."""

    def __init__(self, work: LetterWork) -> None:
        self.work = work
        self._one_at_a_time = anyio.Lock()

    async def handle(self, job: Job) -> None:
        number = str(job.payload.get("number", ""))
        async with self._one_at_a_time:
            stored = await anyio.to_thread.run_sync(self.work.letters.get, number)
            if stored is None:
                stored = await anyio.to_thread.run_sync(self._record, number)
            await issue_stored_letter(stored, self.work)

    def _record(self, number: str) -> StoredLetter:
        body = self.work.compose(number)
        if body is None:
            raise UndeliverableError(f"dossier {number} is not decided: no letter to issue")
        return self.work.letters.record(number, body, datetime.now(UTC))


async def issue_stored_letter(stored: StoredLetter, work: LetterWork) -> str:
    """The SHA-256 of the letter's sealed PDF in the blob store, sealing it now if needed."""
    if stored.pdf_sha256 is not None:
        return stored.pdf_sha256
    letters = work.letters
    jws = stored.jws
    if jws is None:
        token = issue_jws(dict(stored.document), work.seal)
        jws = await anyio.to_thread.run_sync(letters.keep_jws, stored.dossier_id, token)
    letter = DecisionLetter.from_dict(stored.document)
    pdf = await issue_letter_pdf_async(letter, work.seal, work.template, jws=jws)
    info = await save(work.blobs, PDF, one_chunk(pdf))
    return await anyio.to_thread.run_sync(letters.keep_pdf, stored.dossier_id, info.sha256)
