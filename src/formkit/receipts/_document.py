"""The receipt (ontvangstbewijs): what the city confirms about one filing, as a JSON value.

The body says what was filed; it is the leaf of the public log (`leaf_hash` of its RFC 8785
bytes), so it cannot carry the log position itself. The full receipt adds `log`: where the
leaf sits in the log and the sealed tree head that proves it.

    {
      "type": "formkit.receipt.v2",
      "number": "EVT-2026-000123",
      "form": "evenement", "form_title": "Evenement aanvragen", "version": "sha256:<hex>",
      "filed_at": "2026-11-28T10:00:00Z",                  RFC 3339, UTC
      "answers_sha256": "<hex>",                           SHA-256 of the RFC 8785 answers
      "attachments": [{"pointer": "/bijlagen/grondplan", "name": "grondplan.pdf",
                       "size": 123456, "media_type": "application/pdf", "sha256": "<hex>"}],
      "signer": null | {...},                              the eID signature (`_signers`)
      "authentication": null | {...},                      or the login that filed (`_signers`)
      "issuer": {"name": "Stad Mechelen", "url": "https://loket.mechelen.be"},
      "verify_url": "https://loket.mechelen.be/verificatie?code=<22 characters>",
      "log": {"leaf_index": 122, "tree_size": 123, "audit_path": ["<base64url>", ...],
              "tree_head": {"tree_size": 123, "root_hash": "<base64url>",
                            "timestamp_ms": 1795000000000, "signature": "<base64url>"}}
    }

`verify_url` is where the QR code on the PDF leads. Its `code` is 128 random bits, made with
the body: the public look-up on /verificatie finds a dossier by that code, never by its number,
so that nobody can walk the gapless numbers to learn how many filings came in, and when. The
code is random rather than the leaf hash because a receipt's inclusion proof hands its holder
a neighbour's leaf hash. Receipts issued before the code existed say `?dossier=<number>`;
they verify as they always did, but their link looks nothing up any more.

The citizen signs (with the eID card) `signed_digest` = `hash` over the same RFC 8785 answers
whose SHA-256 is `answers_sha256`; the answers bind every attachment by its content address.
The receipt names the signer by the hashes of certificate and signature; the certificate
names the full national register number, so it travels apart, in the signature evidence
(`formkit.receipts._signers`). A `formkit.receipt.v1` receipt, issued before, carried the
whole signature; it still reads, as written then.

Reading is strict: a member missing, extra, of the wrong type or not in the one written form
is a `ReceiptError`, so two different byte strings never read as the same receipt.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from formkit.eid import HASHES
from formkit.filing._filing import Attachment, canonical, filing_document
from formkit.receipts._members import (
    ReceiptError,
    count_of,
    format_moment,
    hex_of,
    is_hex64,
    members_of,
    parse_moment,
    text_of,
)
from formkit.receipts._merkle import InclusionProof, leaf_hash
from formkit.receipts._signers import Authentication, CitizenSignature, Signer
from formkit.receipts._treehead import SignedTreeHead

RECEIPT_TYPE = "formkit.receipt.v2"
RECEIPT_TYPE_V1 = "formkit.receipt.v1"  # the signer's certificate inside: still read
VERIFICATION_CODE = re.compile(r"[A-Za-z0-9_-]{22}")  # 16 random bytes, base64url


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issues the receipt: the city's name and the base URL of its e-loket."""

    name: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url}

    @classmethod
    def from_dict(cls, data: object) -> Issuer:
        members = members_of(data, "issuer", {"name", "url"})
        return cls(text_of(members, "name"), text_of(members, "url"))


@dataclass(frozen=True, slots=True)
class ReceiptAttachment:
    """One attachment as the receipt lists it; `sha256` is hex."""

    pointer: str
    name: str
    size: int
    media_type: str
    sha256: str

    @classmethod
    def of(cls, attachment: Attachment) -> ReceiptAttachment:
        return cls(
            attachment.pointer,
            attachment.label,
            attachment.size,
            attachment.media_type,
            attachment.sha256,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pointer": self.pointer,
            "name": self.name,
            "size": self.size,
            "media_type": self.media_type,
            "sha256": self.sha256,
        }

    @classmethod
    def from_dict(cls, data: object) -> ReceiptAttachment:
        keys = {"pointer", "name", "size", "media_type", "sha256"}
        members = members_of(data, "attachment", keys)
        return cls(
            text_of(members, "pointer"),
            text_of(members, "name"),
            count_of(members, "size"),
            text_of(members, "media_type"),
            hex_of(members, "sha256"),
        )


