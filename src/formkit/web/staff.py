"""The staff's way in: logging in at the city's OpenID Connect provider, and out.

    GET  /behandeling/               who is logged in, with their roles (else: to the login)
    GET  /behandeling/aanmelden      to the provider (or, in development, the role chooser)
    POST /behandeling/aanmelden      the development login (loopback, no provider, only)
    GET  <FORMKIT_STAFF_REDIRECT_PATH>  the provider's redirect back: the session starts
    POST /behandeling/afmelden       the session ends, and the provider's where it offers that
    GET  /behandeling/afgemeld       logged out

A refused login (`formkit.accounts.LoginRefused`) gets a page saying why, status 400, and
starts no session.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response, Router, get, post
from litestar.response import Redirect

from formkit.accounts import DEVELOPMENT_ROLES, PENDING_LIFETIME, LoginRefused, Pending, Staff
from formkit.render import PageContext
from formkit.settings import Settings
from formkit.web._flow import in_thread
from formkit.web._staff_auth import (
    BASE,
    LOGIN,
    StaffAccess,
    current_session,
    staff_access,
)
from formkit.web.pages import STATIC, PageError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, same_origin_posts
from formkit.web.services import services

log = logging.getLogger("formkit.accounts")
LOGOUT = f"{BASE}/afmelden"
SIGNED_OUT = f"{BASE}/afgemeld"
_DEV_SUBJECT = "csrf:staff-development-login"
_PENDING_SECONDS = int(PENDING_LIFETIME.total_seconds())


@get(f"{BASE}/")
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    session = await current_session(request)
    if session is None:
        return Redirect(LOGIN, status_code=303)
    token = csrf_token(services(request).secret, f"staff-logout:{session.id_hash}")
    return _page(request, "home.html", staff=session.staff, logout=LOGOUT, csrf=token)


@get(LOGIN)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    access = staff_access(request)
    if access.relying_party is None:
        return _development_page(request, access)
    pending = Pending.new(access.sessions.clock())
    try:
        url = await access.relying_party.authorization_url(pending)
    except LoginRefused as refusal:
        return _refused(request, refusal, status=503)
    response = Redirect(url, status_code=303)
    sealed = pending.seal(services(request).secret)
    response.cookies.append(access.cookie(access.login_cookie, sealed, _PENDING_SECONDS))
    return response


async def callback(request: Request[Any, Any, Any]) -> Response[Any]:
    access = staff_access(request)
    if access.relying_party is None:
        raise PageError(
            404, "Pagina niet gevonden", "Aanmelden via een provider is niet ingesteld."
        )
    query = request.query_params
    try:
        pending = Pending.unseal(
            services(request).secret,
            request.cookies.get(access.login_cookie),
            query.get("state"),
            access.sessions.clock(),
        )
        staff = await access.relying_party.finish(
            pending, query.get("code"), query.get("error"), query.get("iss")
        )
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
    access = staff_access(request)
    session = await current_session(request)
    form = await request.form()
    if session is not None:
        subject = f"staff-logout:{session.id_hash}"
        if not csrf_valid(services(request).secret, subject, form.get(CSRF_FIELD)):
            raise PageError(403, "Dit formulier werd niet aanvaard", "Laad de pagina opnieuw.")
        await in_thread(access.sessions.store.delete, session.id_hash)
    after = access.settings.base_url + SIGNED_OUT
    party = access.relying_party
    target = (await party.logout_url(after) if party else None) or SIGNED_OUT
    response = Redirect(target, status_code=303)
    response.cookies.append(access.forget(access.session_cookie))
    return response


@get(SIGNED_OUT)
async def signed_out(request: Request[Any, Any, Any]) -> Response[Any]:
    return _page(request, "signed_out.html", login=LOGIN)


async def _start_session(
    request: Request[Any, Any, Any], access: StaffAccess, staff: Staff
) -> Response[Any]:
    """A new session id at every login; the browser's earlier session and login state end."""
    previous = request.cookies.get(access.session_cookie)
    session_id = await in_thread(access.sessions.start, staff, previous)
    log.info("staff login: %s with roles %s", staff.subject, ", ".join(staff.roles) or "none")
    response = Redirect(f"{BASE}/", status_code=303)
    max_age = int(access.settings.staff_absolute_timeout.total_seconds())
    response.cookies.append(access.cookie(access.session_cookie, session_id, max_age))
    response.cookies.append(access.forget(access.login_cookie))
    return response


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
