"""The citizen's way in to "Mijn dossiers": logging in at the federal authentication service
(FAS/CSAM: eID card, itsme, and other keys), or with the eID card through the Web eID browser
extension (`formkit.web.citizen_eid`), and out.

    GET  /mijn-dossiers              logged in: who, their masked number and login level, and
                                     their dossiers (`my_dossiers`); else: how logging in
                                     works, and the button to do so
    GET  /mijn-dossiers/aanmelden    to the provider (or, in development, the test citizens);
                                     `?terug=` a signing page: back there after the login
    POST /mijn-dossiers/aanmelden    the development login (loopback, no provider, only)
    GET  <FORMKIT_CITIZEN_REDIRECT_PATH>  the provider's redirect back: the session starts
    POST /mijn-dossiers/afmelden     the session ends, and the provider's where it offers that
    GET  /mijn-dossiers/afgemeld     logged out

The national register number is in no URL, title or log line: pages show it masked, and a
refusal logs the reason, never a claim's value. The steps are `formkit.web._login_flow`'s,
shared with the staff's login.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response, Router, get, post

from formkit.accounts import Citizen, LoginRefused
from formkit.render import PageContext
from formkit.settings import Settings
from formkit.web import _login_flow as flow
from formkit.web._citizen_auth import (
    BASE,
    DEVELOPMENT_CITIZENS,
    EID_CHALLENGE,
    EID_CHALLENGE_COOKIE,
    EID_LOGIN,
    LOGIN,
    CitizenAccess,
    citizen_access,
)
from formkit.web._login_filing import RETURN_PARAMETER
from formkit.web.my_dossiers import listing, open_drafts
from formkit.web.pages import STATIC, PageError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, same_origin_posts
from formkit.web.services import services

log = logging.getLogger("formkit.accounts")
LOGOUT = f"{BASE}/afmelden"
SIGNED_OUT = f"{BASE}/afgemeld"
_DEV_SUBJECT = "csrf:citizen-development-login"
# Where a login started from a signing page brings the citizen back to: only such a page
# (`_login_filing`), never a URL from outside, so the parameter cannot send anyone elsewhere.
RETURN_COOKIE = "formkit-citizen-return"
RETURN_PATH = re.compile(r"/formulieren/[A-Za-z0-9_-]{1,100}/[A-Za-z0-9_-]{1,100}/ondertekenen")
_RETURN_SECONDS = 900


@get(BASE)
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    access = citizen_access(request)
    session = await access.current(request)
    if session is None:
        available = access.relying_party is not None or access.development_login(request)
        return _page(
            request,
            "login.html",
            login=LOGIN,
            available=available,
            eid=services(request).settings.eid_login,
            eid_challenge=EID_CHALLENGE,
            eid_action=EID_LOGIN,
        )
    token = flow.logout_token(request, access, session)
    dossiers = await listing(request, session.principal)
    return _page(
        request,
        "home.html",
        citizen=session.principal,
        dossiers=dossiers,
        drafts=await open_drafts(request, session.principal),
        logout=LOGOUT,
        csrf=token,
    )


@get(LOGIN)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    access = citizen_access(request)
    if access.relying_party is None:
        response = _development_page(request, access)
    else:
        try:
            response = await flow.to_provider(request, access)
        except LoginRefused as refusal:
            log.warning("citizen login not started: %s", refusal)
            return refused(request, refusal, status=503)
    back = request.query_params.get(RETURN_PARAMETER)
    if isinstance(back, str) and RETURN_PATH.fullmatch(back):
        cookie = access.cookie_name(RETURN_COOKIE)
        response.cookies.append(access.cookie(cookie, back, _RETURN_SECONDS))
    return response


async def callback(request: Request[Any, Any, Any]) -> Response[Any]:
    access = citizen_access(request)
    try:
        citizen = await flow.returned(request, access)
    except LoginRefused as refusal:
        log.warning("citizen login refused: %s", refusal)  # the reason: never a claim's value
        return refused(request, refusal)
    return await start_session(request, access, citizen)


@post(LOGIN)
async def development_login(request: Request[Any, Any, Any]) -> Response[Any]:
    access = citizen_access(request)
    if not access.development_login(request):
        raise PageError(403, "Niet beschikbaar", _NO_DEVELOPMENT_LOGIN)
    form = await request.form()
    if not csrf_valid(services(request).secret, _DEV_SUBJECT, form.get(CSRF_FIELD)):
        raise PageError(403, "Dit formulier werd niet aanvaard", "Laad de pagina opnieuw.")
    citizen = DEVELOPMENT_CITIZENS.get(str(form.get("burger")))
    if citizen is None:
        raise PageError(400, "Kies een testburger", "Kies een van de burgers in de lijst.")
    return await start_session(request, access, citizen)


@post(LOGOUT)
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    access = citizen_access(request)
    session = await access.current(request)
    at_provider = session is None or session.principal.provider != "eid"  # FAS never saw it
    return await flow.end_session(request, access, SIGNED_OUT, at_provider)


@get(SIGNED_OUT)
async def signed_out(request: Request[Any, Any, Any]) -> Response[Any]:
    return _page(request, "signed_out.html", home=BASE)


async def start_session(
    request: Request[Any, Any, Any], access: CitizenAccess, citizen: Citizen
) -> Response[Any]:
    """The citizen's session (a new id), then to Mijn dossiers; a login under way ends."""
    log.info("citizen login by %s at assurance level %s", citizen.provider, citizen.assurance.value)
    back = request.cookies.get(access.cookie_name(RETURN_COOKIE), "")
    home = back if RETURN_PATH.fullmatch(back) else BASE
    response = await flow.start_session(request, access, citizen, home)
    response.cookies.append(access.forget(access.cookie_name(EID_CHALLENGE_COOKIE)))
    response.cookies.append(access.forget(access.cookie_name(RETURN_COOKIE)))
    return response


