"""Digests and signature encodings shared by signing and verification.

The eID card never hashes: formkit computes the digest, the card signs it. So both sides agree
on three things kept here: which hash functions are accepted (by their names in formkit's JSON,
"SHA-256", "SHA-384", "SHA-512"), how an RSA key signs a digest (PKCS#1 v1.5 over the DER
DigestInfo) and how an ECDSA signature is written (raw r||s, as the card and JWS give it, or
DER, as X.509 and CMS want it).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

HASHES: dict[str, hashes.HashAlgorithm] = {
    "SHA-256": hashes.SHA256(),
    "SHA-384": hashes.SHA384(),
    "SHA-512": hashes.SHA512(),
}

# DER DigestInfo prefixes from RFC 8017, section 9.2, note 1: the prefix followed by the digest
# is what PKCS#1 v1.5 signs. A token doing raw CKM_RSA_PKCS needs this done for it.
_DIGEST_INFO_PREFIXES = {
    "SHA-256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "SHA-384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "SHA-512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


class DigestError(ValueError):
    """A digest that formkit cannot sign or verify: unknown hash, or a length that does not fit."""


def hash_algorithm(hash_name: str) -> hashes.HashAlgorithm:
    """The hash function called `hash_name` ("SHA-256", "SHA-384" or "SHA-512")."""
    algorithm = HASHES.get(hash_name) if isinstance(hash_name, str) else None
    if algorithm is None:
        raise DigestError(f"unknown hash {hash_name!r} (known: {', '.join(HASHES)})")
    return algorithm


def check_digest(digest: bytes, hash_name: str) -> hashes.HashAlgorithm:
    """The hash function of `digest`, after checking the digest has that function's length."""
    algorithm = hash_algorithm(hash_name)
    if len(digest) != algorithm.digest_size:
        raise DigestError(
            f"a {hash_name} digest has {algorithm.digest_size} bytes, not {len(digest)}"
        )
    return algorithm


def hash_for_digest_size(size: int) -> str:
    """The name of the accepted hash whose digests have `size` bytes."""
    for name, algorithm in HASHES.items():
        if algorithm.digest_size == size:
            return name
    raise DigestError(f"no accepted hash makes {size}-byte digests")


def digest_info(digest: bytes, hash_name: str) -> bytes:
    """The DER DigestInfo of `digest`: the input of a PKCS#1 v1.5 signature."""
    check_digest(digest, hash_name)
    return _DIGEST_INFO_PREFIXES[hash_name] + digest


def ecdsa_raw_to_der(signature: bytes) -> bytes:
    """An ECDSA signature as r||s (what the card returns) converted to DER (X.509, CMS)."""
    if not signature or len(signature) % 2:
        raise ValueError("a raw ECDSA signature is r||s: two halves of equal length")
    half = len(signature) // 2
    r = int.from_bytes(signature[:half], "big")
    s = int.from_bytes(signature[half:], "big")
    return encode_dss_signature(r, s)


def ecdsa_der_to_raw(signature: bytes, curve_size_bits: int) -> bytes:
    """A DER ECDSA signature converted to r||s, each half as long as the curve's order."""
    r, s = decode_dss_signature(signature)
    size = (curve_size_bits + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")
