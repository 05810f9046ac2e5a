"""One kind of login (staff, citizens): its sessions, its provider, its cookies.

    access = Access.build("citizen", settings, store, principal, provider, clock, http)
    session = await access.current(request)          # Session[P] | None, once per request

The session cookie holds a random session id; the database only its hash (`formkit.accounts`).
Over https the cookies are `__Host-` prefixed (Secure, Path=/, no Domain: no sibling site can
set or shadow them); over http on loopback, as `make run` serves, a browser refuses that
prefix, so they go by their plain names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
from anyio import to_thread
from litestar import Request
from litestar.datastructures import Cookie

from formkit.accounts import ProviderConfig, RelyingParty, Session, Sessions, SessionStore
from formkit.settings import Settings, is_loopback

P = TypeVar("P")
_FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


@dataclass(frozen=True, slots=True)
class Access(Generic[P]):
    """Sessions of one kind of person, and the provider they log in at (None: none set)."""

    kind: str  # "staff" or "citizen": names the cookies, and seals the login under way
    sessions: Sessions[P]
    relying_party: RelyingParty[P] | None
    settings: Settings

    @classmethod
    def build(
        cls,
        kind: str,
        settings: Settings,
        store: SessionStore[P],
        principal: Callable[[Mapping[str, Any]], P],
        provider: ProviderConfig | None,
        clock: Callable[[], datetime] | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> Access[P]:
        """`<kind>_idle_timeout` and `<kind>_absolute_timeout` of the settings bound them."""
        clock = clock or (lambda: datetime.now(UTC))
        idle = getattr(settings, f"{kind}_idle_timeout")
        absolute = getattr(settings, f"{kind}_absolute_timeout")
        sessions = Sessions(store, idle, absolute, clock)
        party = None
        if provider is not None:
            http = http or httpx.AsyncClient(timeout=10.0)
            party = RelyingParty(provider, principal, http, clock)
        return cls(kind, sessions, party, settings)

    async def aclose(self) -> None:
        """Close the connections to the provider: in the loop that opened them."""
        if self.relying_party is not None:
            await self.relying_party.http.aclose()

    async def current(self, request: Request[Any, Any, Any]) -> Session[P] | None:
        """The live session of the request's cookie, looked up once per request."""
        key = f"formkit_{self.kind}_session"
        if key not in request.scope["state"]:
            session_id = request.cookies.get(self.session_cookie)
            found = await to_thread.run_sync(self.sessions.current, session_id)
            request.scope["state"][key] = found
        session: Session[P] | None = request.scope["state"][key]
        return session

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
        return self.cookie_name(f"formkit-{self.kind}")

    @property
    def login_cookie(self) -> str:
        return self.cookie_name(f"formkit-{self.kind}-login")

    @property
    def session_max_age(self) -> int:
        return int(self.sessions.absolute.total_seconds())

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

    def cookie_name(self, name: str) -> str:
        """`name` as this server's cookies go: `__Host-` prefixed over https."""
        return f"__Host-{name}" if self.settings.secure_cookies else name