_NO_DEVELOPMENT_LOGIN = (
    "De ontwikkelaarsaanmelding bestaat alleen op een server die enkel op deze computer "
    "luistert (127.0.0.1) en geen identiteitsprovider heeft."
)


def _development_page(request: Request[Any, Any, Any], access: CitizenAccess) -> Response[Any]:
    if not access.development_login(request):
        raise PageError(
            503,
            "Aanmelden is hier niet mogelijk",
            "Deze server is nog niet verbonden met de federale authenticatiedienst. "
            "Probeer het later opnieuw of neem contact op met de stad.",
        )
    token = csrf_token(services(request).secret, _DEV_SUBJECT)
    return _page(request, "development_login.html", citizens=DEVELOPMENT_CITIZENS, csrf=token)


def refused(
    request: Request[Any, Any, Any], refusal: LoginRefused, status: int = 400
) -> Response[Any]:
    """The page saying why the login was refused; no session, and the login under way ends."""
    access = citizen_access(request)
    response = _page(request, "refused.html", status=status, refusal=refusal, home=BASE)
    response.cookies.append(access.forget(access.login_cookie))
    response.cookies.append(access.forget(access.cookie_name(EID_CHALLENGE_COOKIE)))
    return response


def _page(
    request: Request[Any, Any, Any], template: str, status: int = 200, **values: Any
) -> Response[Any]:
    ctx = PageContext(static_url=STATIC)
    renderer = services(request).renderer
    html = renderer.citizen_page(template, ctx, csrf_field=CSRF_FIELD, **values)
    return Response(html, status_code=status, media_type=MediaType.HTML)


def router(settings: Settings) -> Router:
    """The citizen's routes; the callback sits where the operator registered it at FAS."""
    back = get(settings.citizen_redirect_path, name="citizen-callback")(callback)
    return Router(
        path="/",
        route_handlers=[home, login, back, development_login, logout, signed_out],
        guards=[same_origin_posts],
    )
