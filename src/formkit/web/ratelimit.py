"""How fast one client may ask: 429 with `Retry-After` on /verificatie, /aanvullen, the API and
the citizens' eID login.

Requests with a valid API key count per key, under a generous limit: an integrator filing in
bulk is not stopped by a limit meant for scrapers. Every other request on those paths counts
per client address: the look-ups and checks of /verificatie, the completion pages (whose
address holds a token: guessing one must be slow), and API calls without a key or with a
wrong one. An IPv6 client counts per /64 network, since one machine may hold a whole
/64 and take a fresh address for every request. The client address is the connection's peer;
behind a reverse proxy it is the one the proxy names in `X-Forwarded-For`, but only for the
proxies in `FORMKIT_TRUSTED_PROXIES` (`formkit serve` hands them to uvicorn).

Each process counts on its own, in memory (`_limiter`): with `FORMKIT_WORKERS=n` a client may
get up to n times the limit. That bounds what a limit must stop (enumeration, a flood of
CPU-heavy receipt checks) without a database write per request.

Litestar's own RateLimitMiddleware was not taken: it sends no `Retry-After`, reads the wall
clock itself (no clock for tests), keeps and re-encodes a list of every request time per
client (thousands for an integrator's key, on each request) behind one lock for all clients,
and decides the client before the API key is known.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from formkit.store.apikeys import ApiKey, ApiKeys
from formkit.web._limiter import RateLimits
from formkit.web.api import bearer_token
from formkit.web.problems import ProblemError

# The eID login: each challenge is a row written, each token a certificate chain checked.
LIMITED_PATHS = ("/verificatie", "/aanvullen", "/api", "/mijn-dossiers/aanmelden/eid")


class RateLimitMiddleware(ASGIMiddleware):
    """Refuse a request over its client's limit with 429 `too-many-requests`."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, limits: RateLimits, api_keys: ApiKeys) -> None:
        self.limits = limits
        self.api_keys = api_keys
        self.should_bypass_for_scope = _unlimited

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        wait = self._wait(scope)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ProblemError(
                "too-many-requests",
                f"U stuurde te veel aanvragen kort na elkaar. Probeer het over {seconds} "
                f"{'seconde' if seconds == 1 else 'seconden'} opnieuw.",
                headers={"Retry-After": str(seconds)},
            )
        await next_app(scope, receive, send)

    def _wait(self, scope: Scope) -> float:
        key = self._api_key(scope) if _under(scope, "/api") else None
        if key is not None:
            return self.limits.per_key.take(key.id)
        return self.limits.per_address.take(client_address(scope))

    def _api_key(self, scope: Scope) -> ApiKey | None:
        """The request's valid API key (remembered by `ApiKeys` for the handler to ask again)."""
        token = bearer_token(ASGIConnection[Any, Any, Any, Any](scope))
        return self.api_keys.authenticate(token) if token else None


# Each post of these queues an e-mail to an address anyone may type: slow, not a mail cannon.
LIMITED_ENDINGS = ("/link-mailen",)


def _unlimited(scope: Scope) -> bool:
    if str(scope["path"]).endswith(LIMITED_ENDINGS):
        return False
    return not any(_under(scope, root) for root in LIMITED_PATHS)


def _under(scope: Scope, root: str) -> bool:
    path: str = scope["path"]
    return path == root or path.startswith(root + "/")


def client_address(scope: Scope) -> str:
    """Whom a request counts against: its client's IPv4 address, or IPv6 /64 network."""
    client = scope.get("client")
    host: str = client[0] if client else ""
    if ":" not in host:
        return host  # IPv4 as the server wrote it, or no address (a test client, a socket)
    try:
        address = ipaddress.IPv6Address(host)
    except ValueError:
        return host
    if address.ipv4_mapped is not None:  # an IPv4 client of a dual-stack socket
        return str(address.ipv4_mapped)
    return f"{int(address) >> 64:016x}/64"
