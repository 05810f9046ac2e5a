"""The citizen's receipt, from the confirmation page: the sealed PDF and the JWS.

    GET /formulieren/{form}/{draft}/ontvangstbewijs.pdf    the PAdES-sealed PDF
    GET /formulieren/{form}/{draft}/ontvangstbewijs.jws    the receipt as a compact JWS
    GET /formulieren/{form}/{draft}/handtekeningbewijs.json  the signature evidence, when
                                                           signed with the eID

The draft id in the path is the capability, as for every page of the draft: whoever may see
the confirmation may take its receipt. Before the draft is filed there is no receipt (404).
A logged-in citizen also finds it on "Mijn dossiers" (`formkit.web.my_dossiers`: `sealed_pdf`).
Both are issued once and then served as stored (`formkit.work._receipts`), so a citizen who
downloads twice gets the same bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Stream

from formkit.store.receipts import StoredReceipt
from formkit.web._evidence_download import EVIDENCE_NAME, NOT_SIGNED, evidence_response
from formkit.web._flow import BASE, in_thread
from formkit.web.problems import ProblemError
from formkit.web.services import Services, services

RECEIPT_NAME = "ontvangstbewijs"
_DRAFT = f"{BASE}/{{form_id:str}}/{{draft_id:str}}"
_NOT_FILED = (
    "Voor deze aanvraag is er geen ontvangstbewijs: ze is (nog) niet ingediend, of de link is "
    "niet meer geldig."
)


@get(f"{_DRAFT}/{RECEIPT_NAME}.pdf")
async def receipt_pdf(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Stream:
    """The sealed PDF; sealed now if the outbox has not done it yet."""
    found = services(request)
    return await sealed_pdf(found, await _filed_receipt(found, form_id, draft_id))


async def sealed_pdf(found: Services, stored: StoredReceipt) -> Stream:
    """The receipt's sealed PDF as a download: for the draft's link and "Mijn dossiers"."""
    sha256 = await found.receipt_pdf(stored)
    return Stream(
        found.blobs.open(sha256),
        media_type="application/pdf",
        headers={
            "Content-Disposition": _attachment(stored, "pdf"),
            "Content-Length": str(await found.blobs.size(sha256)),
        },
    )


@get(f"{_DRAFT}/{RECEIPT_NAME}.jws")
async def receipt_jws(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[bytes]:
    found = services(request)
    stored = await _filed_receipt(found, form_id, draft_id)
    token = await found.receipt_jws(stored)
    return Response(
        token.encode("ascii"),
        media_type="application/jose",
        headers={"Content-Disposition": _attachment(stored, "jws")},
    )


@get(f"{_DRAFT}/{EVIDENCE_NAME}.json")
async def evidence_json(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[bytes]:
    found = services(request)
    stored = await _filed_receipt(found, form_id, draft_id)
    dossier = await in_thread(found.dossiers.get, stored.number)
    response = None if dossier is None else evidence_response(dossier)
    if response is None:
        raise ProblemError("not-found", NOT_SIGNED)
    return response


ROUTES = (receipt_pdf, receipt_jws, evidence_json)


async def _filed_receipt(found: Services, form_id: str, draft_id: str) -> StoredReceipt:
    draft = await in_thread(found.drafts.load, draft_id, found.filer.clock())
    if draft is None or draft.form_id != form_id or draft.dossier_number is None:
        raise ProblemError("not-found", _NOT_FILED)
    stored = await in_thread(found.receipts.get, draft.dossier_number)
    if stored is None:
        raise ProblemError("not-found", _NOT_FILED)
    return stored


def _attachment(stored: StoredReceipt, extension: str) -> str:
    safe = "".join(c for c in stored.number if c.isascii() and (c.isalnum() or c in "-_"))
    return f'attachment; filename="{RECEIPT_NAME}-{safe}.{extension}"'


async def _chunks(found: Services, sha256: str) -> AsyncIterator[bytes]:
    async for chunk in found.blobs.open(sha256):
        yield chunk
