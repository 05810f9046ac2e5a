"""The city's seal: the key that signs receipts and tree heads, wherever it lives.

A seal signs bytes the way JWS wants them signed, so one signature serves the JWS receipt, the
tree head and (re-encoded) the CMS signature inside the PDF:

    key           JWS alg   hash      signature
    EC P-256      ES256     SHA-256   r||s, 64 bytes
    EC P-384      ES384     SHA-384   r||s, 96 bytes (the default, like the eID card)
    EC P-521      ES512     SHA-512   r||s, 132 bytes
    RSA           RS256     SHA-256   PKCS#1 v1.5

The algorithm follows from the certificate's key, never from what a document claims, so a
verifier cannot be talked into another algorithm. Implementations:

- `SoftwareSeal`: a private key in memory (from a PKCS#12 file, or the development seal);
- `Pkcs11Seal`: a key on a PKCS#11 token (an HSM in production, SoftHSM2 in tests), signing a
  digest made here with raw ECDSA or PKCS#1 v1.5, as `formkit.eid` signs with the card.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from formkit._errors import FormkitError
from formkit.eid import TokenError, ecdsa_der_to_raw, ecdsa_raw_to_der, sign_digest

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
HASH_NAMES = {"ES256": "SHA-256", "ES384": "SHA-384", "ES512": "SHA-512", "RS256": "SHA-256"}
_HASHES: dict[str, hashes.HashAlgorithm] = {
    "SHA-256": hashes.SHA256(),
    "SHA-384": hashes.SHA384(),
    "SHA-512": hashes.SHA512(),
}


class SealError(FormkitError):
    """The seal cannot be used: no key, a key that does not match its certificate, a token
    that refuses to sign. The message is English, for operators; it never holds a PIN."""


class Seal(Protocol):
    """What formkit needs of the city's seal."""

    @property
    def certificate(self) -> bytes:
        """The seal certificate, DER."""
        ...

    @property
    def chain(self) -> tuple[bytes, ...]:
        """The CA certificates above the seal certificate (DER), the issuer first."""
        ...

    @property
    def algorithm(self) -> str:
        """The JWS algorithm of the key: ES256, ES384, ES512 or RS256."""
        ...

    def sign(self, data: bytes) -> bytes:
        """A signature over `data` in JWS form (r||s for EC, PKCS#1 v1.5 for RSA)."""
        ...


def algorithm_of(certificate: x509.Certificate | bytes) -> str:
    """The JWS algorithm a seal with this certificate's key signs with; SealError otherwise."""
    key = load_certificate(certificate).public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        algorithm = _EC_ALGORITHMS.get(key.curve.name)
        if algorithm is None:
            raise SealError(f"unsupported curve {key.curve.name}")
        return algorithm
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise SealError(f"an RSA seal key needs 2048 bits or more, not {key.key_size}")
        return "RS256"
    raise SealError(f"unsupported seal key type {type(key).__name__}")


def hash_name_of(algorithm: str) -> str:
    """The hash of a JWS algorithm as `formkit.eid` names it: "SHA-384" for ES384."""
    return HASH_NAMES[algorithm]


def signature_holds(certificate: x509.Certificate | bytes, data: bytes, signature: bytes) -> bool:
    """Whether `signature` (JWS form) over `data` was made by the certificate's key."""
    try:
        certificate = load_certificate(certificate)
        algorithm = _HASHES[hash_name_of(algorithm_of(certificate))]
    except (SealError, ValueError):
        return False
    key = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 2 * ((key.curve.key_size + 7) // 8):
                return False
            key.verify(ecdsa_raw_to_der(signature), data, ec.ECDSA(algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        else:  # pragma: no cover - algorithm_of refused other keys already
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class SoftwareSeal:
    """A seal whose private key is in memory: a PKCS#12 file, or the development seal."""

    private_key: PrivateKey = field(repr=False)
    certificate: bytes
    chain: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        certified = load_certificate(self.certificate).public_key()
        expected = certified.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if public != expected:
            raise SealError("the seal's private key does not belong to its certificate")
        algorithm_of(self.certificate)

    @property
    def algorithm(self) -> str:
        return algorithm_of(self.certificate)

    def sign(self, data: bytes) -> bytes:
        algorithm = _HASHES[hash_name_of(self.algorithm)]
        if isinstance(self.private_key, ec.EllipticCurvePrivateKey):
            der = self.private_key.sign(data, ec.ECDSA(algorithm))
            return ecdsa_der_to_raw(der, self.private_key.curve.key_size)
        return self.private_key.sign(data, padding.PKCS1v15(), algorithm)


@dataclass(frozen=True)
class Pkcs11Seal:
    """A seal whose key stays on a PKCS#11 token; `open` checks that the token signs.

    Every signature opens a short session (about a millisecond on SoftHSM2), so a token that
    was reconnected or a module that was reinitialised does not leave a stale session behind.
    """

    module: str
    token_label: str
    key_label: str
    pin: str = field(repr=False)
    certificate: bytes
    chain: tuple[bytes, ...]
    algorithm: str

    @classmethod
    def open(cls, module: str, token_label: str, key_label: str, pin: str) -> Pkcs11Seal:
        """The seal on the token; signs once to prove the key and read its certificates."""
        probe = hashlib.sha384(b"formkit seal self-test").digest()
        try:
            signed = sign_digest(module, token_label, pin, probe, "SHA-384", key_label=key_label)
        except TokenError as error:
            raise SealError(f"the seal token cannot sign: {error}") from None
        if not _probe_holds(signed.certificate, probe, signed.signature):
            raise SealError("the token's key does not belong to the certificate stored with it")
        algorithm = algorithm_of(signed.certificate)
        return cls(module, token_label, key_label, pin, signed.certificate, signed.chain, algorithm)

    def sign(self, data: bytes) -> bytes:
        hash_name = hash_name_of(self.algorithm)
        hasher = hashes.Hash(_HASHES[hash_name])
        hasher.update(data)
        digest = hasher.finalize()
        try:
            signed = sign_digest(
                self.module, self.token_label, self.pin, digest, hash_name, key_label=self.key_label
            )
        except TokenError as error:
            raise SealError(f"the seal token cannot sign: {error}") from None
        return signed.signature


def _probe_holds(certificate: bytes, digest: bytes, signature: bytes) -> bool:
    """Whether the token's SHA-384 self-test signature was made by the certificate's key."""
    key = load_certificate(certificate).public_key()
    prehashed = Prehashed(hashes.SHA384())
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(ecdsa_raw_to_der(signature), digest, ec.ECDSA(prehashed))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, digest, padding.PKCS1v15(), prehashed)
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def certificates_der(certificates: Sequence[x509.Certificate | bytes]) -> tuple[bytes, ...]:
    """Certificates as DER, whichever form they came in."""
    return tuple(
        c if isinstance(c, bytes) else c.public_bytes(serialization.Encoding.DER)
        for c in certificates
    )


def load_certificate(certificate: x509.Certificate | bytes) -> x509.Certificate:
    """A certificate from DER, with its public key readable; SealError otherwise."""
    if isinstance(certificate, x509.Certificate):
        return certificate
    try:
        loaded = x509.load_der_x509_certificate(certificate)
        # cryptography parses lazily: read every part now, so a broken one is refused here.
        loaded.public_key()
        _ = loaded.subject.rfc4514_string(), loaded.issuer.rfc4514_string(), loaded.extensions
    except Exception:  # ValueError, InvalidVersion, UnsupportedAlgorithm, DuplicateExtension...
        raise SealError("not an X.509 certificate in DER with a usable key") from None
    return loaded
