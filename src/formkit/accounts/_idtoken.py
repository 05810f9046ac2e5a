"""Checking an ID token: its signature under the provider's published keys, then its claims.

Only asymmetric algorithms count: `alg: none` and the HMAC family (which would let anyone who
knows the provider's public key sign) are refused before any key is touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import Key

from formkit.accounts._refusals import LoginRefused

ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# Clocks of two servers differ a little; a minute is what most relying parties allow.
LEEWAY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Expected:
    """What the claims must say for this login."""

    issuer: str
    audience: str  # our client id
    nonce: str


def header(token: str) -> Mapping[str, Any]:
    try:
        return jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError) as error:
        raise LoginRefused("signature", f"unreadable token: {error}") from None


def algorithm(token: str) -> str:
    alg = header(token).get("alg")
    if alg not in ALGORITHMS:
        raise LoginRefused("algorithm", f"alg {alg!r}")
    return str(alg)


def verified_claims(token: str, key: Key, expected: Expected, now: datetime) -> dict[str, Any]:
    """The claims, once the signature under `key` and every claim checked out."""
    alg = algorithm(token)
    try:
        claims = dict(jwt.decode(token, key, algorithms=[alg]).claims)
    except JoseError as error:
        raise LoginRefused("signature", str(error)) from None
    _check(claims, expected, now.timestamp())
    return claims


def _check(claims: Mapping[str, Any], expected: Expected, now: float) -> None:
    if claims.get("iss") != expected.issuer:
        raise LoginRefused("issuer", repr(claims.get("iss")))
    audiences = _audiences(claims)
    if expected.audience not in audiences:
        raise LoginRefused("audience", repr(claims.get("aud")))
    if len(audiences) > 1 and claims.get("azp") != expected.audience:
        # Issued to another party that also names us (OpenID Connect Core 3.1.3.7).
        raise LoginRefused("audience", f"azp {claims.get('azp')!r}")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise LoginRefused("claims", "exp and iat are required")
    if not isinstance(claims.get("sub"), str):
        raise LoginRefused("claims", "sub is required")
    leeway = LEEWAY.total_seconds()
    if exp + leeway <= now:
        raise LoginRefused("expired", f"exp {exp}")
    if iat - leeway > now:
        raise LoginRefused("expired", f"iat {iat} lies in the future")
    if claims.get("nonce") != expected.nonce:
        raise LoginRefused("nonce", "the nonce is not this login's")


def _audiences(claims: Mapping[str, Any]) -> list[Any]:
    aud = claims.get("aud")
    return aud if isinstance(aud, list) else [aud]
