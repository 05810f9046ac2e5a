"""The receipt (ontvangstbewijs): what the city confirms about one filing, as a JSON value.

The body says what was filed; it is the leaf of the public log (`leaf_hash` of its RFC 8785
bytes), so it cannot carry the log position itself. The full receipt adds `log`: where the
leaf sits in the log and the sealed tree head that proves it.

    {
      "type": "formkit.receipt.v1",
      "number": "EVT-2026-000123",
      "form": "evenement", "form_title": "Evenement aanvragen", "version": "sha256:<hex>",
      "filed_at": "2026-11-28T10:00:00Z",                  RFC 3339, UTC
      "answers_sha256": "<hex>",                           SHA-256 of the RFC 8785 answers
      "attachments": [{"pointer": "/bijlagen/grondplan", "name": "grondplan.pdf",
                       "size": 123456, "media_type": "application/pdf", "sha256": "<hex>"}],
      "signer": null | {"name": "Anna Peeters", "national_number_masked": "85.07.30-***.**",
                        "certificate": "<base64 DER>", "chain": ["<base64 DER>", ...],
                        "certificate_sha256": "<hex>", "hash": "SHA-384",
                        "signed_digest": "<base64>", "signature": "<base64>"},
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
The signer's certificate travels whole, so anyone can check the signature offline; it names
the national register number, so the receipt, like the card, is its holder's to share.

Reading is strict: a member missing, extra, of the wrong type or not in the one written form
is a `ReceiptError`, so two different byte strings never read as the same receipt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from formkit._errors import FormkitError
from formkit.eid import HASHES, SignerIdentity
from formkit.filing._filing import Attachment, canonical, filing_document
from formkit.receipts._merkle import MAX_JSON_INT, InclusionProof, leaf_hash
from formkit.receipts._seal import SealError, load_certificate
from formkit.receipts._treehead import SignedTreeHead

RECEIPT_TYPE = "formkit.receipt.v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
VERIFICATION_CODE = re.compile(r"[A-Za-z0-9_-]{22}")  # 16 random bytes, base64url


class ReceiptError(FormkitError):
    """A receipt that cannot be made or read; the message says which member and why."""


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
            _count(members, "size"),
            text_of(members, "media_type"),
            _hex(members, "sha256"),
        )


@dataclass(frozen=True, slots=True)
class CitizenSignature:
    """The citizen's eID signature over the answers, with the certificate that made it."""

    name: str
    national_number_masked: str
    certificate: bytes  # DER
    chain: tuple[bytes, ...]  # the CA certificates the card gave along (DER)
    hash: str  # "SHA-384": the hash of signed_digest
    signed_digest: bytes
    signature: bytes  # r||s (EC) or PKCS#1 v1.5 (RSA), as the card made it

    @classmethod
    def of(
        cls,
        identity: SignerIdentity,
        *,
        certificate: bytes,
        chain: Iterable[bytes] = (),
        hash_name: str,
        signed_digest: bytes,
        signature: bytes,
    ) -> CitizenSignature:
        """The signature `formkit.eid.verify_signed_digest` accepted from `identity`."""
        return cls(
            f"{identity.given_name} {identity.surname}",
            identity.masked_national_number,
            certificate,
            tuple(chain),
            hash_name,
            signed_digest,
            signature,
        )

    @property
    def certificate_sha256(self) -> str:
        return hashlib.sha256(self.certificate).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "national_number_masked": self.national_number_masked,
            "certificate": _b64(self.certificate),
            "chain": [_b64(certificate) for certificate in self.chain],
            "certificate_sha256": self.certificate_sha256,
            "hash": self.hash,
            "signed_digest": _b64(self.signed_digest),
            "signature": _b64(self.signature),
        }

    @classmethod
    def from_dict(cls, data: object) -> CitizenSignature:
        keys = {"name", "national_number_masked", "certificate", "chain"}
        keys |= {"certificate_sha256", "hash", "signed_digest", "signature"}
        members = members_of(data, "signer", keys)
        chain = members["chain"]
        if not isinstance(chain, list):
            raise ReceiptError("signer.chain must be a list")
        hash_name = text_of(members, "hash")
        if hash_name not in HASHES:
            raise ReceiptError(f"signer.hash must be one of {', '.join(HASHES)}")
        signature = cls(
            text_of(members, "name"),
            text_of(members, "national_number_masked"),
            _unb64(members["certificate"], "signer.certificate"),
            tuple(_unb64(item, "signer.chain") for item in chain),
            hash_name,
            _unb64(members["signed_digest"], "signer.signed_digest"),
            _unb64(members["signature"], "signer.signature"),
        )
        if _hex(members, "certificate_sha256") != signature.certificate_sha256:
            raise ReceiptError("signer.certificate_sha256 is not the hash of signer.certificate")
        try:
            for certificate in (signature.certificate, *signature.chain):
                load_certificate(certificate)
        except SealError as error:
            raise ReceiptError(f"signer: {error}") from None
        return signature


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
    signer: CitizenSignature | None
    issuer: Issuer
    verify_url: str

    def __post_init__(self) -> None:
        if self.filed_at.utcoffset() is None:
            raise ReceiptError("filed_at needs a time zone")
        if not _HEX64.fullmatch(self.answers_sha256):
            raise ReceiptError("answers_sha256 must be 64 lower-case hex digits")

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": RECEIPT_TYPE,
            "number": self.number,
            "form": self.form,
            "form_title": self.form_title,
            "version": self.version,
            "filed_at": format_moment(self.filed_at),
            "answers_sha256": self.answers_sha256,
            "attachments": [attachment.to_dict() for attachment in self.attachments],
            "signer": None if self.signer is None else self.signer.to_dict(),
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
        members = members_of(data, "receipt", BODY_KEYS)
        if members["type"] != RECEIPT_TYPE:
            raise ReceiptError(f"not a receipt: type is not {RECEIPT_TYPE!r}")
        attachments = members["attachments"]
        if not isinstance(attachments, list):
            raise ReceiptError("attachments must be a list")
        signer = members["signer"]
        body = cls(
            number=text_of(members, "number"),
            form=text_of(members, "form"),
            form_title=text_of(members, "form_title"),
            version=text_of(members, "version"),
            filed_at=parse_moment(members["filed_at"]),
            answers_sha256=_hex(members, "answers_sha256"),
            attachments=tuple(map(ReceiptAttachment.from_dict, attachments)),
            signer=None if signer is None else CitizenSignature.from_dict(signer),
            issuer=Issuer.from_dict(members["issuer"]),
            verify_url=text_of(members, "verify_url"),
        )
        if body.to_dict() != dict(members):
            raise ReceiptError("the receipt is not written the way formkit writes it")
        return body


