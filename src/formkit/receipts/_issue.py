"""Issue a filing's receipts: the JWS at once, the sealed PDF from the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyhanko.sign.timestamps.api import TimeStamper

from formkit.receipts._document import Receipt
from formkit.receipts._jws import issue_jws
from formkit.receipts._layout import ReceiptLayout
from formkit.receipts._pades import seal_pdf_async
from formkit.receipts._pdf import render_receipt_pdf
from formkit.receipts._seal import Seal

if TYPE_CHECKING:
    from formkit.render import StepAnswers


def issue_pdf(
    receipt: Receipt,
    seal: Seal,
    *,
    layout: ReceiptLayout | None = None,
    jws: str | None = None,
    timestamper: TimeStamper | None = None,
    answers: Sequence[StepAnswers] | None = None,
) -> bytes:
    """The PDF receipt, sealed with PAdES B-B (B-T with a `timestamper`).

    `jws` is the receipt's JWS when it was issued already (it is embedded as is); otherwise
    one is issued here. `answers` are the filed answers to print, as
    `formkit.render.summarise(..., masked=True)` gives them. Not for use inside a running event
    loop: await `issue_pdf_async`.
    """
    return asyncio.run(
        issue_pdf_async(
            receipt, seal, layout=layout, jws=jws, timestamper=timestamper, answers=answers
        )
    )


async def issue_pdf_async(
    receipt: Receipt,
    seal: Seal,
    *,
    layout: ReceiptLayout | None = None,
    jws: str | None = None,
    timestamper: TimeStamper | None = None,
    answers: Sequence[StepAnswers] | None = None,
) -> bytes:
    """`issue_pdf` for async callers."""
    token = jws if jws is not None else issue_jws(receipt.to_dict(), seal)
    unsealed = render_receipt_pdf(receipt, token, layout or ReceiptLayout(), answers)
    return await seal_pdf_async(unsealed, seal, timestamper=timestamper)
