"""Tree heads sealed by the city: the log's state that receipts and `/log/...` point at.

The seal signs `TreeHead.signing_input()` (RFC 8785 JSON naming the type, size, root and
time) with the same key that seals receipts; the signature travels in base64url without
padding, in the JWS form of the seal's algorithm (r||s for ECDSA).

    {"tree_size": 123, "root_hash": "<base64url>", "timestamp_ms": 1795000000000,
     "signature": "<base64url>"}
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from formkit.receipts._merkle import TreeHead
from formkit.receipts._seal import Seal, signature_holds


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    """A tree head and the seal's signature over its `signing_input()`."""

    head: TreeHead
    signature: bytes

    def holds(self, certificate: x509.Certificate | bytes) -> bool:
        """Whether the signature was made by the key of `certificate` (the seal's)."""
        return signature_holds(certificate, self.head.signing_input(), self.signature)

    def to_dict(self) -> dict[str, Any]:
        return {**self.head.to_dict(), "signature": _b64url(self.signature)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignedTreeHead:
        """Read `to_dict`'s output; ValueError when anything is missing, extra or malformed."""
        if not isinstance(data, Mapping) or "signature" not in data:
            raise ValueError("a signed tree head needs a signature")
        head = TreeHead.from_dict({k: v for k, v in data.items() if k != "signature"})
        return cls(head, _unb64url(data["signature"]))


def sign_tree_head(head: TreeHead, seal: Seal) -> SignedTreeHead:
    """Seal `head`: the receipts of its batch carry it, `/log/...` publishes it."""
    return SignedTreeHead(head, seal.sign(head.signing_input()))


def verify_tree_head(signed: SignedTreeHead, certificate: x509.Certificate | bytes) -> bool:
    """Whether `signed` was sealed by the key of `certificate`."""
    return signed.holds(certificate)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: object) -> bytes:
    if not isinstance(text, str) or not text.isascii() or not text:
        raise ValueError("the signature must be a base64url string")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("the signature is not base64url") from None
    if _b64url(data) != text:  # one spelling only: no padding, no stray bits
        raise ValueError("the signature is not written the way formkit writes it")
    return data
