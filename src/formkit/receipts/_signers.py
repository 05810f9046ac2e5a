"""Who stands behind a filing, as a receipt says it: an eID signature, or a login.

A receipt carries no full national register number, because its holder shows it to others.
Since `formkit.receipt.v2` a signed receipt names the signer (`Signer`): name, masked number,
and the hashes of the certificate and of the signature, under the city's seal. The
certificate itself names the full number (its serialNumber), so it stays in the dossier, and
the holder gets it apart as the signature evidence (`SignatureEvidence`), which
`formkit verify --evidence` checks together with the receipt. A receipt of the first version
(`formkit.receipt.v1`) carried the whole signature (`CitizenSignature`); it still reads and
verifies as it always did.

A form may also accept a filing by a citizen logged in at a high level of assurance, without
a card signature (`"signature": "eid-or-login"`). The receipt then records the login
(`Authentication`): who, the masked number, which provider, at what level, and when.

    "signer": {"name": "Anna Peeters", "national_number_masked": "85.07.30-***.**",
               "certificate_sha256": "<hex>", "hash": "SHA-384",
               "signed_digest": "<base64>", "signature_sha256": "<hex>"}
    "authentication": {"name": "Anna Peeters", "national_number_masked": "85.07.30-***.**",
                       "provider": "fas", "level": "urn:be:fedict:iam:fas:Level450",
                       "assurance": "hoog", "at": "2026-11-28T09:58:00Z"}

    evidence = {"type": "formkit.signature-evidence.v1", "number": "BVA-2026-000001",
                "signer": {<CitizenSignature: certificate, chain, signature, ...>}}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from formkit.eid import HASHES, SignerIdentity
from formkit.forms import _strict_json
from formkit.receipts._members import (
    ReceiptError,
    b64,
    format_moment,
    hex_of,
    members_of,
    parse_moment,
    text_of,
    unb64,
)
from formkit.receipts._seal import SealError, load_certificate

EVIDENCE_TYPE = "formkit.signature-evidence.v1"
PROVIDER_NAMES = {
    "fas": "de federale authenticatiedienst (CSAM: eID-kaart of itsme)",
    "eid": "de eID-kaart (Web eID)",
}


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

    @property
    def signature_sha256(self) -> str:
        return hashlib.sha256(self.signature).hexdigest()

    def summary(self) -> Signer:
        """What a receipt says of this signature: no certificate, so no national number."""
        return Signer(
            self.name,
            self.national_number_masked,
            self.certificate_sha256,
            self.hash,
            self.signed_digest,
            self.signature_sha256,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "national_number_masked": self.national_number_masked,
            "certificate": b64(self.certificate),
            "chain": [b64(certificate) for certificate in self.chain],
            "certificate_sha256": self.certificate_sha256,
            "hash": self.hash,
            "signed_digest": b64(self.signed_digest),
            "signature": b64(self.signature),
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
            unb64(members["certificate"], "signer.certificate"),
            tuple(unb64(item, "signer.chain") for item in chain),
            hash_name,
            unb64(members["signed_digest"], "signer.signed_digest"),
            unb64(members["signature"], "signer.signature"),
        )
        if hex_of(members, "certificate_sha256") != signature.certificate_sha256:
            raise ReceiptError("signer.certificate_sha256 is not the hash of signer.certificate")
        try:
            for certificate in (signature.certificate, *signature.chain):
                load_certificate(certificate)
        except SealError as error:
            raise ReceiptError(f"signer: {error}") from None
        return signature


@dataclass(frozen=True, slots=True)
class Signer:
    """The citizen's eID signature as a receipt names it: hashes, not the certificate."""

    name: str
    national_number_masked: str
    certificate_sha256: str
    hash: str  # "SHA-384": the hash of signed_digest
    signed_digest: bytes
    signature_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "national_number_masked": self.national_number_masked,
            "certificate_sha256": self.certificate_sha256,
            "hash": self.hash,
            "signed_digest": b64(self.signed_digest),
            "signature_sha256": self.signature_sha256,
        }

    @classmethod
    def from_dict(cls, data: object) -> Signer:
        keys = {"name", "national_number_masked", "certificate_sha256", "hash"}
        members = members_of(data, "signer", keys | {"signed_digest", "signature_sha256"})
        return cls(
            text_of(members, "name"),
            text_of(members, "national_number_masked"),
            hex_of(members, "certificate_sha256"),
            _hash_name(members),
            unb64(members["signed_digest"], "signer.signed_digest"),
            hex_of(members, "signature_sha256"),
        )

    def mismatch(self, signature: CitizenSignature) -> str | None:
        """Which member of `signature` is not the one this receipt names; None: all are."""
        for member in ("name", "national_number_masked", "certificate_sha256", "hash"):
            if getattr(signature, member) != getattr(self, member):
                return member
        if signature.signed_digest != self.signed_digest:
            return "signed_digest"
        if signature.signature_sha256 != self.signature_sha256:
            return "signature_sha256"
        return None


