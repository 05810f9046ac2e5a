"""What /verificatie shows of a checked receipt: a verdict, what it covers, each check.

`Verdict.of` turns a `Report` (and the attachments the person chose, hashed) into plain values
for the template, in Dutch. The verdict is about the receipt: whether the city sealed it as it
is. Whether chosen files are its attachments is said per attachment, beside it: a wrong file
does not make the receipt less genuine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from formkit.forms import _strict_json
from formkit.forms._dutch import moment_text, size_text
from formkit.receipts import (
    RECEIPT_TYPE,
    RECEIPT_TYPE_V1,
    Authentication,
    ReceiptAttachment,
    Report,
)
from formkit.web._verification_post import HashedFile

# The verdict names what failed first in a few words; the checks below say all in full.
_REASONS = {
    "readable": "het bestand is geen leesbaar ontvangstbewijs",
    "seal": "het werd gewijzigd na het verzegelen",
    "seal-certificate": "het zegel is niet dat van de stad",
    "pdf-receipt": "het PDF-bestand en het ontvangstbewijs erin verschillen",
    "pdf-letter": "het PDF-bestand en de beslissing erin verschillen",
    "timestamp": "de tijdstempel klopt niet",
    "tree-head": "de stand van het register is niet met het zegel van de stad ondertekend",
    "inclusion": "het dossier staat niet in het register op het ontvangstbewijs",
    "citizen-signature": "de eID-handtekening is niet geldig",
}
UNSEALED_JSON = (
    "Dit is het leesbare ontvangstbewijs zonder zegel (ontvangstbewijs.json). Kies het "
    "PDF-bestand of het .jws-bestand: die dragen het zegel van de stad."
)

Match = Literal["match", "differs", "missing", "unchecked"]


@dataclass(frozen=True, slots=True)
class CheckLine:
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class AttachmentLine:
    """One attachment the receipt lists, and whether a chosen file is that attachment."""

    name: str
    size: str  # in words: "12,3 kB"
    media_type: str
    sha256: str
    match: Match
    message: str  # what `match` means for this attachment; empty when nothing was checked


@dataclass(frozen=True, slots=True)
class Covered:
    """What the receipt says was filed."""

    number: str
    form_title: str
    filed_at: str  # in the city's time, in words
    issuer: str
    signer: str | None  # "Anna Peeters (rijksregisternummer 85.07.30-***.**)"
    logged_in: str | None  # filed unsigned after a sure login: who, and how
    attachments: tuple[AttachmentLine, ...]
    strangers: tuple[str, ...]  # chosen files that are none of the attachments
    files_chosen: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    headline: str
    checks: tuple[CheckLine, ...]
    covered: Covered | None  # None: the file was no receipt
    hint: str  # advice when the file was almost right

    @classmethod
    def of(cls, report: Report, data: bytes, files: Sequence[HashedFile]) -> Verdict:
        checks = tuple(CheckLine(check.ok, check.message) for check in report.checks)
        covered = None if report.receipt is None else _covered(report, files)
        hint = UNSEALED_JSON if report.receipt is None and _unsealed_json(data) else ""
        return cls(report.ok, headline(report), checks, covered, hint)


def headline(report: Report) -> str:
    what = "Deze beslissing" if report.letter is not None else "Dit ontvangstbewijs"
    if report.ok:
        return f"{what} is echt"
    # The checks go from the file to its seal to what it says: the first failure is the
    # cause, and later ones often follow from it (a changed PDF no longer has a trusted seal).
    first = report.failures[0]
    reason = _REASONS.get(first.id) or first.message.rstrip(".")
    return f"{what} is NIET in orde: {reason}."


def _covered(report: Report, files: Sequence[HashedFile]) -> Covered:
    assert report.receipt is not None
    body = report.receipt.body
    signer = body.signer
    named = {a.sha256 for a in body.attachments}
    return Covered(
        number=body.number,
        form_title=body.form_title,
        filed_at=moment_text(body.filed_at),
        issuer=body.issuer.name,
        signer=None
        if signer is None
        else f"{signer.name} (rijksregisternummer {signer.national_number_masked})",
        logged_in=None if body.authentication is None else _logged_in(body.authentication),
        attachments=tuple(_attachment(a, files) for a in body.attachments),
        strangers=tuple(f.name for f in files if f.sha256 not in named),
        files_chosen=bool(files),
    )


def _logged_in(login: Authentication) -> str:
    who = f"{login.name} (rijksregisternummer {login.national_number_masked})"
    return f"{who}, aangemeld via {login.provider_name}, betrouwbaarheidsniveau {login.assurance}"


def _attachment(attachment: ReceiptAttachment, files: Sequence[HashedFile]) -> AttachmentLine:
    def line(match: Match, message: str) -> AttachmentLine:
        size = size_text(attachment.size)
        return AttachmentLine(
            attachment.name, size, attachment.media_type, attachment.sha256, match, message
        )

    if not files:
        return line("unchecked", "")
    same = [f for f in files if f.sha256 == attachment.sha256]
    if same:
        chosen = next((f for f in same if f.name == attachment.name), same[0])
        if chosen.name == attachment.name:
            return line("match", "Het gekozen bestand komt overeen.")
        return line("match", f"Het gekozen bestand {chosen.name} komt overeen.")
    if any(f.name == attachment.name for f in files):
        return line(
            "differs",
            f"Het gekozen bestand {attachment.name} verschilt van deze bijlage (een andere "
            "SHA-256).",
        )
    return line("missing", "Geen van de gekozen bestanden is deze bijlage.")


def _unsealed_json(data: bytes) -> bool:
    """Whether `data` is a receipt's JSON without its seal (what the PDF shows as a file)."""
    try:
        document = _strict_json.decode(data)
    except _strict_json.JsonError:
        return False
    return isinstance(document, dict) and document.get("type") in (RECEIPT_TYPE, RECEIPT_TYPE_V1)
