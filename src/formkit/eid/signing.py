"""The citizen's eID signature over a filing: what is signed, and whether a signature holds.

The data to be signed is the SHA-384 digest of the canonical filing: the form, its exact
version and the answers with every attachment bound to its content address (`sha256:...`),
canonicalised by RFC 8785. Signing that one digest signs every answer and every attached
byte; the receipt can later show what the citizen signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from formkit.eid import SignatureRefused, SignerIdentity, verify_signed_digest_async
from formkit.filing._filing import canonical, filing_document
from formkit.forms import _pointer
from formkit.forms._model import Form
from formkit.forms._problems import Problem

HASH = "SHA-384"

MESSAGES = {
    "signature-missing": "Dit formulier moet u ondertekenen met uw eID.",
    "signature-malformed": "De handtekening kan niet gelezen worden. Onderteken opnieuw.",
    "signature-bad-signature": (
        "De handtekening hoort niet bij deze aanvraag. Onderteken de aanvraag opnieuw."
    ),
    "signature-wrong-key": (
        "U ondertekende met de verkeerde sleutel van uw eID (de sleutel om u aan te melden)."
        " Onderteken met de handtekeningsleutel."
    ),
    "signature-expired": "Het certificaat van uw eID was niet geldig toen u ondertekende.",
    "signature-revoked": "Het certificaat van uw eID is ingetrokken.",
    "signature-untrusted": "Deze handtekening komt niet van een Belgische eID.",
    "signature-revocation-unknown": (
        "We konden niet nagaan of het certificaat van uw eID ingetrokken is. Probeer later opnieuw."
    ),
    "signature-applicant-mismatch": (
        "De aanvraag moet ondertekend worden door de aanvrager zelf. De eID hoort bij iemand"
        " anders dan de aanvrager in het formulier."
    ),
}


@dataclass(frozen=True, slots=True)
class CitizenSignature:
    """What the card (through Web eID or `formkit sign`) hands back."""

    signature: bytes
    certificate: bytes  # DER
    hash: str = HASH
    chain: tuple[bytes, ...] = ()  # the CA certificates the card gave along (DER)

    @classmethod
    def from_document(cls, document: Any) -> CitizenSignature:
        """From `formkit sign`'s JSON output; ValueError when it is not that."""
        if not isinstance(document, Mapping):
            raise ValueError("a signature is a JSON object")
        try:
            return cls(
                signature=base64.b64decode(document["signature"], validate=True),
                certificate=base64.b64decode(document["certificate"], validate=True),
                hash=str(document.get("hash", HASH)),
                chain=tuple(base64.b64decode(c, validate=True) for c in document.get("chain", ())),
            )
        except (KeyError, TypeError, AttributeError, binascii.Error) as error:
            raise ValueError(f"not a signature document: {error}") from None


@dataclass(frozen=True, slots=True)
class EidTrust:
    """What a citizen's certificate must chain to, and the revocation data at hand."""

    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()
    crls: tuple[bytes, ...] = ()
    revocation_required: bool = False

    @classmethod
    def from_folder(cls, folder: Path, *, revocation_required: bool = False) -> EidTrust:
        """Self-signed certificates in `folder` are roots, the others intermediates; *.crl CRLs."""
        certificates = [
            certificate
            for path in sorted(folder.glob("*"))
            if path.suffix in {".pem", ".crt", ".cer", ".der"}
            for certificate in _certificates(path.read_bytes())
        ]
        roots = tuple(c for c in certificates if c.issuer == c.subject)
        others = tuple(c for c in certificates if c.issuer != c.subject)
        crls = tuple(path.read_bytes() for path in sorted(folder.glob("*.crl")))
        return cls(roots, others, crls, revocation_required)


def digest_to_sign(form: Form, bound_answers: Mapping[str, Any]) -> bytes:
    """The SHA-384 digest the citizen's card signs."""
    document = filing_document(form.id, form.version, bound_answers)
    return hashlib.sha384(canonical(document)).digest()


async def check_signature(
    form: Form,
    bound_answers: Mapping[str, Any],
    signature: CitizenSignature | None,
    trust: EidTrust,
    at: datetime,
) -> SignerIdentity | Problem:
    """The signer, or the one problem that refuses the filing."""
    if signature is None:
        return _problem("signature-missing")
    try:
        signer = await verify_signed_digest_async(
            digest_to_sign(form, bound_answers),
            signature.hash,
            signature.signature,
            signature.certificate,
            trust_roots=trust.roots,
            intermediates=trust.intermediates,
            at=at.astimezone(UTC),
            crls=trust.crls,
            revocation_required=trust.revocation_required,
        )
    except SignatureRefused as refusal:
        return _problem(f"signature-{refusal.code}")
    applicant = _applicant_number(form, bound_answers)
    if applicant is not None and applicant != signer.national_number:
        return _problem("signature-applicant-mismatch")
    return signer


def signer_record(
    signer: SignerIdentity, signature: CitizenSignature, digest: bytes, trust: EidTrust
) -> dict[str, Any]:
    """What the dossier keeps of a signature: enough to verify it again, years later."""
    chain = signature.chain or _issuers(signature.certificate, trust)
    return {
        "chain": [base64.b64encode(certificate).decode() for certificate in chain],
        "given_name": signer.given_name,
        "surname": signer.surname,
        "national_number": signer.national_number,
        "national_number_masked": signer.masked_national_number,
        "certificate_sha256": signer.certificate_sha256,
        "certificate": base64.b64encode(signature.certificate).decode(),
        "signature": base64.b64encode(signature.signature).decode(),
        "hash": signature.hash,
        "signed_digest": base64.b64encode(digest).decode(),
    }


def _issuers(certificate: bytes, trust: EidTrust) -> tuple[bytes, ...]:
    """The intermediates of `trust` above `certificate`, for a card that gave none along."""
    issuer = x509.load_der_x509_certificate(certificate).issuer
    return tuple(c.public_bytes(Encoding.DER) for c in trust.intermediates if c.subject == issuer)


def _applicant_number(form: Form, answers: Mapping[str, Any]) -> str | None:
    """The national register number the form names as the signer's, when the answers hold one.

    A legal entity's filing names no person there: whoever signs then acts for it, and the
    dossier records who that was.
    """
    pointer = form.annotations.signer
    if pointer is None:
        return None
    value = _pointer.resolve(answers, pointer)
    return value if isinstance(value, str) else None


def _problem(code: str) -> Problem:
    return Problem("", code, MESSAGES[code])


def _certificates(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.PEM)