@dataclass(frozen=True, slots=True)
class ReceiptBody:
    """What was filed: the leaf of the log. Build one with `receipt_body`."""

    number: str
    form: str
    form_title: str
    version: str
    filed_at: datetime
    answers_sha256: str
    attachments: tuple[ReceiptAttachment, ...]
    signer: Signer | None
    issuer: Issuer
    verify_url: str
    authentication: Authentication | None = None
    # A v1 receipt: the whole signature travelled in it, and its body is written as then.
    v1_signature: CitizenSignature | None = None
    type: str = RECEIPT_TYPE

    def __post_init__(self) -> None:
        if self.filed_at.utcoffset() is None:
            raise ReceiptError("filed_at needs a time zone")
        if not is_hex64(self.answers_sha256):
            raise ReceiptError("answers_sha256 must be 64 lower-case hex digits")

    def to_dict(self) -> dict[str, Any]:
        if self.type == RECEIPT_TYPE_V1:
            signer = self.v1_signature and self.v1_signature.to_dict()
            return {**self._common(), "signer": signer}
        return {
            **self._common(),
            "signer": None if self.signer is None else self.signer.to_dict(),
            "authentication": None
            if self.authentication is None
            else self.authentication.to_dict(),
        }

    def _common(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "number": self.number,
            "form": self.form,
            "form_title": self.form_title,
            "version": self.version,
            "filed_at": format_moment(self.filed_at),
            "answers_sha256": self.answers_sha256,
            "attachments": [attachment.to_dict() for attachment in self.attachments],
            "issuer": self.issuer.to_dict(),
            "verify_url": self.verify_url,
        }

    def canonical(self) -> bytes:
        """The RFC 8785 bytes of the body: what the log's leaf hashes."""
        return canonical(self.to_dict())

    def leaf_hash(self) -> bytes:
        """The body's leaf in the log: SHA-256(0x00 || RFC 8785 body)."""
        return leaf_hash(self.canonical())

    @classmethod
    def from_dict(cls, data: object) -> ReceiptBody:
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in (RECEIPT_TYPE, RECEIPT_TYPE_V1):
            raise ReceiptError(f"not a receipt: type is not {RECEIPT_TYPE!r}")
        members = members_of(data, "receipt", BODY_KEYS if kind == RECEIPT_TYPE else BODY_KEYS_V1)
        attachments = members["attachments"]
        if not isinstance(attachments, list):
            raise ReceiptError("attachments must be a list")
        body = cls(
            number=text_of(members, "number"),
            form=text_of(members, "form"),
            form_title=text_of(members, "form_title"),
            version=text_of(members, "version"),
            filed_at=parse_moment(members["filed_at"]),
            answers_sha256=hex_of(members, "answers_sha256"),
            attachments=tuple(map(ReceiptAttachment.from_dict, attachments)),
            issuer=Issuer.from_dict(members["issuer"]),
            verify_url=text_of(members, "verify_url"),
            type=kind,
            **_filed_by(members),
        )
        if body.to_dict() != dict(members):
            raise ReceiptError("the receipt is not written the way formkit writes it")
        return body


def _filed_by(members: Mapping[str, Any]) -> dict[str, Any]:
    """The body's signer, authentication and (v1) whole signature, as read."""
    signer = members["signer"]
    if members["type"] == RECEIPT_TYPE_V1:
        whole = None if signer is None else CitizenSignature.from_dict(signer)
        return {"signer": whole and whole.summary(), "v1_signature": whole}
    authentication = members["authentication"]
    if signer is not None and authentication is not None:
        raise ReceiptError("a receipt has a signer or an authentication, not both")
    return {
        "signer": None if signer is None else Signer.from_dict(signer),
        "authentication": None
        if authentication is None
        else Authentication.from_dict(authentication),
    }


BODY_KEYS_V1 = frozenset(
    {"type", "number", "form", "form_title", "version", "filed_at", "answers_sha256"}
    | {"attachments", "signer", "issuer", "verify_url"}
)
BODY_KEYS = BODY_KEYS_V1 | {"authentication"}


@dataclass(frozen=True, slots=True)
class Receipt:
    """The full receipt: the body, its inclusion proof and the sealed tree head it leads to."""

    body: ReceiptBody
    proof: InclusionProof
    tree_head: SignedTreeHead

    def to_dict(self) -> dict[str, Any]:
        return {**self.body.to_dict(), "log": log_to_dict(self.proof, self.tree_head)}

    @classmethod
    def from_dict(cls, data: object) -> Receipt:
        """Read a full receipt; ReceiptError names what is wrong. Proofs are not checked here."""
        keys = (
            BODY_KEYS_V1
            if isinstance(data, dict) and data.get("type") == RECEIPT_TYPE_V1
            else BODY_KEYS
        )
        members = members_of(data, "receipt", keys | {"log"})
        body = ReceiptBody.from_dict({k: v for k, v in members.items() if k != "log"})
        return cls(body, *log_from_dict(members["log"]))


