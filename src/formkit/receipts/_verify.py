"""Verify a receipt offline, JWS or sealed PDF, and say in plain Dutch what holds.

`verify_receipt` never raises on what it is given: every finding is a `Check` with a stable
`id`, whether it holds, and a sentence for the citizen or operator who asked. The checks:

    readable            the file is a formkit receipt (JWS, or PDF carrying one)
    seal                the seal's signature holds: nothing changed since the city sealed it
                        (a PDF: over the whole file, and its placeholder holds nothing else)
    seal-certificate    the seal certificate leads to a trusted root (`trust_roots`), for
                        signing (nonRepudiation)
    pdf-receipt         (PDF) the embedded JWS is sealed by the same certificate as the PDF
                        and the embedded JSON is the same receipt
    timestamp           (PDF, B-T) the TSA's timestamp is intact and its TSA trusted
    tree-head           the log's tree head in the receipt is sealed by the same seal
    inclusion           the receipt's body is the leaf at its index under that tree head
    citizen-signature   (signed with eID) the citizen's signature over the answers' digest
                        holds, for a Signature key, with a chain to `eid_trust_roots`
    answers             (answers given) these answers are the ones on the receipt (and the
                        ones the citizen signed)
    attachment          (files_dir given) one per attachment: a file with its SHA-256 is there

Without trust roots the certificate checks fail: the math alone does not say whose seal or
signature it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
from formkit.receipts._contents import answers_check, attachment_checks, citizen_check, log_checks
from formkit.receipts._document import Receipt, ReceiptBody, ReceiptError
from formkit.receipts._jws import ParsedJws, parse_jws
from formkit.receipts._keys import DEVELOPMENT_MARK
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
    at: datetime | None = None,
) -> Report:
    """Verify a receipt (compact JWS text or sealed PDF bytes); see the module doc.

    `trust_roots` are the city's seal roots (and a TSA's); `eid_trust_roots` the roots of the
    citizens' eID certificates; `answers` the answers' JSON bytes; `at` when the JWS seal
    certificate must be valid (default: now). Not for use inside a running event loop.
    """
    return asyncio.run(
        verify_receipt_async(
            data,
            trust_roots=trust_roots,
            eid_trust_roots=eid_trust_roots,
            files_dir=files_dir,
            answers=answers,
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
    at: datetime | None = None,
) -> Report:
    """`verify_receipt` for async callers (a web page that checks an uploaded receipt)."""
    roots = list(certificates_der(list(trust_roots)))
    kind: Kind = "pdf" if b"%PDF-" in data[:1024] else "jws"  # where PDF readers look
    if kind == "pdf":
        sealed = await _sealed_pdf(data, roots)
    else:
        sealed = await _sealed_jws(data, roots, at or datetime.now(UTC))
    if sealed.receipt is None:
        return Report(kind, tuple(sealed.checks))
    receipt = sealed.receipt
    checks = [*sealed.checks, *log_checks(receipt, sealed.seal_certificate)]
    if receipt.body.signer is not None:
        eid_roots = list(certificates_der(list(eid_trust_roots)))
        checks.append(await citizen_check(receipt.body, eid_roots))
    if answers is not None:
        checks.append(answers_check(receipt.body, answers))
    if files_dir is not None:
        checks += attachment_checks(receipt.body, files_dir)
    return Report(kind, tuple(checks), receipt)


@dataclass(frozen=True, slots=True)
class _Sealed:
    """A receipt taken out of its seal, with the checks of the seal itself."""

    checks: list[Check]
    receipt: Receipt | None = None
    seal_certificate: bytes = b""


async def _sealed_jws(data: bytes, roots: list[bytes], at: datetime) -> _Sealed:
    try:
        parsed = parse_jws(data)
        receipt = Receipt.from_dict(parsed.receipt)
    except ReceiptError as error:
        return _Sealed([fails("readable", f"Dit is geen leesbaar ontvangstbewijs ({error}).")])
    checks = [
        holds("readable", f"Het bestand is ontvangstbewijs {receipt.body.number} (JWS)."),
        _seal_check(parsed.signature_holds()),
        await _seal_certificate_check(parsed.certificates, roots, at, receipt.body),
    ]
    return _Sealed(checks, receipt, parsed.certificates[0])


async def _sealed_pdf(data: bytes, roots: list[bytes]) -> _Sealed:
    try:
        pdf = await read_sealed_pdf_async(data, roots)
    except ReceiptError as error:
        return _Sealed(
            [fails("readable", f"Dit is geen leesbaar verzegeld PDF-bestand ({error}).")]
        )
    if len(pdf.seals) != 1:
        return _Sealed([fails("readable", _seal_count(len(pdf.seals)))])
    try:
        parsed = parse_jws(pdf.embedded[EMBEDDED_JWS])
        receipt = Receipt.from_dict(parsed.receipt)
        shown = _strict_json.decode(pdf.embedded[EMBEDDED_JSON])
    except KeyError as missing:
        message = f"Het PDF-bestand bevat het ontvangstbewijs niet ({missing} ontbreekt)."
        return _Sealed([fails("readable", message)])
    except (ReceiptError, ValueError) as error:
        message = f"Het ontvangstbewijs in het PDF-bestand is onleesbaar ({error})."
        return _Sealed([fails("readable", message)])
    seal = pdf.seals[0]
    checks = [
        holds("readable", f"Het bestand is ontvangstbewijs {receipt.body.number} (PDF)."),
        _pdf_seal_check(seal),
        _pdf_certificate_check(seal, bool(roots), receipt.body),
        _pdf_receipt_check(parsed, shown, seal),
    ]
    if seal.timestamp is not None:
        checks.append(_timestamp_check(seal, seal.timestamp))
    return _Sealed(checks, receipt, seal.signer_certificate)


def _seal_count(count: int) -> str:
    if count == 0:
        return "Het PDF-bestand is niet verzegeld."
    return f"Het PDF-bestand heeft {count} handtekeningen; een ontvangstbewijs heeft er één."


def _seal_check(intact: bool) -> Check:
    if intact:
        return holds(
            "seal", "Het zegel klopt: niemand wijzigde het ontvangstbewijs na het verzegelen."
        )
    return fails(
        "seal", "Het zegel klopt niet: het ontvangstbewijs werd gewijzigd na het verzegelen."
    )


def _pdf_seal_check(seal: PdfSeal) -> Check:
    if not seal.intact:
        return _seal_check(False)
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
    return _seal_check(True)


async def _seal_certificate_check(
    certificates: Sequence[bytes], roots: list[bytes], at: datetime, body: ReceiptBody
) -> Check:
    seal_name = _name(certificates[0])
    if not roots:
        return _no_roots(seal_name, body)
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


def _pdf_certificate_check(seal: PdfSeal, have_roots: bool, body: ReceiptBody) -> Check:
    seal_name = _name(seal.signer_certificate)
    if not have_roots:
        return _no_roots(seal_name, body)
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


def _no_roots(seal_name: str, body: ReceiptBody) -> Check:
    """Say where the city publishes its root, and what else a signed receipt needs."""
    message = (
        f"Het zegel is van {seal_name}, maar of dat de stad is, kan niet nagegaan worden: geef "
        "het basiscertificaat van de stad op (--trust). De stad publiceert het op "
        f"{body.issuer.url.rstrip('/')}{SEAL_ROOT_PATH}."
    )
    if body.signer is not None:
        message += " Dit formulier is ook ondertekend met de eID: geef daarvoor de "
        message += "basiscertificaten van de eID op (--trust-eid)."
    return fails("seal-certificate", message)


def _pdf_receipt_check(parsed: ParsedJws, shown: object, seal: PdfSeal) -> Check:
    if not parsed.signature_holds() or parsed.certificates[0] != seal.signer_certificate:
        return fails(
            "pdf-receipt",
            f"Het ontvangstbewijs in het PDF-bestand ({EMBEDDED_JWS}) is niet met hetzelfde "
            "zegel verzegeld.",
        )
    if shown != parsed.receipt:
        return fails(
            "pdf-receipt",
            f"De bijlage {EMBEDDED_JSON} in het PDF-bestand verschilt van het verzegelde "
            f"ontvangstbewijs ({EMBEDDED_JWS}).",
        )
    return holds(
        "pdf-receipt",
        "Het PDF-bestand bevat hetzelfde ontvangstbewijs in machineleesbare vorm, met hetzelfde "
        "zegel.",
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
