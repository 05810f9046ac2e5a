"""Logging in with the eID card through Web eID: the challenge nonce and the token's check.

The Web eID browser extension answers `authenticate(challengeNonce)` with an authentication
token (format "web-eid:1.0", or "web-eid:1.1" with fields formkit does not need):

    {"unverifiedCertificate": base64 DER, "algorithm": "ES384", "signature": base64,
     "format": "web-eid:1.0", "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0"}

The card's Authentication key signs `hash(origin) || hash(nonce)` (both UTF-8 strings, the
hash being the algorithm's), and the algorithm hashes that again, as JWS does. Binding the
origin means a token made on another site (a phishing copy of this one) never verifies here;
binding the nonce, which the server issued once and keeps, means a token is good for one login.

The checks run in the order of `_verify`: the token's shape (`malformed`), the signature
(`bad-signature`: tampered, another origin, another nonce), the key's role (`wrong-key`: the
Signature key, or a certificate not for client authentication), then the chain now
(`expired`, `revoked`, `untrusted`, `revocation-unknown`). Each refusal is a `SignatureRefused`.
Keeping the nonce, single use and expiry are the caller's (`formkit.store.challenges`).
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import InvalidCertificateError
from pyhanko_certvalidator.validate import validate_usage

from formkit.eid._certificates import SIGNATURE_POLICY, SignerIdentity, has_policy, identity_of
from formkit.eid._digests import ecdsa_raw_to_der
from formkit.eid._verify import (
    Certificate,
    RevocationList,
    SignatureRefused,
    asn1_certificate,
    check_chain,
    der_bytes,
    load_certificate,
)

NONCE_BYTES = 32  # 256 bits, as Web eID asks at least
MAX_TOKEN_CHARS = 16_000  # a token with its certificate is about 3 KB
_FORMAT = re.compile(r"web-eid:1(\.\d+)?")
_HASHES: dict[str, hashes.HashAlgorithm] = {
    "256": hashes.SHA256(),
    "384": hashes.SHA384(),
    "512": hashes.SHA512(),
}
ALGORITHMS = tuple(f"{family}{bits}" for family in ("ES", "RS", "PS") for bits in _HASHES)


def new_nonce() -> str:
    """A fresh challenge nonce: 256 random bits in base64 (44 characters, as Web eID wants)."""
    return base64.b64encode(secrets.token_bytes(NONCE_BYTES)).decode("ascii")


@dataclass(frozen=True, slots=True)
class AuthToken:
    """What the extension answered; nothing in it is trusted before `verify_auth_token`."""

    certificate: bytes = field(repr=False)  # DER; its subject holds the national number
    algorithm: str
    signature: bytes = field(repr=False)
    format: str
    app_version: str = ""

    @classmethod
    def from_json(cls, document: Any) -> AuthToken:
        """From the token's JSON object; SignatureRefused("malformed") when it is no token."""
        if not isinstance(document, Mapping):
            raise SignatureRefused("malformed", "the token is not a JSON object")
        texts = {
            name: document.get(name)
            for name in ("unverifiedCertificate", "algorithm", "signature", "format")
        }
        missing = sorted(name for name, value in texts.items() if not isinstance(value, str))
        if missing:
            raise SignatureRefused("malformed", f"the token lacks {', '.join(missing)}")
        if not _FORMAT.fullmatch(str(texts["format"])):
            raise SignatureRefused("malformed", "the token's format is not web-eid:1")
        if texts["algorithm"] not in ALGORITHMS:
            raise SignatureRefused("malformed", "the token's algorithm is not one Web eID uses")
        version = document.get("appVersion")
        return cls(
            certificate=_base64(str(texts["unverifiedCertificate"]), "unverifiedCertificate"),
            algorithm=str(texts["algorithm"]),
            signature=_base64(str(texts["signature"]), "signature"),
            format=str(texts["format"]),
            app_version=version if isinstance(version, str) else "",
        )


def signed_data(origin: str, nonce: str, algorithm: str) -> bytes:
    """What the card signs (before the algorithm's own hash): hash(origin) || hash(nonce)."""
    hash_algorithm = _HASHES[algorithm[2:]]
    return _hash(hash_algorithm, origin.encode()) + _hash(hash_algorithm, nonce.encode())


async def verify_auth_token(
    token: AuthToken,
    *,
    origin: str,
    nonce: str,
    trust_roots: Iterable[Certificate],
    intermediates: Iterable[Certificate] = (),
    at: datetime,
    crls: Iterable[RevocationList] = (),
    revocation_required: bool,
) -> SignerIdentity:
    """The holder of the eID card that answered `nonce` on `origin`, or SignatureRefused.

    `origin` is this site's as the browser names it (`https://loket.mechelen.be`, no path);
    `nonce` the challenge the server gave this browser and has just taken back, unused.
    """
    certificate = load_certificate(token.certificate)
    _check_signature(certificate, token, signed_data(origin, nonce, token.algorithm))
    _check_authentication_key(token.certificate, certificate)
    context = ValidationContext(
        trust_roots=[asn1_certificate(root) for root in trust_roots],
        other_certs=[asn1_certificate(other) for other in intermediates],
        moment=at,
        crls=[der_bytes(crl) for crl in crls],
        revocation_mode="require" if revocation_required else "soft-fail",
    )
    await check_chain(
        CertificateValidator(asn1_certificate(token.certificate), validation_context=context)
    )
    try:
        return identity_of(certificate)
    except ValueError as error:
        raise SignatureRefused("malformed", f"certificate subject: {error}") from None


def _check_signature(certificate: x509.Certificate, token: AuthToken, data: bytes) -> None:
    family, hash_algorithm = token.algorithm[:2], _HASHES[token.algorithm[2:]]
    key = certificate.public_key()
    try:
        if family == "ES" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(token.signature) != 2 * ((key.curve.key_size + 7) // 8):
                raise SignatureRefused("malformed", f"not an r||s signature for {key.curve.name}")
            key.verify(ecdsa_raw_to_der(token.signature), data, ec.ECDSA(hash_algorithm))
        elif family in ("RS", "PS") and isinstance(key, rsa.RSAPublicKey):
            key.verify(token.signature, data, _rsa_padding(family, hash_algorithm), hash_algorithm)
        else:
            raise SignatureRefused("malformed", f"{token.algorithm} does not fit the key")
    except InvalidSignature:
        raise SignatureRefused("bad-signature", "the signature does not match") from None


def _rsa_padding(family: str, hash_algorithm: hashes.HashAlgorithm) -> padding.AsymmetricPadding:
    if family == "RS":
        return padding.PKCS1v15()
    # JWS PS*: MGF1 with the same hash, a salt as long as the digest (RFC 7518, 3.5).
    return padding.PSS(padding.MGF1(hash_algorithm), hash_algorithm.digest_size)


def _check_authentication_key(der: bytes, certificate: x509.Certificate) -> None:
    """The Authentication key logs in: digitalSignature, clientAuth, not the signature policy."""
    try:
        validate_usage(asn1_certificate(der), {"digital_signature"}, {"client_auth"}, False)
    except InvalidCertificateError:
        raise SignatureRefused(
            "wrong-key", "the certificate is not for client authentication"
        ) from None
    if has_policy(certificate, SIGNATURE_POLICY):
        raise SignatureRefused("wrong-key", "the certificate is for signing") from None


def _hash(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(data)
    return digest.finalize()


def _base64(text: str, name: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise SignatureRefused("malformed", f"the token's {name} is not base64") from None