def log_to_dict(proof: InclusionProof, tree_head: SignedTreeHead) -> dict[str, Any]:
    """The `log` member of a sealed document: where its leaf sits, and the sealed tree head."""
    return {**proof.to_dict(), "tree_head": tree_head.to_dict()}


def log_from_dict(data: object) -> tuple[InclusionProof, SignedTreeHead]:
    """Read a `log` member; ReceiptError names what is wrong. The proof is not checked here."""
    log = members_of(data, "log", {"leaf_index", "tree_size", "audit_path", "tree_head"})
    try:
        proof = InclusionProof.from_dict({k: v for k, v in log.items() if k != "tree_head"})
        tree_head = SignedTreeHead.from_dict(log["tree_head"])
    except ValueError as error:
        raise ReceiptError(f"log: {error}") from None
    if proof.tree_size != tree_head.head.tree_size:
        raise ReceiptError("log.tree_size differs from the tree head's size")
    return proof, tree_head


def check_inclusion(leaf: bytes, proof: InclusionProof, tree_head: SignedTreeHead) -> None:
    """ReceiptError unless `proof` leads from `leaf` to the tree head's root."""
    if proof.tree_size != tree_head.head.tree_size:
        raise ReceiptError("the inclusion proof is for another tree size than the tree head")
    if not proof.verify(leaf, tree_head.head.root_hash):
        raise ReceiptError("the inclusion proof does not lead to the tree head's root")


def receipt_body(
    *,
    number: str,
    form_id: str,
    form_title: str,
    version: str,
    filed_at: datetime,
    answers: Any,
    attachments: Iterable[Attachment],
    issuer: Issuer,
    signer: CitizenSignature | None = None,
    authentication: Authentication | None = None,
    verify_url: str | None = None,
) -> ReceiptBody:
    """The body of a filing's receipt, from the dossier as stored.

    `answers` are the bound answers (attachments as `sha256:<hex>`). `verify_url` defaults to
    the verification page with a fresh random code. When the citizen signed,
    `signer.signed_digest` must be `signer.hash` over exactly these answers (RFC 8785):
    a receipt never vouches for a signature over anything else (ReceiptError).
    """
    answers_bytes = canonical(answers)
    if signer is not None and signer.signed_digest != filing_digest(
        form_id, version, answers, signer.hash
    ):
        raise ReceiptError("the citizen's signed digest is not the digest of these answers")
    return ReceiptBody(
        number=number,
        form=form_id,
        form_title=form_title,
        version=version,
        filed_at=filed_at.astimezone(UTC),
        answers_sha256=hashlib.sha256(answers_bytes).hexdigest(),
        attachments=tuple(map(ReceiptAttachment.of, attachments)),
        signer=None if signer is None else signer.summary(),
        issuer=issuer,
        verify_url=verify_url or verification_url(issuer.url, verification_code()),
        authentication=authentication,
    )


def assemble_receipt(
    body: ReceiptBody, proof: InclusionProof, tree_head: SignedTreeHead
) -> Receipt:
    """The full receipt; ReceiptError when the proof does not lead from the body to the head."""
    check_inclusion(body.leaf_hash(), proof, tree_head)
    return Receipt(body, proof, tree_head)


def verification_code() -> str:
    """A fresh code for a receipt's link: 128 random bits, 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


def verification_url(base_url: str, code: str) -> str:
    """Where the QR code leads: `<base>/verificatie?code=<code>`."""
    return f"{base_url.rstrip('/')}/verificatie?code={code}"


def verification_code_of(verify_url: str) -> str | None:
    """The verification code in a receipt's `verify_url`; None for a link from before codes."""
    codes = parse_qs(urlsplit(verify_url).query).get("code", [])
    return codes[0] if len(codes) == 1 and VERIFICATION_CODE.fullmatch(codes[0]) else None


def filing_digest(form_id: str, version: str, answers: Any, hash_name: str) -> bytes:
    """What the citizen's card signed: `hash_name` over the RFC 8785 filing document."""
    return _digest(canonical(filing_document(form_id, version, answers)), hash_name)


def _digest(data: bytes, hash_name: str) -> bytes:
    if hash_name not in HASHES:
        raise ReceiptError(f"unknown hash {hash_name!r}")
    return hashlib.new(hash_name.replace("-", "").lower(), data).digest()
