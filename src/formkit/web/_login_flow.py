"""The steps of a login both kinds of person share (staff, citizens), on their `Access`.

    response = await to_provider(request, access)        # 303 to the provider's login
    person = await returned(request, access)             # the callback: or LoginRefused
    response = await start_session(request, access, person, home)
    response = await end_session(request, access, signed_out)   # 303, to the provider too

A refused login (`formkit.accounts.LoginRefused`) gets the page of the caller; none of these
starts a session for it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from litestar import Request, Response
from litestar.response import Redirect

from formkit.accounts import PENDING_LIFETIME, Pending, Session
from formkit.web._access import Access
from formkit.web._flow import in_thread
from formkit.web.pages import PageError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid
from formkit.web.services import services

P = TypeVar("P")
_PENDING_SECONDS = int(PENDING_LIFETIME.total_seconds())


async def to_provider(request: Request[Any, Any, Any], access: Access[P]) -> Response[Any]:
    """To the provider's login, with state, nonce and PKCE verifier sealed in a cookie."""
    assert access.relying_party is not None
    pending = Pending.new(access.sessions.clock())
    url = await access.relying_party.authorization_url(pending)
    response = Redirect(url, status_code=303)
    sealed = pending.seal(services(request).secret, access.kind)
    response.cookies.append(access.cookie(access.login_cookie, sealed, _PENDING_SECONDS))
    return response


async def returned(request: Request[Any, Any, Any], access: Access[P]) -> P:
    """Who the provider's redirect back says logged in, once everything checked out."""
    if access.relying_party is None:
        raise PageError(
            404, "Pagina niet gevonden", "Aanmelden via een provider is niet ingesteld."
        )
    query = request.query_params
    pending = Pending.unseal(
        services(request).secret,
        access.kind,
        request.cookies.get(access.login_cookie),
        query.get("state"),
        access.sessions.clock(),
    )
    return await access.relying_party.finish(
        pending, query.get("code"), query.get("error"), query.get("iss")
    )


async def start_session(
    request: Request[Any, Any, Any], access: Access[P], person: P, home: str
) -> Response[Any]:
    """A new session id at every login; the browser's earlier session and login state end."""
    previous = request.cookies.get(access.session_cookie)
    session_id = await in_thread(access.sessions.start, person, previous)
    response = Redirect(home, status_code=303)
    response.cookies.append(
        access.cookie(access.session_cookie, session_id, access.session_max_age)
    )
    response.cookies.append(access.forget(access.login_cookie))
    return response


def logout_token(request: Request[Any, Any, Any], access: Access[P], session: Session[P]) -> str:
    """The CSRF token of the logout form on a page of this session."""
    return csrf_token(services(request).secret, _logout_subject(access, session))


def _logout_subject(access: Access[P], session: Session[P]) -> str:
    return f"{access.kind}-logout:{session.id_hash}"


async def end_session(
    request: Request[Any, Any, Any], access: Access[P], signed_out: str, at_provider: bool = True
) -> Response[Any]:
    """The session ends here, then at the provider where it offers that; then `signed_out`.

    Without `at_provider` (a login the provider never saw: the citizen's eID card) it ends
    here only.
    """
    session = await access.current(request)
    form = await request.form()
    if session is not None:
        subject = _logout_subject(access, session)
        if not csrf_valid(services(request).secret, subject, form.get(CSRF_FIELD)):
            raise PageError(403, "Dit formulier werd niet aanvaard", "Laad de pagina opnieuw.")
        await in_thread(access.sessions.store.delete, session.id_hash)
    after = access.settings.base_url + signed_out
    party = access.relying_party if at_provider else None
    target = (await party.logout_url(after) if party else None) or signed_out
    response = Redirect(target, status_code=303)
    response.cookies.append(access.forget(access.session_cookie))
    return response
