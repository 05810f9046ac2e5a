"""The staff's way in: logging in at the city's OpenID Connect provider, and out.

    GET  /behandeling/               who is logged in, with their roles (else: to the login)
    GET  /behandeling/aanmelden      to the provider (or, in development, the role chooser)
    POST /behandeling/aanmelden      the development login (loopback, no provider, only)
    GET  <FORMKIT_STAFF_REDIRECT_PATH>  the provider's redirect back: the session starts
    POST /behandeling/afmelden       the session ends, and the provider's where it offers that
    GET  /behandeling/afgemeld       logged out

A refused login (`formkit.accounts.LoginRefused`) gets a page saying why, status 400, and
starts no session. The steps themselves are `formkit.web._login_flow`'s, shared with the
citizens' login.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response, Router, get, post
from litestar.response import Redirect

from formkit.accounts import DEVELOPMENT_ROLES, LoginRefused, Staff
from formkit.render import PageContext
from formkit.settings import Settings
from formkit.web import _login_flow as flow
from formkit.web._staff_auth import BASE, LOGIN, StaffAccess, current_session, staff_access
from formkit.web.pages import STATIC, PageError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, same_origin_posts
from formkit.web.services import services

log = logging.getLogger("formkit.accounts")
LOGOUT = f"{BASE}/afmelden"
SIGNED_OUT = f"{BASE}/afgemeld"
_DEV_SUBJECT = "csrf:staff-development-login"


@get(f"{BASE}/")
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    session = await current_session(request)
    if session is None:
        return Redirect(LOGIN, status_code=303)
    token = flow.logout_token(request, staff_access(request), session)
    return _page(request, "home.html", staff=session.principal, logout=LOGOUT, csrf=token)


@get(LOGIN)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    access = staff_access(request)
    if access.relying_party is None:
        return _development_page(request, access)
    try:
        return await flow.to_provider(request, access)
    except LoginRefused as refusal:
        return _refused(request, refusal, status=503)


async def callback(request: Request[Any, Any, Any]) -> Response[Any]:
    access = staff_access(request)
    try:
        staff = await flow.returned(request, access)
    except LoginRefused as refusal:
        log.warning("staff login refused: %s", refusal)
        return _refused(request, refusal)
    return await _start_session(request, access, staff)


@post(LOGIN)
async def development_login(request: Request[Any, Any, Any]) -> Response[Any]:
    access = staff_access(request)
    if not access.development_login(request):
        raise PageError(403, "Niet beschikbaar", _NO_DEVELOPMENT_LOGIN)
    form = await request.form()
    if not csrf_valid(services(request).secret, _DEV_SUBJECT, form.get(CSRF_FIELD)):
        raise PageError(403, "Dit formulier werd niet aanvaard", "Laad de pagina opnieuw.")
    role = form.get("rol")
    if role not in DEVELOPMENT_ROLES:
        raise PageError(400, "Kies een rol", "Kies een van de rollen in de lijst.")
    staff = Staff(subject=f"ontwikkelaar-{role}", name="Ontwikkelaar", roles=(role,))
    return await _start_session(request, access, staff)


@post(LOGOUT)
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    return await flow.end_session(request, staff_access(request), SIGNED_OUT)


@get(SIGNED_OUT)
async def signed_out(request: Request[Any, Any, Any]) -> Response[Any]:
    return _page(request, "signed_out.html", login=LOGIN)


async def _start_session(
    request: Request[Any, Any, Any], access: StaffAccess, staff: Staff
) -> Response[Any]:
    log.info("staff login: %s with roles %s", staff.subject, ", ".join(staff.roles) or "none")
    return await flow.start_session(request, access, staff, f"{BASE}/")


_NO_DEVELOPMENT_LOGIN = (
    "De ontwikkelaarsaanmelding bestaat alleen op een server die enkel op deze computer "
    "luistert (127.0.0.1) en geen identiteitsprovider heeft."
)


def _development_page(request: Request[Any, Any, Any], access: StaffAccess) -> Response[Any]:
    if not access.development_login(request):
        raise PageError(
            503,
            "Aanmelden voor medewerkers is niet ingesteld",
            "Deze server heeft geen identiteitsprovider voor medewerkers. "
            "Vraag de beheerder om FORMKIT_STAFF_ISSUER in te stellen.",
        )
    token = csrf_token(services(request).secret, _DEV_SUBJECT)
    return _page(request, "development_login.html", roles=DEVELOPMENT_ROLES, csrf=token)


def _refused(
    request: Request[Any, Any, Any], refusal: LoginRefused, status: int = 400
) -> Response[Any]:
    access = staff_access(request)
    response = _page(request, "refused.html", status=status, refusal=refusal, login=LOGIN)
    response.cookies.append(access.forget(access.login_cookie))
    return response


def _page(
    request: Request[Any, Any, Any], template: str, status: int = 200, **values: Any
) -> Response[Any]:
    ctx = PageContext(base_path=BASE, static_url=STATIC)
    html = services(request).renderer.staff_page(template, ctx, csrf_field=CSRF_FIELD, **values)
    return Response(html, status_code=status, media_type=MediaType.HTML)


def router(settings: Settings) -> Router:
    """The staff routes; the callback sits where the operator registered it."""
    back = get(settings.staff_redirect_path, name="staff-callback")(callback)
    return Router(
        path="/",
        route_handlers=[home, login, back, development_login, logout, signed_out],
        guards=[same_origin_posts],
    )
