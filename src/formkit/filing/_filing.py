"""What a filing is, before any database sees it: answers bound to their attachments.

A citizen's answers name each attachment by a reference (`{"bestand": "grondplan.pdf"}`). On
filing every reference is replaced by the content address of the stored bytes
(`sha256:<hex>`), so the canonical answers alone pin down every attached byte, and the digest
a citizen signs or a receipt carries covers the attachments without a second list to keep in
step.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from formkit.filing._canonical import canonical
from formkit.forms import _pointer
from formkit.forms._model import Field, Form
from formkit.forms._problems import Problem
from formkit.forms._rules import CITY_TIME_ZONE

CONTENT_PREFIX = "sha256:"


@dataclass(frozen=True, slots=True)
class Blob:
    """Stored bytes as the blob store reports them."""

    sha256: str
    size: int
    media_type: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment of a dossier: where in the answers, which bytes."""

    pointer: str  # the attachment object in the answers, e.g. /bijlagen/grondplan
    sha256: str
    size: int
    media_type: str
    label: str


class Role(enum.StrEnum):
    """A person's part in a dossier (`formkit.filing._parties` says who is which)."""

    APPLICANT = "applicant"
    CO_APPLICANT = "co-applicant"
    SIGNER = "signer"


@dataclass(frozen=True, slots=True)
class Party:
    """A person of a dossier: the keyed hash of their national number, never the number."""

    national_number_key: str
    role: Role


@dataclass(frozen=True, slots=True)
class Limit:
    """A history rule applied to one person of a filing (`formkit.filing._limits`): checked
    where the earlier dossiers are counted, inside the filing's transaction."""

    pointer: str  # the answer that names the person: where a refusal shows
    national_number_key: str
    maximum: int
    period: str  # a calendar period (`formkit.forms._history`)
    message: str


@dataclass(frozen=True, slots=True)
class Filing:
    """Everything that makes a dossier, ready to be stored: one transaction, all or nothing."""

    form_id: str
    form_title: str
    prefix: str
    version: str
    answers: Mapping[str, Any]  # attachment references are content addresses
    attachments: tuple[Attachment, ...]
    channel: str  # "web" or "api:<key name>": who handed it in
    idempotency_key: str | None
    request_digest: str  # tells a retry of the same request from a different one
    signer: Mapping[str, Any] | None = None  # the citizen's eID signature, when the form asks
    authentication: Mapping[str, Any] | None = None  # or the sure login that filed instead
    parties: tuple[Party, ...] = ()  # whose "Mijn dossiers" lists it
    limits: tuple[Limit, ...] = ()  # how many dossiers of this form its persons may have


@dataclass(frozen=True, slots=True)
class Filed:
    """A filing stored: its number and moment."""

    number: str
    filed_at: datetime
    created: bool  # False: the same request was filed before; this is that dossier


@dataclass(frozen=True, slots=True)
class IdempotencyConflict:
    """The key was used before, for a different request: nothing is filed."""

    key: str
    number: str  # of the dossier the key filed first


@dataclass(frozen=True, slots=True)
class OverLimit:
    """A person of the filing has reached a history rule's limit: nothing was filed."""

    problems: tuple[Problem, ...]


Outcome = Filed | IdempotencyConflict | OverLimit


FILING_TYPE = "formkit.filing.v1"


def filing_document(form_id: str, version: str, answers: Any) -> dict[str, Any]:
    """What a citizen's eID signature covers: the form, its exact version, the bound answers."""
    return {"type": FILING_TYPE, "form": form_id, "version": version, "answers": answers}


def digest(document: Any) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def attachment_refs(form: Form, answers: Any) -> Iterator[tuple[str, Field, str, str]]:
    """Yield (pointer, slot, reference, client label) for every attachment in the answers."""
    for field in form.attachment_slots:
        for pointer in concrete_pointers(answers, field.pointer):
            node = _pointer.resolve(answers, pointer)
            items = node if isinstance(node, list) else [node]
            for index, item in enumerate(items):
                if isinstance(item, Mapping) and isinstance(item.get("bestand"), str):
                    at = _pointer.join(pointer, index) if isinstance(node, list) else pointer
                    yield at, field, item["bestand"], str(item.get("naam") or "")


