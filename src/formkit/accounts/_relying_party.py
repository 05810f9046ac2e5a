"""Formkit as an OpenID Connect relying party: the authorization code flow with PKCE.

One relying party per provider and client: staff at the city's provider, citizens at the
federal authentication service. What the checked claims make of the person (a `Staff`, a
`Citizen`) is the caller's `principal` function; it refuses claims it cannot use.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import httpx

from formkit.accounts._idtoken import Expected, header, verified_claims
from formkit.accounts._pending import Pending
from formkit.accounts._provider import Client, Jwks, Metadata, discover, exchange_code
from formkit.accounts._refusals import LoginRefused

log = logging.getLogger("formkit.accounts")
SCOPE = "openid profile"
P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    issuer: str
    client: Client
    scope: str = SCOPE


class RelyingParty(Generic[P]):
    def __init__(
        self,
        config: ProviderConfig,
        principal: Callable[[Mapping[str, Any]], P],
        http: httpx.AsyncClient,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.principal = principal  # who the checked claims say logged in
        self.http = http
        self.clock = clock
        self._metadata: Metadata | None = None
        self._jwks: Jwks | None = None
        self._lock = asyncio.Lock()

    async def metadata(self) -> Metadata:
        """Discovered on first use, then kept: a provider's endpoints do not move."""
        async with self._lock:
            if self._metadata is None:
                self._metadata = await discover(self.http, self.config.issuer)
                self._jwks = Jwks(self.http, self._metadata.jwks_uri)
            return self._metadata

    async def authorization_url(self, pending: Pending) -> str:
        metadata = await self.metadata()
        query = {
            "response_type": "code",
            "client_id": self.config.client.client_id,
            "redirect_uri": self.config.client.redirect_uri,
            "scope": self.config.scope,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": pending.challenge,
            "code_challenge_method": "S256",
        }
        return f"{metadata.authorization_endpoint}?{urlencode(query)}"

    async def finish(
        self, pending: Pending, code: str | None, error: str | None, iss: str | None = None
    ) -> P:
        """Who logged in, once the code is exchanged and the ID token checked.

        `iss`: the issuer the redirect names (RFC 9207), when the provider sends one: a code
        from another provider must not be taken to ours (a mix-up attack).
        """
        if error or not code:
            raise LoginRefused("denied", error or "no code")
        metadata = await self.metadata()
        if iss is not None and iss != metadata.issuer:
            raise LoginRefused("issuer", f"the redirect names {iss!r}")
        token = await exchange_code(self.http, metadata, self.config.client, code, pending.verifier)
        assert self._jwks is not None  # set with the metadata
        key = await self._jwks.key(header(token).get("kid"))
        expected = Expected(metadata.issuer, self.config.client.client_id, pending.nonce)
        return self.principal(verified_claims(token, key, expected, self.clock()))

    async def logout_url(self, after: str) -> str | None:
        """Where to end the provider's session too, when it offers that (RP-initiated logout)."""
        try:
            endpoint = (await self.metadata()).end_session_endpoint
        except LoginRefused:
            log.warning("provider unreachable at logout: its session stays")
            return None
        if not endpoint:
            return None
        query = {"client_id": self.config.client.client_id, "post_logout_redirect_uri": after}
        return f"{endpoint}?{urlencode(query)}"