@dataclass(frozen=True, slots=True)
class Authentication:
    """A login that stands in for the card signature: who, how sure, where and when."""

    name: str
    national_number_masked: str
    provider: str  # "fas" or "eid" (`formkit.accounts.PROVIDERS`)
    level: str  # the provider's own value, as it came
    assurance: str  # "hoog": only a high level files without a signature
    at: datetime  # when the citizen logged in

    def __post_init__(self) -> None:
        if self.at.utcoffset() is None:
            raise ReceiptError("authentication.at needs a time zone")

    @property
    def provider_name(self) -> str:
        return PROVIDER_NAMES.get(self.provider, self.provider)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "national_number_masked": self.national_number_masked,
            "provider": self.provider,
            "level": self.level,
            "assurance": self.assurance,
            "at": format_moment(self.at),
        }

    @classmethod
    def from_dict(cls, data: object) -> Authentication:
        keys = {"name", "national_number_masked", "provider", "level", "assurance", "at"}
        members = members_of(data, "authentication", keys)
        return cls(
            text_of(members, "name"),
            text_of(members, "national_number_masked"),
            text_of(members, "provider"),
            text_of(members, "level"),
            text_of(members, "assurance"),
            parse_moment(members["at"], "authentication.at"),
        )


@dataclass(frozen=True, slots=True)
class SignatureEvidence:
    """The signature a receipt names by its hashes, for whoever must check it themselves.

    It names the full national number (inside the certificate): its holder gives it only to
    whom must check the signature, and a receipt alone can be shown to anyone.
    """

    number: str  # the dossier's
    signature: CitizenSignature

    def to_dict(self) -> dict[str, Any]:
        return {"type": EVIDENCE_TYPE, "number": self.number, "signer": self.signature.to_dict()}

    def to_json(self) -> bytes:
        return (json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n").encode()

    @classmethod
    def from_dict(cls, data: object) -> SignatureEvidence:
        members = members_of(data, "evidence", {"type", "number", "signer"})
        if members["type"] != EVIDENCE_TYPE:
            raise ReceiptError(f"not signature evidence: type is not {EVIDENCE_TYPE!r}")
        return cls(text_of(members, "number"), CitizenSignature.from_dict(members["signer"]))


def read_evidence(data: bytes) -> SignatureEvidence:
    """Signature evidence from its JSON bytes; ReceiptError names what is wrong."""
    try:
        document = _strict_json.decode(data)
    except ValueError as error:
        raise ReceiptError(f"the signature evidence is no JSON ({error})") from None
    return SignatureEvidence.from_dict(document)


def _hash_name(members: Mapping[str, Any]) -> str:
    hash_name = text_of(members, "hash")
    if hash_name not in HASHES:
        raise ReceiptError(f"signer.hash must be one of {', '.join(HASHES)}")
    return hash_name
