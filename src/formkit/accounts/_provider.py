"""Talking to the OpenID Connect provider: discovery, its keys, and the token endpoint."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from formkit.accounts._refusals import LoginRefused

log = logging.getLogger("formkit.accounts")
DISCOVERY = "/.well-known/openid-configuration"


@dataclass(frozen=True, slots=True)
class Metadata:
    """What discovery tells about the provider, as far as a relying party needs it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


async def discover(http: httpx.AsyncClient, issuer: str) -> Metadata:
    """The provider's metadata; its `issuer` must be exactly the one configured (RFC 8414)."""
    document = await _get_json(http, issuer.rstrip("/") + DISCOVERY)
    try:
        metadata = Metadata(
            issuer=document["issuer"],
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            jwks_uri=document["jwks_uri"],
            end_session_endpoint=document.get("end_session_endpoint"),
        )
    except KeyError as missing:
        raise LoginRefused("provider", f"discovery lacks {missing}") from None
    if metadata.issuer != issuer:
        raise LoginRefused("provider", f"discovery names issuer {metadata.issuer!r}")
    return metadata


class Jwks:
    """The provider's signing keys, fetched once and again only for a key id not seen yet.

    A provider rolls its keys over by publishing the new one before signing with it; asking
    again on an unknown kid picks it up without a restart, and asking only then keeps a flood
    of forged tokens from becoming a flood of requests to the provider.
    """

    def __init__(self, http: httpx.AsyncClient, uri: str) -> None:
        self.http = http
        self.uri = uri
        self._keys: KeySet | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> Key:
        keys = self._keys or await self._fetch(None)
        found = _find(keys, kid)
        if found is None:
            found = _find(await self._fetch(keys), kid)
        if found is None:
            raise LoginRefused("signature", f"no key {kid!r} at {self.uri}")
        return found

    async def _fetch(self, stale: KeySet | None) -> KeySet:
        async with self._lock:
            if self._keys is None or self._keys is stale:
                document = await _get_json(self.http, self.uri)
                try:
                    self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
                except (JoseError, ValueError, TypeError) as error:
                    raise LoginRefused("provider", f"unreadable JWKS: {error}") from None
            return self._keys


def _find(keys: KeySet, kid: str | None) -> Key | None:
    if kid is None:
        return keys.keys[0] if len(keys.keys) == 1 else None
    return next((key for key in keys.keys if key.kid == kid), None)


@dataclass(frozen=True, slots=True)
class Client:
    """Formkit as the provider knows it."""

    client_id: str
    client_secret: str
    redirect_uri: str


async def exchange_code(
    http: httpx.AsyncClient, metadata: Metadata, client: Client, code: str, verifier: str
) -> str:
    """The ID token for an authorization code; a code used before is refused by the provider."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": client.redirect_uri,
        "code_verifier": verifier,
    }
    auth = httpx.BasicAuth(client.client_id, client.client_secret)
    try:
        response = await http.post(metadata.token_endpoint, data=form, auth=auth)
    except httpx.HTTPError as error:
        raise LoginRefused("provider", f"token endpoint: {error}") from None
    if response.status_code in (400, 401):
        raise LoginRefused("code", f"token endpoint said {response.text[:300]}")
    body = _json(response)
    token = body.get("id_token")
    if not isinstance(token, str):
        raise LoginRefused("provider", "the token response has no id_token")
    return token


async def _get_json(http: httpx.AsyncClient, url: str) -> Mapping[str, Any]:
    try:
        response = await http.get(url)
    except httpx.HTTPError as error:
        raise LoginRefused("provider", f"{url}: {error}") from None
    return _json(response)


def _json(response: httpx.Response) -> Mapping[str, Any]:
    if response.status_code != 200:
        raise LoginRefused("provider", f"{response.url} answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise LoginRefused("provider", f"{response.url} sent no JSON") from None
    if not isinstance(body, dict):
        raise LoginRefused("provider", f"{response.url} sent no JSON object")
    return body
