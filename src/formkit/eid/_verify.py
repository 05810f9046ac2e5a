"""Verify a digest signed with a Belgian eID card, and name its holder.

The checks run from cheap and local to the chain, and the first that fails decides the refusal:

1. `malformed`: the certificate is no X.509 DER, the digest does not fit its hash, the
   signature does not have the shape of the key's signatures (r||s, or the modulus length).
2. `bad-signature`: the signature does not verify with the certificate's key over this digest
   (tampered data, another document, another key).
3. `wrong-key`: the certificate is not for signing: its key usage lacks nonRepudiation, or it
   carries the authentication policy (the citizen used the Authentication key).
4. With pyhanko-certvalidator, at the moment of signing: `expired` (the certificate or its CA
   was not valid then), `revoked` (a CRL or OCSP response says so), `untrusted` (no path to a
   trust root), `revocation-unknown` (revocation data was required and is missing or stale).

`verify_signed_digest` runs the chain check on its own event loop; async callers (web
handlers) await `verify_signed_digest_async` instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509 import ocsp
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.validate import validate_usage

from formkit._errors import FormkitError
from formkit.eid._certificates import SignerIdentity, has_authentication_policy, identity_of
from formkit.eid._digests import DigestError, check_digest, ecdsa_raw_to_der

RefusalCode = Literal[
    "malformed",
    "bad-signature",
    "wrong-key",
    "expired",
    "revoked",
    "untrusted",
    "revocation-unknown",
]
Certificate = x509.Certificate | bytes
RevocationList = x509.CertificateRevocationList | bytes
OcspResponse = ocsp.OCSPResponse | bytes


class SignatureRefused(FormkitError):  # noqa: N818 (a refusal, not a programming error)
    """An eID signature formkit does not accept; `code` says why, in a stable word.

    The message is English and meant for logs and operators; it never holds the national
    register number. What a citizen reads is chosen from `code`.
    """

    def __init__(self, code: RefusalCode, detail: str) -> None:
        self.code: RefusalCode = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


def verify_signed_digest(
    digest: bytes,
    hash_name: str,
    signature: bytes,
    certificate_der: bytes,
    *,
    trust_roots: Iterable[Certificate],
    intermediates: Iterable[Certificate] = (),
    at: datetime,
    crls: Iterable[RevocationList] = (),
    ocsps: Iterable[OcspResponse] = (),
    revocation_required: bool,
) -> SignerIdentity:
    """The holder of the eID Signature key that signed `digest` at `at`, or SignatureRefused.

    `signature` is what the card returns: r||s for an EC key, PKCS#1 v1.5 for RSA.
    `trust_roots` and `intermediates` are certificates (objects or DER); `crls` and `ocsps` are
    revocation data gathered at `at`. With `revocation_required`, every certificate below the
    root needs a CRL or OCSP response covering it; without, revocation data is used when given.
    Not for use inside a running event loop: await `verify_signed_digest_async` there.
    """
    return asyncio.run(
        verify_signed_digest_async(
            digest,
            hash_name,
            signature,
            certificate_der,
            trust_roots=trust_roots,
            intermediates=intermediates,
            at=at,
            crls=crls,
            ocsps=ocsps,
            revocation_required=revocation_required,
        )
    )


async def verify_signed_digest_async(
    digest: bytes,
    hash_name: str,
    signature: bytes,
    certificate_der: bytes,
    *,
    trust_roots: Iterable[Certificate],
    intermediates: Iterable[Certificate] = (),
    at: datetime,
    crls: Iterable[RevocationList] = (),
    ocsps: Iterable[OcspResponse] = (),
    revocation_required: bool,
) -> SignerIdentity:
    """`verify_signed_digest` for async callers."""
    certificate = load_certificate(certificate_der)
    _check_signature(certificate, digest, hash_name, signature)
    _check_signing_key(certificate_der, certificate)
    context = ValidationContext(
        trust_roots=[asn1_certificate(root) for root in trust_roots],
        other_certs=[asn1_certificate(other) for other in intermediates],
        moment=at,
        crls=[der_bytes(crl) for crl in crls],
        ocsps=[der_bytes(response) for response in ocsps],
        revocation_mode="require" if revocation_required else "soft-fail",
        # The CRL or OCSP response is fetched after the card signed, so it is issued after
        # `at`: it still tells whether the certificate was revoked at `at`.
        retroactive_revinfo=True,
    )
    await check_chain(
        CertificateValidator(asn1_certificate(certificate_der), validation_context=context)
    )
    try:
        return identity_of(certificate)
    except ValueError as error:
        raise SignatureRefused("malformed", f"certificate subject: {error}") from None


def load_certificate(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise SignatureRefused("malformed", "the certificate is not X.509 DER") from None


def _check_signature(
    certificate: x509.Certificate, digest: bytes, hash_name: str, signature: bytes
) -> None:
    try:
        algorithm = check_digest(digest, hash_name)
    except DigestError as error:
        raise SignatureRefused("malformed", str(error)) from None
    key = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            _verify_ecdsa(key, signature, digest, algorithm)
        elif isinstance(key, rsa.RSAPublicKey):
            _verify_rsa(key, signature, digest, algorithm)
        else:
            raise SignatureRefused("malformed", f"unsupported key type {type(key).__name__}")
    except InvalidSignature:
        raise SignatureRefused("bad-signature", "the signature does not match") from None


def _verify_ecdsa(
    key: ec.EllipticCurvePublicKey, signature: bytes, digest: bytes, algorithm: hashes.HashAlgorithm
) -> None:
    if len(signature) != 2 * ((key.curve.key_size + 7) // 8):
        raise SignatureRefused("malformed", f"not an r||s signature for {key.curve.name}")
    key.verify(ecdsa_raw_to_der(signature), digest, ec.ECDSA(Prehashed(algorithm)))


def _verify_rsa(
    key: rsa.RSAPublicKey, signature: bytes, digest: bytes, algorithm: hashes.HashAlgorithm
) -> None:
    if len(signature) != (key.key_size + 7) // 8:
        raise SignatureRefused("malformed", f"not a signature of a {key.key_size}-bit RSA key")
    key.verify(signature, digest, padding.PKCS1v15(), Prehashed(algorithm))


def _check_signing_key(der: bytes, certificate: x509.Certificate) -> None:
    try:
        validate_usage(asn1_certificate(der), {"non_repudiation"}, set(), True)
    except InvalidCertificateError:
        raise SignatureRefused("wrong-key", "the key usage lacks nonRepudiation") from None
    if has_authentication_policy(certificate):
        raise SignatureRefused("wrong-key", "the certificate is for authentication") from None


async def check_chain(validator: CertificateValidator) -> None:
    # pyhanko's messages can quote a subject, and so the national register number: keep them
    # out of ours and name only the kind of failure.
    try:
        await validator.async_validate_path()
    except ExpiredError:
        raise SignatureRefused("expired", "a certificate had expired at the signing time") from None
    except NotYetValidError:
        raise SignatureRefused("expired", "a certificate was not yet valid at signing") from None
    except RevokedError:
        raise SignatureRefused("revoked", "a certificate of the chain is revoked") from None
    except InsufficientRevinfoError:
        raise SignatureRefused("revocation-unknown", "no usable CRL or OCSP response") from None
    except (PathBuildingError, ValidationError) as error:
        reason = type(error).__name__
        raise SignatureRefused("untrusted", f"no valid path to a trust root ({reason})") from None


def asn1_certificate(certificate: Certificate) -> asn1_x509.Certificate:
    if isinstance(certificate, x509.Certificate):
        certificate = certificate.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(certificate)


def der_bytes(item: RevocationList | OcspResponse) -> bytes:
    if isinstance(item, bytes):
        return item
    return item.public_bytes(serialization.Encoding.DER)
