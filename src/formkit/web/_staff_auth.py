"""Who is logged in as staff: the session cookie, and guards for handlers that need a role.

    staff = await current_staff(request)        # Staff | None
    staff = await require_role(request, "beslisser")   # or an error page: 401, or 403

The cookie holds a random session id; the database only its hash (`formkit.accounts`). Over
https the cookie is `__Host-` prefixed (Secure, Path=/, no Domain: no sibling site can set or
shadow it); over http on loopback, as `make run` serves, a browser refuses that prefix, so it
goes by its plain name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from anyio import to_thread
from litestar import Request
from litestar.datastructures import Cookie
from sqlalchemy.engine import Engine

from formkit.accounts import Client, ProviderConfig, RelyingParty, Session, Sessions, Staff
from formkit.settings import Settings, is_loopback
from formkit.store.staff_sessions import SqlSessionStore

BASE = "/behandeling"
LOGIN = f"{BASE}/aanmelden"
_SESSION_KEY = "formkit_staff_session"
_FORWARDING_HEADERS = (
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-real-ip",
)  # where a request keeps its session once looked up


@dataclass(frozen=True, slots=True)
class StaffAccess:
    """Staff sessions, and the provider they log in at (None: none configured)."""

    sessions: Sessions
    relying_party: RelyingParty | None
    settings: Settings

    @classmethod
    def build(
        cls,
        settings: Settings,
        engine: Engine,
        clock: Callable[[], datetime] | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> StaffAccess:
        clock = clock or (lambda: datetime.now(UTC))
        store = SqlSessionStore(engine)
        sessions = Sessions(
            store, settings.staff_idle_timeout, settings.staff_absolute_timeout, clock
        )
        party = None
        if settings.staff_issuer:
            http = http or httpx.AsyncClient(timeout=10.0)
            party = RelyingParty(_provider_config(settings), http, clock)
        return cls(sessions, party, settings)

    async def aclose(self) -> None:
        """Close the connections to the provider: in the loop that opened them."""
        if self.relying_party is not None:
            await self.relying_party.http.aclose()

    def development_login(self, request: Request[Any, Any, Any]) -> bool:
        """Offered only without a provider, on a server no other machine can reach.

        The request must say so too: a reverse proxy in front of a server left on its
        loopback defaults forwards other hosts' requests, and names them in its headers.
        """
        if self.relying_party is not None or not self.settings.loopback_only:
            return False
        host = urlsplit("//" + request.headers.get("host", "")).hostname or ""
        proxied = any(name in request.headers for name in _FORWARDING_HEADERS)
        return is_loopback(host) and not proxied

    @property
    def session_cookie(self) -> str:
        return _cookie_name("formkit-staff", self.settings)

    @property
    def login_cookie(self) -> str:
        return _cookie_name("formkit-staff-login", self.settings)

    def cookie(self, name: str, value: str, max_age: int) -> Cookie:
        return Cookie(
            key=name,
            value=value,
            max_age=max_age,
            path="/",
            httponly=True,
            secure=self.settings.secure_cookies,
            samesite="lax",  # sent on the provider's top-level redirect back, not on posts
        )

    def forget(self, name: str) -> Cookie:
        return self.cookie(name, "", 0)


def _cookie_name(name: str, settings: Settings) -> str:
    return f"__Host-{name}" if settings.secure_cookies else name


def _provider_config(settings: Settings) -> ProviderConfig:
    client = Client(
        settings.staff_client_id,
        settings.staff_client_secret,
        settings.base_url + settings.staff_redirect_path,
    )
    return ProviderConfig(
        settings.staff_issuer,
        client,
        settings.staff_groups_claim,
        settings.staff_role_map,
        settings.staff_scope,
    )


def staff_access(request: Request[Any, Any, Any]) -> StaffAccess:
    access: StaffAccess = request.app.state.services.staff
    return access


async def current_session(request: Request[Any, Any, Any]) -> Session | None:
    """The live session of the request's cookie, looked up once per request."""
    if _SESSION_KEY not in request.scope["state"]:
        access = staff_access(request)
        session_id = request.cookies.get(access.session_cookie)
        found = await to_thread.run_sync(access.sessions.current, session_id)
        request.scope["state"][_SESSION_KEY] = found
    session: Session | None = request.scope["state"][_SESSION_KEY]
    return session


async def current_staff(request: Request[Any, Any, Any]) -> Staff | None:
    session = await current_session(request)
    return None if session is None else session.staff


async def require_role(request: Request[Any, Any, Any], role: str | None = None) -> Staff:
    """The logged-in staff member holding `role` (any role when None); else an error page."""
    from formkit.web.pages import PageError  # the pages' error page, without a cycle

    staff = await current_staff(request)
    if staff is None:
        raise PageError(
            401,
            "Meld u eerst aan",
            "Deze pagina is alleen voor medewerkers. Meld u aan via /behandeling/aanmelden.",
        )
    if role is not None and not staff.has_role(role):
        raise PageError(403, "Geen toegang", "U heeft niet de rol die deze pagina vraagt.")
    return staff
