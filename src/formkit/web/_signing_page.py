"""Ondertekenen: the step between Overzicht and filing for a form that needs an eID signature.

    GET  /formulieren/{form}/{draft}/ondertekenen                        the signing page
    GET  /formulieren/{form}/{draft}/ondertekenen/te-ondertekenen.json   what `formkit sign` signs
    POST /formulieren/{form}/{draft}/ondertekenen                        the signature: file
    POST /formulieren/{form}/{draft}/ondertekenen/aanmelding             or the login: file

"Indienen" on the Overzicht of such a form leads here. The page shows the digest the card
signs (`signing.digest_to_sign` of the draft's answers with their files bound) and offers the
ways to sign it: the Web eID browser extension, through `eid.js`; for a form that accepts it,
filing as the citizen logged in with itsme or the eID (`_login_filing`); and, as the last
resort, the `formkit sign` program with a file to download and one to upload.

On the post the server rebuilds the filing from the draft and never takes a digest from the
browser: the filer checks the signature against the answers as they are now. A signature over
answers the citizen changed since is refused as not belonging to this application.

This module uses nothing of `pages` (which registers these handlers): errors it cannot show
itself are `ProblemError`s, which the app renders as error pages in the site's style.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from formkit.eid.signing import HASH, CitizenSignature
from formkit.filing._filing import Filed, IdempotencyConflict
from formkit.filing._login import Login
from formkit.filing.filer import Refused
from formkit.forms._model import Form
from formkit.render import PageContext
from formkit.store.drafts import StoredDraft
from formkit.web import _login_filing as login_filing
from formkit.web._flow import BASE, Place, draft_filing, in_thread
from formkit.web._posts import PostError
from formkit.web._signature_post import (
    SIGNATURE_FILE,
    SignaturePost,
    Unreadable,
    read_signature_post,
)
from formkit.web.problems import ProblemError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, posted_token
from formkit.web.services import Services, services

PAGE = f"{BASE}/{{form_id:str}}/{{draft_id:str}}/ondertekenen"
DATA_FILE = "te-ondertekenen.json"
TEMPLATE = "sign.html"
_POST_ERRORS = {
    400: "Wat uw browser verstuurde, is onvolledig of beschadigd. Ga terug en probeer opnieuw.",
    413: "Wat u verstuurde, is te groot. Kies het bestand met uw handtekening.",
}


@get(PAGE)
async def signing_page(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    signable = await _signable(request, form_id, draft_id)
    if isinstance(signable, Redirect):
        return signable
    place, digest = signable
    return await _page(request, place, digest)


@get(f"{PAGE}/{DATA_FILE}")
async def data_to_sign(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    """The digest as `formkit sign` reads it: `{"digest": base64, "hash": "SHA-384"}`."""
    signable = await _signable(request, form_id, draft_id)
    if isinstance(signable, Redirect):
        return signable
    _, digest = signable
    document = {"digest": base64.b64encode(digest).decode(), "hash": HASH}
    return Response(
        msgspec.json.encode(document),
        media_type=MediaType.JSON,
        headers={"Content-Disposition": f'attachment; filename="{DATA_FILE}"'},
    )


@post(PAGE)
async def sign(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    """File the draft with the posted signature, once however often this is posted."""
    posted = await _posted(request, form_id, draft_id)
    if isinstance(posted, Redirect):
        return posted
    signature = posted.post.signature()
    if isinstance(signature, Unreadable):
        return await _refused(request, posted.place, posted.draft, posted.post, signature.message)
    result = await _file(request, posted, signature=signature)
    if isinstance(result, Refused):
        problem = result.problems[0]
        if not problem.code.startswith("signature-"):
            return _redirect(posted.place.review_url)  # "Indienen" there shows what is wrong now
        return await _refused(request, posted.place, posted.draft, posted.post, problem.message)
    return result


@post(f"{PAGE}/{login_filing.ACTION}")
async def file_with_login(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    """File the draft as the citizen logged in at a high level, without the card."""
    posted = await _posted(request, form_id, draft_id)
    if isinstance(posted, Redirect):
        return posted
    place = posted.place
    login = await login_filing.current_login(request)
    if login is None:
        return _redirect(place.sign_url)  # the page says how to log in
    result = await _file(request, posted, login=login)
    if isinstance(result, Refused):
        problem = result.problems[0]
        digest = await _digest(services(request), place.form, posted.draft)
        if not problem.code.startswith("login-") or digest is None:
            return _redirect(place.review_url)
        return await _page(request, place, digest, problem.message, status=422)
    return result


@dataclass(frozen=True, slots=True)
class _Posted:
    """A post to the signing page of a live draft not yet filed, its CSRF token checked."""

    place: Place
    draft: StoredDraft
    post: SignaturePost


async def _posted(
    request: Request[Any, Any, Any], form_id: str, draft_id: str
) -> _Posted | Redirect:
    """The post and its draft; a draft filed already goes to its confirmation."""
    found = services(request)
    form, draft = await _draft(request, form_id, draft_id)
    post = await _read(request)
    if not csrf_valid(found.secret, f"draft:{draft.id}", posted_token(request, post.fields)):
        raise ProblemError("forbidden", "Het formulier kon niet veilig verstuurd worden.")
    place = Place(form, draft.id)
    if draft.filed:
        return _redirect(place.confirmation_url)
    if draft.declared_at is None:
        return _redirect(place.review_url)  # nothing is filed undeclared
    return _Posted(place, draft, post)


async def _file(
    request: Request[Any, Any, Any],
    posted: _Posted,
    *,
    signature: CitizenSignature | None = None,
    login: Login | None = None,
) -> Refused | Redirect:
    """File the draft with a signature or a login: to the confirmation, or why not."""
    found = services(request)
    form, draft = posted.place.form, posted.draft
    answers, blobs = await draft_filing(found, form, draft)
    result = await found.filer.file(
        form,
        answers,
        blobs,
        channel="web",
        idempotency_key=f"draft:{draft.id}",
        signature=signature,
        login=login,
    )
    if isinstance(result, Refused):
        return result
    assert isinstance(result, Filed | IdempotencyConflict)
    await in_thread(found.drafts.mark_filed, draft.id, result.number)
    return _redirect(posted.place.confirmation_url)


ROUTES = (signing_page, data_to_sign, sign, file_with_login)


# What is signed --------------------------------------------------------------------------


async def _digest(found: Services, form: Form, draft: StoredDraft) -> bytes | None:
    """The digest to sign; None when the answers cannot be filed as they are."""
    answers, blobs = await draft_filing(found, form, draft)
    digest = found.filer.data_to_sign(form, answers, blobs)
    return None if isinstance(digest, Refused) else digest


def digest_groups(digest: bytes, size: int = 4) -> list[str]:
    """The digest in hex, in groups of `size` digits: readable, and it wraps on a phone."""
    text = digest.hex()
    return [text[i : i + size] for i in range(0, len(text), size)]


# The page --------------------------------------------------------------------------------


async def _refused(
    request: Request[Any, Any, Any],
    place: Place,
    draft: StoredDraft,
    posted: SignaturePost,
    message: str,
) -> Response[Any]:
    """The signing page again, saying why the signature was refused; nothing was filed."""
    digest = await _digest(services(request), place.form, draft)
    if digest is None:
        return _redirect(place.review_url)
    at_file = not posted.via_web_eid
    return await _page(request, place, digest, message, at_file=at_file, status=422)


async def _page(
    request: Request[Any, Any, Any],
    place: Place,
    digest: bytes,
    error: str | None = None,
    *,
    at_file: bool = False,
    status: int = 200,
) -> Response[str]:
    found = services(request)
    ctx = PageContext(
        base_path=BASE,
        action=place.sign_url,
        csrf_field_name=CSRF_FIELD,
        csrf_token=csrf_token(found.secret, f"draft:{place.draft_id}"),
        review_url=place.review_url,
        embedded=request.headers.get("sec-fetch-dest") == "iframe",
    )
    html = found.renderer.environment.get_template(TEMPLATE).render(
        ctx=ctx,
        form=place.form,
        digest_groups=digest_groups(digest),
        digest_base64=base64.b64encode(digest).decode(),
        hash_name=HASH,
        download_url=f"{place.sign_url}/{DATA_FILE}",
        download_name=DATA_FILE,
        file_input=SIGNATURE_FILE,
        error=error,
        error_href=f"#{SIGNATURE_FILE}" if error and at_file else "",
        file_error=error if at_file else None,
        login=await login_filing.login_way(request, place.form, place.sign_url),
        login_action=f"{place.sign_url}/{login_filing.ACTION}",
    )
    return Response(html, status_code=status, media_type=MediaType.HTML)


# Looking things up -----------------------------------------------------------------------


async def _signable(
    request: Request[Any, Any, Any], form_id: str, draft_id: str
) -> tuple[Place, bytes] | Redirect:
    """The draft's place and digest to sign; or where to go: filed already, or not fileable."""
    form, draft = await _draft(request, form_id, draft_id)
    place = Place(form, draft.id)
    if draft.filed:
        return _redirect(place.confirmation_url)
    if draft.declared_at is None:
        return _redirect(place.review_url)  # the Overzicht asks the declaration first
    digest = await _digest(services(request), form, draft)
    if digest is None:
        return _redirect(place.review_url)
    return place, digest


async def _draft(
    request: Request[Any, Any, Any], form_id: str, draft_id: str
) -> tuple[Form, StoredDraft]:
    """The form that needs a signature and its live draft; else a 404 page."""
    found = services(request)
    form = found.catalogue.get(form_id)
    if form is None or not form.signature_required:
        raise ProblemError("not-found", "Dit formulier wordt niet ondertekend.")
    draft = await in_thread(found.drafts.load, draft_id, found.filer.clock())
    if draft is None or draft.form_id != form.id:
        days = found.settings.draft_ttl.days
        raise ProblemError(
            "not-found",
            f"Deze aanvraag bestaat niet (meer). Een aanvraag die niet ingediend wordt, bewaren"
            f" we {days} dagen na de laatste wijziging. Controleer de link, of begin opnieuw.",
        )
    return form, draft


async def _read(request: Request[Any, Any, Any]) -> SignaturePost:
    try:
        return await read_signature_post(request)
    except PostError as error:
        slug = "too-large" if error.status == 413 else "malformed-request"
        raise ProblemError(slug, _POST_ERRORS[error.status]) from None


def _redirect(url: str) -> Redirect:
    return Redirect(url, status_code=303)