def bind_attachments(
    form: Form, answers: Mapping[str, Any], blobs: Mapping[str, Blob]
) -> tuple[dict[str, Any], tuple[Attachment, ...], list[Problem]]:
    """Replace each reference by the content address of its blob, checking the slot's limits.

    `blobs` maps references to the stored blobs; a reference that is already a content address
    must be among them too (the caller proves the submitter owns those bytes).
    """
    refs = list(attachment_refs(form, answers))
    if not refs:  # nothing to replace: the answers are bound as they are
        return dict(answers), (), []
    bound: dict[str, Any] = _copy(answers)
    attachments: list[Attachment] = []
    problems: list[Problem] = []
    for pointer, field, reference, label in refs:
        blob = blobs.get(reference)
        if blob is None:
            problems.append(Problem(pointer + "/bestand", "attachment-missing", _MISSING))
            continue
        problem = _slot_problem(field, pointer, blob)
        if problem is not None:
            problems.append(problem)
            continue
        name = label or blob.label or "bijlage"
        node = _pointer.resolve(bound, pointer)
        node["bestand"] = CONTENT_PREFIX + blob.sha256
        node["naam"] = name
        attachments.append(Attachment(pointer, blob.sha256, blob.size, blob.media_type, name))
    return bound, tuple(attachments), problems


def filing_request_digest(form_id: str, answers: Any, blobs: Mapping[str, Blob]) -> str:
    """What a retried request must repeat to count as the same: form, answers and bytes.

    Computed before the answers are validated, so over any JSON at all: msgspec's sorted
    encoding is deterministic, and only this service compares these digests.
    """
    files = {reference: blob.sha256 for reference, blob in blobs.items()}
    document = {"form": form_id, "answers": answers, "files": files}
    return hashlib.sha256(msgspec.json.encode(document, order="sorted")).hexdigest()


def dossier_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"


def city_year(moment: datetime) -> int:
    return moment.astimezone(CITY_TIME_ZONE).year


_MISSING = "Dit bestand ontbreekt. Laad het opnieuw op."


def _slot_problem(field: Field, pointer: str, blob: Blob) -> Problem | None:
    rule = field.attachment
    if rule is None:
        return None
    if blob.media_type not in rule.media_types:
        allowed = ", ".join(sorted(t.split("/")[-1].upper() for t in rule.media_types))
        message = f"Dit soort bestand aanvaarden we niet. Kies een bestand van het type {allowed}."
        return Problem(pointer + "/bestand", "attachment-media-type", message)
    if blob.size > rule.max_bytes:
        limit = rule.max_bytes / 1_000_000
        message = f"Dit bestand is te groot. Het mag hoogstens {limit:g} MB zijn."
        return Problem(pointer + "/bestand", "attachment-too-large", message)
    return None


def concrete_pointers(document: Any, generic: str) -> Iterator[str]:
    """Every concrete pointer in the document matching a generic one (`*` for array items)."""
    yield from _expand(document, _pointer.tokens(generic), "")


def _expand(node: Any, tokens: list[str], at: str) -> Iterator[str]:
    if not tokens:
        yield at
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _expand(item, rest, _pointer.join(at, index))
    elif isinstance(node, Mapping) and head in node:
        yield from _expand(node[head], rest, _pointer.join(at, head))


def _copy(document: Any) -> Any:
    if isinstance(document, Mapping):
        return {key: _copy(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_copy(item) for item in document]
    return document


__all__ = [
    "CONTENT_PREFIX",
    "Attachment",
    "Blob",
    "Filed",
    "Filing",
    "IdempotencyConflict",
    "Limit",
    "Outcome",
    "OverLimit",
    "Party",
    "Role",
    "attachment_refs",
    "bind_attachments",
    "canonical",
    "city_year",
    "concrete_pointers",
    "digest",
    "dossier_number",
    "filing_request_digest",
]
