"""The receipt as a compact JWS (RFC 7515), sealed by the city: small and machine-readable.

    BASE64URL(header) "." BASE64URL(receipt) "." BASE64URL(signature)

- header: `{"alg": "ES384", "typ": "formkit-receipt+jws", "x5c": [seal certificate, CA
  certificates...]}` (`x5c` in standard base64 DER, RFC 7515 §4.1.6);
- payload: the full receipt (`Receipt.to_dict()`), RFC 8785 canonical JSON;
- signature: the seal's, in the form of `alg`.

Issuing needs only `Seal.sign`, so a key on an HSM seals JWS receipts as well as a file key.
Reading is strict (`parse_jws`): every part must be canonical base64url and canonical JSON,
the header exactly these three members, `alg` the one the certificate's key implies; so any
changed byte of a token is either refused here or breaks the signature. The signature itself
is checked by joserfc, an implementation independent of the one that issued it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from formkit.filing._filing import canonical
from formkit.forms import _strict_json
from formkit.receipts._members import ReceiptError
from formkit.receipts._seal import HASH_NAMES, Seal, SealError, algorithm_of, load_certificate

JWS_TYPE = "formkit-receipt+jws"
MAX_HEADER_BYTES = 32_768  # an x5c chain of a few certificates; joserfc's default is 512

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_REGISTRY = jws.JWSRegistry(algorithms=list(HASH_NAMES))
_REGISTRY.max_header_length = MAX_HEADER_BYTES


@dataclass(frozen=True, slots=True)
class ParsedJws:
    """A JWS receipt taken apart; nothing in it is trusted until `signature_holds`."""

    token: str
    header: Mapping[str, Any]
    receipt: Mapping[str, Any]
    certificates: tuple[bytes, ...]  # x5c as DER: the seal certificate first

    @property
    def algorithm(self) -> str:
        algorithm: str = self.header["alg"]
        return algorithm

    def signature_holds(self) -> bool:
        """Whether the JWS signature was made by the key of the first `x5c` certificate."""
        try:
            key = _joserfc_key(self.certificates[0])
            jws.deserialize_compact(
                self.token, key, algorithms=[self.algorithm], registry=_REGISTRY
            )
        except (JoseError, ValueError):
            return False
        return True


def issue_jws(receipt: Mapping[str, Any], seal: Seal) -> str:
    """Seal `receipt` (a `Receipt.to_dict()`) as a compact JWS."""
    header = {
        "alg": seal.algorithm,
        "typ": JWS_TYPE,
        "x5c": [_b64(certificate) for certificate in (seal.certificate, *seal.chain)],
    }
    encoded_header = _b64url(canonical(header))
    if len(encoded_header) > MAX_HEADER_BYTES:
        raise SealError("the seal's certificate chain is too long for a JWS header")
    signing_input = f"{encoded_header}.{_b64url(canonical(receipt))}"
    signature = seal.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def read_jws(token: str | bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The receipt and the header of a JWS whose signature holds; ReceiptError otherwise.

    The signature is checked against the certificate in the token; whether that certificate
    is the city's is for the caller to check (`formkit.receipts.verify_receipt` does both).
    """
    parsed = parse_jws(token)
    if not parsed.signature_holds():
        raise ReceiptError("the JWS signature does not hold")
    return dict(parsed.receipt), dict(parsed.header)


def parse_jws(token: str | bytes) -> ParsedJws:
    """Take a compact JWS receipt apart, strictly; ReceiptError says what is wrong."""
    text = _text(token)
    segments = text.split(".")
    if len(segments) != 3 or not all(_SEGMENT.fullmatch(segment) for segment in segments):
        raise ReceiptError("not a compact JWS: three base64url parts separated by dots")
    header = _canonical_object(_unb64url(segments[0], "header"), "header")
    receipt = _canonical_object(_unb64url(segments[1], "payload"), "payload")
    _unb64url(segments[2], "signature")
    certificates = _certificates(header)
    return ParsedJws(text, header, receipt, certificates)


def _text(token: str | bytes) -> str:
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise ReceiptError("a compact JWS is ASCII text") from None
    return token.strip()


def _canonical_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = _strict_json.decode(data)
        written = canonical(value)
    except (ValueError, TypeError, OverflowError):  # bad JSON, or JSON RFC 8785 cannot write
        raise ReceiptError(f"the JWS {what} is not JSON") from None
    if not isinstance(value, dict):
        raise ReceiptError(f"the JWS {what} is not a JSON object")
    if written != data:
        raise ReceiptError(f"the JWS {what} is not canonical JSON (RFC 8785)")
    return value


def _certificates(header: Mapping[str, Any]) -> tuple[bytes, ...]:
    if set(header) != {"alg", "typ", "x5c"} or header["typ"] != JWS_TYPE:
        raise ReceiptError(f"the JWS header is not that of a formkit receipt ({JWS_TYPE})")
    chain = header["x5c"]
    if not isinstance(chain, list) or not chain or not all(isinstance(c, str) for c in chain):
        raise ReceiptError("the JWS header's x5c is not a list of certificates")
    certificates = tuple(_unb64(item) for item in chain)
    try:
        for certificate in certificates:
            load_certificate(certificate)
        algorithm = algorithm_of(certificates[0])
    except SealError as error:
        raise ReceiptError(f"the JWS x5c: {error}") from None
    if header["alg"] != algorithm:
        raise ReceiptError(f"the JWS alg is not {algorithm}, the seal key's algorithm")
    return certificates


def _joserfc_key(certificate_der: bytes) -> ECKey | RSAKey:
    public_key = x509.load_der_x509_certificate(certificate_der).public_key()
    pem = public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return ECKey.import_key(pem)
    return RSAKey.import_key(pem)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ReceiptError("an x5c certificate is not base64") from None
    if _b64(data) != text:
        raise ReceiptError("an x5c certificate is not written the way formkit writes it")
    return data


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(segment: str, what: str) -> bytes:
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise ReceiptError(f"the JWS {what} is not base64url") from None
    if _b64url(data) != segment:  # one spelling only: no stray bits in the last character
        raise ReceiptError(f"the JWS {what} is not canonical base64url")
    return data
