"""Verify a receipt or a decision letter offline, JWS or sealed PDF, and say what holds.

`verify_receipt` never raises on what it is given: every finding is a `Check` with a stable
`id`, whether it holds, and a sentence for the citizen or operator who asked. The checks:

    readable            the file is a formkit receipt or decision letter (JWS, or PDF
                        carrying one)
    seal                the seal's signature holds: nothing changed since the city sealed it
                        (a PDF: over the whole file, and its placeholder holds nothing else)
    seal-certificate    the seal certificate leads to a trusted root (`trust_roots`), for
                        signing (nonRepudiation)
    pdf-receipt         (PDF) the embedded JWS is sealed by the same certificate as the PDF
                        and the embedded JSON is the same receipt (`pdf-letter`: letter)
    timestamp           (PDF, B-T) the TSA's timestamp is intact and its TSA trusted
    tree-head           the log's tree head in the receipt is sealed by the same seal
    inclusion           the body is the leaf at its index under that tree head
    citizen-signature   (signed with eID) the citizen's signature over the answers' digest
                        holds, for a Signature key, with a chain to `eid_trust_roots`; for a
                        v2 receipt without its evidence: the city's word that it did
    evidence            (evidence given) the signature evidence is the one the receipt names
    authentication      (filed by a login, not signed) who logged in, how and how sure
    answers             (answers given) these answers are the ones on the receipt (and the
                        ones the citizen signed)
    attachment          (files_dir given) one per attachment: a file with its SHA-256 is there

A decision letter has the checks up to `inclusion`; the report's `letter` is what it says.
Without trust roots the certificate checks fail: the math alone does not say whose seal or
signature it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)

from formkit.forms import _strict_json
from formkit.forms._dutch import moment_text
from formkit.receipts._contents import answers_check, attachment_checks, log_checks, signer_checks
from formkit.receipts._document import Receipt
from formkit.receipts._jws import ParsedJws, parse_jws
from formkit.receipts._keys import DEVELOPMENT_MARK
from formkit.receipts._letter import DecisionLetter, is_letter
from formkit.receipts._letter_pdf import LETTER_JSON, LETTER_JWS
from formkit.receipts._members import ReceiptError
from formkit.receipts._pades import PdfSeal, read_sealed_pdf_async
from formkit.receipts._pdf import EMBEDDED_JSON, EMBEDDED_JWS
from formkit.receipts._report import Check, Kind, Report, fails, holds
from formkit.receipts._seal import SealError, certificates_der, load_certificate

SEAL_ROOT_PATH = "/log/seal.pem"  # where the service publishes its seal's root (web/log.py)

Certificate = x509.Certificate | bytes


def verify_receipt(
    data: bytes,
    *,
    trust_roots: Iterable[Certificate] = (),
    eid_trust_roots: Iterable[Certificate] = (),
    files_dir: Path | None = None,
    answers: bytes | None = None,
    evidence: bytes | None = None,
    at: datetime | None = None,
) -> Report:
    """Verify a receipt (compact JWS text or sealed PDF bytes); see the module doc.

    `trust_roots` are the city's seal roots (and a TSA's); `eid_trust_roots` the roots of the
    citizens' eID certificates; `answers` the answers' JSON bytes; `evidence` the signature
    evidence of a signed receipt (`formkit.receipts.SignatureEvidence`, JSON); `at` when the
    JWS seal certificate must be valid (default: now). Not for use inside a running event loop.
    """
    return asyncio.run(
        verify_receipt_async(
            data,
            trust_roots=trust_roots,
            eid_trust_roots=eid_trust_roots,
            files_dir=files_dir,
            answers=answers,
            evidence=evidence,
            at=at,
        )
    )


async def verify_receipt_async(
    data: bytes,
    *,
    trust_roots: Iterable[Certificate] = (),
    eid_trust_roots: Iterable[Certificate] = (),
    files_dir: Path | None = None,
    answers: bytes | None = None,
    evidence: bytes | None = None,
    at: datetime | None = None,
) -> Report:
    """`verify_receipt` for async callers (a web page that checks an uploaded receipt)."""
    roots = list(certificates_der(list(trust_roots)))
    kind: Kind = "pdf" if b"%PDF-" in data[:1024] else "jws"  # where PDF readers look
    if kind == "pdf":
        sealed = await _sealed_pdf(data, roots)
    else:
        sealed = await _sealed_jws(data, roots, at or datetime.now(UTC))
    document = sealed.document
    if document is None:
        return Report(kind, tuple(sealed.checks))
    words = sealed.words
    checks = [*sealed.checks]
    checks += log_checks(document, sealed.seal_certificate, named=words.the, what=words.leaf)
    if isinstance(document, DecisionLetter):
        return Report(kind, tuple(checks), letter=document)
    eid_roots = list(certificates_der(list(eid_trust_roots)))
    checks += await signer_checks(document.body, evidence, eid_roots)
    if answers is not None:
        checks.append(answers_check(document.body, answers))
    if files_dir is not None:
        checks += attachment_checks(document.body, files_dir)
    return Report(kind, tuple(checks), document)


@dataclass(frozen=True, slots=True)
class _Words:
    """How the messages name a kind of sealed document."""

    the: str  # "het ontvangstbewijs"
    a: str  # "een ontvangstbewijs"
    leaf: str  # what the log holds: "het dossier"
    check: str  # the id of the check of the PDF's embedded document
    json_name: str
    jws_name: str

    def title(self, document: Receipt | DecisionLetter, kind: str) -> str:
        number = document.body.number
        if isinstance(document, DecisionLetter):
            return f"Het bestand is de beslissing over dossier {number} ({kind})."
        return f"Het bestand is ontvangstbewijs {number} ({kind})."


RECEIPT = _Words(
    "het ontvangstbewijs",
    "een ontvangstbewijs",
    "het dossier",
    "pdf-receipt",
    EMBEDDED_JSON,
    EMBEDDED_JWS,
)
LETTER = _Words(
    "de beslissing", "een beslissing", "de beslissing", "pdf-letter", LETTER_JSON, LETTER_JWS
)


@dataclass(frozen=True, slots=True)
class _Sealed:
    """A receipt or letter taken out of its seal, with the checks of the seal itself."""

    checks: list[Check]
    document: Receipt | DecisionLetter | None = None
    seal_certificate: bytes = b""
    words: _Words = RECEIPT


def _document(payload: Mapping[str, Any]) -> tuple[Receipt | DecisionLetter, _Words]:
    """The receipt or letter a sealed payload holds; ReceiptError when it is neither."""
    if is_letter(payload):
        return DecisionLetter.from_dict(payload), LETTER
    return Receipt.from_dict(payload), RECEIPT


async def _sealed_jws(data: bytes, roots: list[bytes], at: datetime) -> _Sealed:
    try:
        parsed = parse_jws(data)
        document, words = _document(parsed.receipt)
    except ReceiptError as error:
        return _Sealed([fails("readable", f"Dit is geen leesbaar ontvangstbewijs ({error}).")])
    checks = [
        holds("readable", words.title(document, "JWS")),
        _seal_check(parsed.signature_holds(), words),
        await _seal_certificate_check(parsed.certificates, roots, at, document),
    ]
    return _Sealed(checks, document, parsed.certificates[0], words)


async def _sealed_pdf(data: bytes, roots: list[bytes]) -> _Sealed:
    try:
        pdf = await read_sealed_pdf_async(data, roots)
    except ReceiptError as error:
        return _Sealed(
            [fails("readable", f"Dit is geen leesbaar verzegeld PDF-bestand ({error}).")]
        )
    words = LETTER if LETTER_JWS in pdf.embedded else RECEIPT
    if len(pdf.seals) != 1:
        return _Sealed([fails("readable", _seal_count(len(pdf.seals), words))])
    try:
        parsed = parse_jws(pdf.embedded[words.jws_name])
        document, found = _document(parsed.receipt)
        shown = _strict_json.decode(pdf.embedded[words.json_name])
    except KeyError as missing:
        message = f"Het PDF-bestand bevat {words.the} niet ({missing} ontbreekt)."
        return _Sealed([fails("readable", message)])
    except (ReceiptError, ValueError) as error:
        message = f"{words.the.capitalize()} in het PDF-bestand is onleesbaar ({error})."
        return _Sealed([fails("readable", message)])
    if found is not words:
        message = f"{words.jws_name} in het PDF-bestand is niet {words.a}."
        return _Sealed([fails("readable", message)])
    seal = pdf.seals[0]
    checks = [
        holds("readable", words.title(document, "PDF")),
        _pdf_seal_check(seal, words),
        _pdf_certificate_check(seal, bool(roots), document),
        _pdf_document_check(parsed, shown, seal, words),
    ]
    if seal.timestamp is not None:
        checks.append(_timestamp_check(seal, seal.timestamp))
    return _Sealed(checks, document, seal.signer_certificate, words)


def _seal_count(count: int, words: _Words) -> str:
    if count == 0:
        return "Het PDF-bestand is niet verzegeld."
    return f"Het PDF-bestand heeft {count} handtekeningen; {words.a} heeft er één."


def _seal_check(intact: bool, words: _Words) -> Check:
    if intact:
        return holds("seal", f"Het zegel klopt: niemand wijzigde {words.the} na het verzegelen.")
    return fails("seal", f"Het zegel klopt niet: {words.the} werd gewijzigd na het verzegelen.")


def _pdf_seal_check(seal: PdfSeal, words: _Words) -> Check:
    if not seal.intact:
        return _seal_check(False, words)
    if not seal.whole_file:
        return fails(
            "seal",
            "Het zegel dekt niet het hele PDF-bestand: er werd iets aan toegevoegd na het "
            "verzegelen.",
        )
    if not seal.clean_placeholder:
        return fails(
            "seal", "Het zegel van het PDF-bestand bevat gewijzigde of verborgen gegevens."
        )
    return _seal_check(True, words)


async def _seal_certificate_check(
    certificates: Sequence[bytes],
    roots: list[bytes],
    at: datetime,
    document: Receipt | DecisionLetter,
) -> Check:
    seal_name = _name(certificates[0])
    if not roots:
        return _no_roots(seal_name, document)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root) for root in roots],
        other_certs=[asn1_x509.Certificate.load(other) for other in certificates[1:]],
        moment=at,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(
        asn1_x509.Certificate.load(certificates[0]), validation_context=context
    )
    try:
        await validator.async_validate_usage({"non_repudiation"})  # type: ignore[no-untyped-call]
    except (ExpiredError, NotYetValidError):
        reason = "het was niet geldig op het moment van controle"
    except RevokedError:
        reason = "het is ingetrokken"
    except InvalidCertificateError:
        reason = "het is niet bedoeld om te verzegelen"
    except (PathBuildingError, PathValidationError, ValidationError):
        reason = "het leidt niet naar een vertrouwd certificaat van de stad"
    except Exception:  # the validator tripping over a crafted certificate
        reason = "het is onleesbaar"
    else:
        return _trusted(seal_name)
    return fails(
        "seal-certificate", f"Het zegelcertificaat ({seal_name}) is niet aanvaard: {reason}."
    )


def _pdf_certificate_check(
    seal: PdfSeal, have_roots: bool, document: Receipt | DecisionLetter
) -> Check:
    seal_name = _name(seal.signer_certificate)
    if not have_roots:
        return _no_roots(seal_name, document)
    if seal.trusted:
        return _trusted(seal_name)
    return fails(
        "seal-certificate",
        f"Het zegelcertificaat ({seal_name}) is niet aanvaard: het leidt niet naar een "
        "vertrouwd certificaat van de stad, is niet (meer) geldig of is niet bedoeld om te "
        "verzegelen.",
    )


def _trusted(seal_name: str) -> Check:
    message = f"Het zegel is van {seal_name}, en dat certificaat is vertrouwd."
    if DEVELOPMENT_MARK in seal_name:
        message += " Let op: dit is een ontwikkelingszegel, het bewijst niets buiten een test."
    return holds("seal-certificate", message)


def _no_roots(seal_name: str, document: Receipt | DecisionLetter) -> Check:
    """Say where the city publishes its root, and what else a signed receipt needs."""
    body = document.body
    message = (
        f"Het zegel is van {seal_name}, maar of dat de stad is, kan niet nagegaan worden: geef "
        "het basiscertificaat van de stad op (--trust). De stad publiceert het op "
        f"{body.issuer.url.rstrip('/')}{SEAL_ROOT_PATH}."
    )
    if isinstance(document, Receipt) and document.body.signer is not None:
        message += " Dit formulier is ook ondertekend met de eID: geef daarvoor de "
        message += "basiscertificaten van de eID op (--trust-eid)."
    return fails("seal-certificate", message)


def _pdf_document_check(parsed: ParsedJws, shown: object, seal: PdfSeal, words: _Words) -> Check:
    if not parsed.signature_holds() or parsed.certificates[0] != seal.signer_certificate:
        return fails(
            words.check,
            f"{words.the.capitalize()} in het PDF-bestand ({words.jws_name}) is niet met "
            "hetzelfde zegel verzegeld.",
        )
    if shown != parsed.receipt:
        return fails(
            words.check,
            f"De bijlage {words.json_name} in het PDF-bestand verschilt van {words.the} zoals "
            f"verzegeld ({words.jws_name}).",
        )
    return holds(
        words.check,
        f"Het PDF-bestand bevat {words.the} ook in machineleesbare vorm, met hetzelfde zegel.",
    )


def _timestamp_check(seal: PdfSeal, moment: datetime) -> Check:
    if seal.timestamp_trusted:
        return holds(
            "timestamp",
            "Een vertrouwde tijdstempeldienst bevestigt dat het zegel bestond op "
            f"{moment_text(moment)}.",
        )
    return fails(
        "timestamp",
        "De tijdstempel op het zegel klopt niet of komt niet van een vertrouwde "
        "tijdstempeldienst (--trust).",
    )


def _name(certificate: bytes) -> str:
    try:
        subject = load_certificate(certificate).subject
    except SealError:
        return "een onleesbaar certificaat"
    names = subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else subject.rfc4514_string()
