"""The ID token check against the provider's published keys: algorithms and key rollover."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey
from tests.oidc.provider import CLIENT_ID, KID, Provider

from formkit.accounts import Expected, Jwks, LoginRefused, discover, verified_claims


def claims(provider: Provider) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    signed = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": "an", "nonce": "n"}
    return signed | {"iat": now, "exp": now + 300}


def check(provider: Provider, token: str) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient() as http:
            metadata = await discover(http, provider.issuer)
            key = await Jwks(http, metadata.jwks_uri).key(KID)
            expected = Expected(provider.issuer, CLIENT_ID, "n")
            return verified_claims(token, key, expected, datetime.now(UTC))

    return asyncio.run(run())


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_a_token_the_provider_signed_passes(provider: Provider) -> None:
    token = jwt.encode({"alg": "RS256", "kid": KID}, claims(provider), provider.key)
    assert check(provider, token)["sub"] == "an"


def test_an_unsigned_token_is_refused(provider: Provider) -> None:
    token = f"{_b64({'alg': 'none', 'kid': KID})}.{_b64(claims(provider))}."
    with pytest.raises(LoginRefused) as refused:
        check(provider, token)
    assert refused.value.reason == "algorithm"


def test_a_token_signed_with_hmac_under_the_public_key_is_refused(provider: Provider) -> None:
    """The classic confusion: the public key, known to all, used as an HMAC secret."""
    public = json.dumps(provider.key.as_dict(private=False)).encode()
    token = jwt.encode({"alg": "HS256", "kid": KID}, claims(provider), OctKey.import_key(public))
    with pytest.raises(LoginRefused) as refused:
        check(provider, token)
    assert refused.value.reason == "algorithm"


def test_keys_are_fetched_once_and_again_only_for_an_unknown_kid(provider: Provider) -> None:
    fetched: list[str] = []

    async def run() -> None:
        async def count(request: httpx.Request) -> None:
            fetched.append(request.url.path)

        async with httpx.AsyncClient(event_hooks={"request": [count]}) as http:
            jwks = Jwks(http, f"{provider.issuer}/jwks")
            await jwks.key(KID)
            await jwks.key(KID)
            assert fetched == ["/jwks"]
            with pytest.raises(LoginRefused):
                await jwks.key("a-key-never-published")
            assert fetched == ["/jwks", "/jwks"]

    asyncio.run(run())


def test_discovery_must_name_the_issuer_configured(provider: Provider) -> None:
    async def run() -> None:
        async with httpx.AsyncClient() as http:
            await discover(http, provider.issuer + "/")

    with pytest.raises(LoginRefused):
        asyncio.run(run())
