"""Print at home, verify anywhere: the page that checks a receipt, and the receipt downloads.

    GET  /verificatie                      the page: choose a receipt (and its attachments)
    GET  /verificatie?code=<code>          the same, opened from a receipt's QR code: it also
                                           says which dossier the city filed with that code, when
    GET  /verificatie?dossier=<number>     the QR code of a receipt from before codes: the page,
                                           with a word on why it looks nothing up
    POST /verificatie                      check the chosen receipt; show what it covers
    GET  /formulieren/{form}/{draft}/ontvangstbewijs.pdf|.jws   (`_receipt_download`)

The check runs offline, as `formkit verify` does: against the root of the city's seal
(`FORMKIT_SEAL_TRUST_FILE`; unset, the root of the seal this service uses) and the roots of
the eID cards the service trusts. It never looks the receipt up: a receipt is genuine because
the city sealed it, whatever this server's database says.

Anyone may open this page, so the register lookup says only which dossier was filed and when;
never what was filed or by whom. It looks up the random code in the receipt's link (128 bits,
`formkit.receipts.verification_code`), never a dossier number: numbers are gapless, and trying
them one after the other told anyone how many filings came in, and when. The code says no more
than the receipt that carries it; formkit logs it nowhere (an access log shows it in the URL).
What a person uploads is read in memory (the receipt) or only hashed (the attachments), and
never stored. How often one client may look up or check: `ratelimit`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
from cryptography import x509
from litestar import MediaType, Request, Response, Router, get, post

from formkit.forms._dutch import moment_text, size_text
from formkit.receipts import (
    VERIFICATION_CODE,
    Receipt,
    ReceiptError,
    Seal,
    development_root,
    is_development_seal,
    verify_receipt,
)
from formkit.render import PageContext
from formkit.settings import Settings
from formkit.web import _receipt_download
from formkit.web._flow import BASE, in_thread
from formkit.web._posts import PostError
from formkit.web._verification_post import (
    ATTACHMENT_FILES,
    EVIDENCE_FILE,
    MAX_RECEIPT_BYTES,
    RECEIPT_FILE,
    ReceiptTooLargeError,
    read_verification_post,
)
from formkit.web._verification_view import Verdict
from formkit.web.problems import ProblemError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, posted_token, same_origin_posts
from formkit.web.services import Services, services

PAGE = "/verificatie"
TEMPLATE = "verification.html"
CSRF_SUBJECT = "verificatie"  # one page, acting on nothing of anyone's: one token for all
NO_RECEIPT = "Kies het ontvangstbewijs: het PDF-bestand of het .jws-bestand."
TOO_LARGE = (
    f"Dit bestand is groter dan {size_text(MAX_RECEIPT_BYTES)}: zo groot is een ontvangstbewijs "
    "niet. Kies het PDF-bestand of het .jws-bestand dat u van de stad kreeg."
)

# Reading a PDF is CPU work in pyHanko, even in `verify_receipt_async`: in threads, a few at a
# time, so that anyone's crafted 5 MB PDF stalls neither the event loop nor the filings.
_CHECKING = anyio.CapacityLimiter(4)


@dataclass(frozen=True, slots=True)
class Registered:
    """What the city's register says of a QR code's link: which dossier, filed when."""

    number: str | None  # None: no dossier has that code
    filed_at: str = ""  # in words, in the city's time


@get(PAGE)
async def verification_page(request: Request[Any, Any, Any]) -> Response[str]:
    code = request.query_params.get("code")
    if code is not None:
        return _page(request, registered=await _registered(services(request), code.strip()))
    return _page(request, old_link="dossier" in request.query_params)


@post(PAGE)
async def verify(request: Request[Any, Any, Any]) -> Response[str]:
    """Check the chosen receipt; a receipt that does not hold is still a page, not an error."""
    found = services(request)
    try:
        posted = await read_verification_post(request)
    except ReceiptTooLargeError:
        return _page(request, error=TOO_LARGE, status=413)
    except PostError as error:
        slug = "too-large" if error.status == 413 else "malformed-request"
        raise ProblemError(slug, "Wat uw browser verstuurde, kunnen we niet lezen.") from None
    if not csrf_valid(found.secret, CSRF_SUBJECT, posted_token(request, posted.fields)):
        raise ProblemError(
            "forbidden",
            "Het formulier kon niet veilig verstuurd worden. Laad de pagina opnieuw en probeer "
            "het nog eens.",
        )
    if posted.receipt is None:
        return _page(request, error=NO_RECEIPT, status=422)
    check = functools.partial(
        verify_receipt,
        posted.receipt,
        trust_roots=seal_trust_roots(found.settings, found.seal),
        eid_trust_roots=found.filer.trust.roots,
        evidence=posted.evidence,
    )
    report = await anyio.to_thread.run_sync(check, limiter=_CHECKING)
    verdict = Verdict.of(report, posted.receipt, posted.attachments)
    return _page(request, verdict=verdict, chosen=posted.receipt_name)


router = Router(
    path="/",
    route_handlers=[verification_page, verify, *_receipt_download.ROUTES],
    guards=[same_origin_posts],
)


def seal_trust_roots(settings: Settings, seal: Seal) -> tuple[x509.Certificate | bytes, ...]:
    """The roots a receipt's seal must lead to: the operator's file, else this seal's root.

    Read on every check, so a root the operator replaces counts at once.
    """
    if settings.seal_trust_file is not None:
        return tuple(x509.load_pem_x509_certificates(settings.seal_trust_file.read_bytes()))
    if is_development_seal(seal):
        root = development_root(settings.data_dir).read_bytes()
        return (x509.load_pem_x509_certificate(root),)
    return (seal.chain[-1] if seal.chain else seal.certificate,)


async def _registered(found: Services, code: str) -> Registered:
    if not VERIFICATION_CODE.fullmatch(code):
        return Registered(None)
    stored = await in_thread(found.receipts.by_code, code)
    if stored is None:
        return Registered(None)
    try:
        filed_at = Receipt.from_dict(stored.document).body.filed_at
    except ReceiptError:  # a stored receipt formkit cannot read: say no more than it knows
        return Registered(None)
    return Registered(stored.number, moment_text(filed_at))


def _page(
    request: Request[Any, Any, Any],
    *,
    registered: Registered | None = None,
    old_link: bool = False,
    verdict: Verdict | None = None,
    chosen: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response[str]:
    found = services(request)
    ctx = PageContext(
        base_path=BASE,
        action=PAGE,
        csrf_field_name=CSRF_FIELD,
        csrf_token=csrf_token(found.secret, CSRF_SUBJECT),
        embedded=request.headers.get("sec-fetch-dest") == "iframe",
    )
    html = found.renderer.environment.get_template(TEMPLATE).render(
        ctx=ctx,
        registered=registered,
        old_link=old_link,
        verdict=verdict,
        chosen=chosen,
        error=error,
        receipt_input=RECEIPT_FILE,
        attachments_input=ATTACHMENT_FILES,
        evidence_input=EVIDENCE_FILE,
    )
    # What a receipt covers names its signer: no cache may keep the page.
    headers = {"Cache-Control": "no-store"}
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=headers)