BODY_KEYS = frozenset(
    {"type", "number", "form", "form_title", "version", "filed_at", "answers_sha256"}
    | {"attachments", "signer", "issuer", "verify_url"}
)


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
        members = members_of(data, "receipt", BODY_KEYS | {"log"})
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
        signer=signer,
        issuer=issuer,
        verify_url=verify_url or verification_url(issuer.url, verification_code()),
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


def format_moment(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`: `2026-11-28T10:00:00Z`, microseconds only when there."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def parse_moment(text: object, what: str = "filed_at") -> datetime:
    if not isinstance(text, str) or not _MOMENT.fullmatch(text):
        raise ReceiptError(f"{what} must be an RFC 3339 moment in UTC ending in Z")
    try:
        moment = datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise ReceiptError(f"{what} is no moment: {text!r}") from None
    if format_moment(moment) != text:
        raise ReceiptError(f"{what} is not written the way formkit writes it")
    return moment


def _digest(data: bytes, hash_name: str) -> bytes:
    if hash_name not in HASHES:
        raise ReceiptError(f"unknown hash {hash_name!r}")
    return hashlib.new(hash_name.replace("-", "").lower(), data).digest()


def members_of(data: object, what: str, keys: set[str] | frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ReceiptError(f"{what} must be a JSON object")
    missing, extra = keys - set(data), set(data) - keys
    if missing or extra:
        details = [f"missing {sorted(missing)}"] * bool(missing)
        details += [f"unexpected {sorted(extra)}"] * bool(extra)
        raise ReceiptError(f"{what}: {', '.join(details)}")
    return data


def text_of(members: Mapping[str, Any], key: str) -> str:
    value = members[key]
    if not isinstance(value, str):
        raise ReceiptError(f"{key} must be a string")
    return value


def _count(members: Mapping[str, Any], key: str) -> int:
    value = members[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_JSON_INT:
        raise ReceiptError(f"{key} must be a whole number from 0 to {MAX_JSON_INT}")
    return value


def _hex(members: Mapping[str, Any], key: str) -> str:
    value = text_of(members, key)
    if not _HEX64.fullmatch(value):
        raise ReceiptError(f"{key} must be 64 lower-case hex digits")
    return value


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str) or not text.isascii():
        raise ReceiptError(f"{what} must be a base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ReceiptError(f"{what} is not base64") from None
    if _b64(data) != text:  # one spelling only: no stray padding bits
        raise ReceiptError(f"{what} is not written the way formkit writes it")
    return data
