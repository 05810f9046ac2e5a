"""Citizens logging in with their eID card, through the Web eID browser extension.

    GET  /mijn-dossiers/aanmelden/eid/challenge   {"nonce": ...}: a challenge for this browser
    POST /mijn-dossiers/aanmelden/eid             the extension's token (`webeid-token`): the
                                                  session starts, as after FAS, at level high

The login page's script (`eid.js`) asks for a nonce, hands it to the extension
(`web-eid:authenticate`), which has the card's Authentication key sign the origin and the
nonce, and posts the token as a plain form: the answer is a page, the refusal one too.

The nonce (256 random bits) is good once, for five minutes (`formkit.store.challenges`), and
only in the browser it was given to: it travels in an HttpOnly cookie and the server keeps its
hash; the post is checked against the cookie's nonce, never one the page names. That binding
is the post's forgery protection, besides the same-origin guard every post has: another site
can neither read a nonce (the JSON is same-origin) nor make this browser post a token for it,
since the card signs only on its holder's PIN. Each post uses up the browser's nonce, whatever
its outcome.

Nothing the card says is logged: a refusal logs its code and an English reason.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any
from urllib.parse import parse_qs

from litestar import MediaType, Request, Response, Router, get, post

from formkit.accounts import Citizen, LoginRefused, citizen_from_eid
from formkit.eid import AuthToken, SignatureRefused, new_nonce, verify_auth_token
from formkit.eid._webeid import MAX_TOKEN_CHARS
from formkit.forms import _strict_json
from formkit.store.challenges import LIFETIME
from formkit.web._citizen_auth import (
    EID_CHALLENGE,
    EID_CHALLENGE_COOKIE,
    EID_LOGIN,
    citizen_access,
)
from formkit.web._flow import in_thread
from formkit.web.citizen import refused, start_session
from formkit.web.pages import PageError
from formkit.web.security import same_origin_posts
from formkit.web.services import Services, services

log = logging.getLogger("formkit.accounts")
TOKEN_FIELD = "webeid-token"  # noqa: S105 (a field name)
_MAX_POST_BYTES = 4 * MAX_TOKEN_CHARS  # the token, URL-encoded
_LIFETIME_SECONDS = int(LIFETIME.total_seconds())


@get(EID_CHALLENGE)
async def challenge(request: Request[Any, Any, Any]) -> Response[Any]:
    """A fresh nonce for the extension, kept server-side and in this browser's cookie."""
    found = _enabled(request)
    access = citizen_access(request)
    nonce = new_nonce()
    await in_thread(found.eid_challenges.issue, nonce, found.clock())
    response = Response(
        {"nonce": nonce}, media_type=MediaType.JSON, headers={"Cache-Control": "no-store"}
    )
    name = access.cookie_name(EID_CHALLENGE_COOKIE)
    response.cookies.append(access.cookie(name, _cookie_value(nonce), _LIFETIME_SECONDS))
    return response


@post(EID_LOGIN)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    _enabled(request)
    access = citizen_access(request)
    try:
        citizen = await _checked(request)
    except LoginRefused as refusal:
        log.warning("citizen eID login refused: %s", refusal)  # never what the card said
        status = 503 if refusal.reason == "eid-revocation-unknown" else 400
        return refused(request, refusal, status=status)
    return await start_session(request, access, citizen)


async def _checked(request: Request[Any, Any, Any]) -> Citizen:
    """The citizen the posted token names, once the browser's nonce is taken and all holds."""
    found = services(request)
    access = citizen_access(request)
    now = found.clock()
    nonce = _nonce(request.cookies.get(access.cookie_name(EID_CHALLENGE_COOKIE)))
    if nonce is None or not await in_thread(found.eid_challenges.use, nonce, now):
        raise LoginRefused("eid-challenge", "no unused, unexpired nonce for this browser")
    trust = found.filer.trust
    try:
        token = AuthToken.from_json(await _posted_token(request))
        holder = await verify_auth_token(
            token,
            origin=found.settings.eid_login_origin,
            nonce=nonce,
            trust_roots=trust.roots,
            intermediates=trust.intermediates,
            at=now,
            crls=trust.crls,
            revocation_required=trust.revocation_required,
        )
    except SignatureRefused as refusal:
        raise LoginRefused(f"eid-{refusal.code}", refusal.detail) from None
    return citizen_from_eid(holder)


async def _posted_token(request: Request[Any, Any, Any]) -> Any:
    """The token's JSON from the form; SignatureRefused("malformed") for anything else."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_POST_BYTES:
            raise SignatureRefused("malformed", "the post is too large for a token")
    try:
        fields = parse_qs(body.decode(), max_num_fields=10)
        text = fields.get(TOKEN_FIELD, [""])[0]
        return _strict_json.decode(text) if 0 < len(text) <= MAX_TOKEN_CHARS else None
    except (UnicodeDecodeError, ValueError, _strict_json.JsonError):
        raise SignatureRefused("malformed", "the post holds no token") from None


def _enabled(request: Request[Any, Any, Any]) -> Services:
    found = services(request)
    if not found.settings.eid_login:
        raise PageError(
            404, "Pagina niet gevonden", "Aanmelden met de eID-kaart is hier niet ingesteld."
        )
    return found


# The nonce is base64 (Web eID's form), with "+", "/" and "=": not cookie-safe, so the cookie
# holds the same bytes URL-safe and unpadded.


def _cookie_value(nonce: str) -> str:
    return base64.urlsafe_b64encode(base64.b64decode(nonce)).rstrip(b"=").decode()


def _nonce(cookie: str | None) -> str | None:
    if not cookie:
        return None
    try:
        raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    except (binascii.Error, ValueError):
        return None
    return base64.b64encode(raw).decode()


router = Router(path="/", route_handlers=[challenge, login], guards=[same_origin_posts])
