"""The decision letter on the API: `GET /api/v1/dossiers/{number}/decision`.

404 until the dossier is decided (and outside the key's forms, as for every dossier); 202 with
`Retry-After` while the outbox is still making the letter; then the PAdES-sealed PDF, the same
bytes every time (`formkit.work.DecisionLetterPdf` makes it once).
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, Router, get
from litestar.params import FromPath
from litestar.response import Stream

from formkit.store.handling import NoProcedureError
from formkit.web.api import json_response, readable_dossier
from formkit.web.problems import ProblemError
from formkit.web.services import Services, services

RETRY_AFTER = 5  # seconds: sealing one letter takes well under a second when the queue is idle
LETTER_NAME = "beslissing"


@get("/dossiers/{number:str}/decision")
async def show_decision(
    request: Request[Any, Any, Any], number: FromPath[str]
) -> Stream | Response[bytes]:
    """The decision letter as a PAdES-sealed PDF, once the outbox made it."""
    found = services(request)
    await anyio.to_thread.run_sync(readable_dossier, request, number)
    stored = await anyio.to_thread.run_sync(found.letters.get, number)
    if stored is not None and stored.pdf_sha256 is not None:
        sha256 = stored.pdf_sha256
        return Stream(
            found.blobs.open(sha256),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{LETTER_NAME}-{_safe(number)}.pdf"',
                "Content-Length": str(await found.blobs.size(sha256)),
                "X-Content-SHA256": sha256,
            },
        )
    if stored is None and not await anyio.to_thread.run_sync(_decided, found, number):
        raise ProblemError("not-found", f"Over dossier {number} is (nog) niet beslist.")
    pending = {
        "number": number,
        "status": "in-aanmaak",
        "detail": "De beslissingsbrief wordt gemaakt en verzegeld. Probeer het straks opnieuw.",
        "retry_after": RETRY_AFTER,
    }
    return json_response(pending, 202, {"Retry-After": str(RETRY_AFTER)})


def _decided(found: Services, number: str) -> bool:
    try:
        handled = found.handling.get(number)
    except NoProcedureError:
        return False
    return handled is not None and handled.state.outcome is not None


def _safe(number: str) -> str:
    return "".join(c for c in number if c.isascii() and (c.isalnum() or c in "-_"))


router = Router(path="/api/v1", route_handlers=[show_decision])
