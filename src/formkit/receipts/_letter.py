"""The decision letter (beslissing): what the city decided on a dossier, as a JSON value.

Like a receipt, the letter's body is a leaf of the public log (`leaf_hash` of its RFC 8785
bytes), and the full letter adds `log`: where that leaf sits and the sealed tree head that
proves it. The PDF letter carries it whole (`beslissing.json`, `beslissing.jws`), so
`formkit verify` checks a letter offline as it checks a receipt.

    {
      "type": "formkit.decision.v1",
      "number": "EVT-2026-000123",
      "form": "evenement", "form_title": "Evenement melden of aanvragen",
      "decided_at": "2026-12-10T09:30:00Z",                      RFC 3339, UTC
      "outcome": {"id": "toegestaan", "title": "Toegestaan", "favourable": true},
      "motivation": "...",
      "advice": [{"department": "politie", "title": "Politiezone Mechelen-Willebroek",
                  "opinion": "gunstig", "late": false}],          opinion null: none in time
      "decided_by": {"id": "college", "title": "College van burgemeester en schepenen"},
      "handled_by": {"id": "evenementenloket", "title": "Evenementenloket",
                     "mailbox": "evenementen@mechelen.be"},
      "addressee": null | {"name": "Anna Peeters", "address": ["Bruul 1", "2800 Mechelen"]},
      "issuer": {"name": "Stad Mechelen", "url": "https://loket.mechelen.be"},
      "log": {...}                                                as in a receipt
    }

The addressee is who the form's procedure names (`addressee`): a name and an address, never a
national register number. Reading is strict, as for receipts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from formkit.filing._filing import canonical
from formkit.receipts._document import Issuer, check_inclusion, log_from_dict, log_to_dict
from formkit.receipts._members import (
    ReceiptError,
    format_moment,
    members_of,
    parse_moment,
    text_of,
)
from formkit.receipts._merkle import InclusionProof, leaf_hash
from formkit.receipts._treehead import SignedTreeHead

LETTER_TYPE = "formkit.decision.v1"
OPINION_WORDS = {
    "gunstig": "gunstig",
    "voorwaardelijk-gunstig": "voorwaardelijk gunstig",
    "ongunstig": "ongunstig",
}


@dataclass(frozen=True, slots=True)
class Named:
    """Something the organisation names: an outcome, a deciding body, a department."""

    id: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title}

    @classmethod
    def from_dict(cls, data: object, what: str) -> Named:
        members = members_of(data, what, {"id", "title"})
        return cls(text_of(members, "id"), text_of(members, "title"))


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    id: str
    title: str
    favourable: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "favourable": self.favourable}

    @classmethod
    def from_dict(cls, data: object) -> DecisionOutcome:
        members = members_of(data, "outcome", {"id", "title", "favourable"})
        favourable = members["favourable"]
        if not isinstance(favourable, bool):
            raise ReceiptError("outcome.favourable must be true or false")
        return cls(text_of(members, "id"), text_of(members, "title"), favourable)


@dataclass(frozen=True, slots=True)
class HandlingDepartment:
    """The department that handled the dossier: whom the citizen asks about the decision."""

    id: str
    title: str
    mailbox: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "mailbox": self.mailbox}

    @classmethod
    def from_dict(cls, data: object) -> HandlingDepartment:
        members = members_of(data, "handled_by", {"id", "title", "mailbox"})
        return cls(*(text_of(members, key) for key in ("id", "title", "mailbox")))


@dataclass(frozen=True, slots=True)
class AdviceGiven:
    """One department's advice as the decision weighed it; `opinion` None: none in time."""

    department: str
    title: str
    opinion: str | None
    late: bool

    @property
    def words(self) -> str:
        """The advice in words: "voorwaardelijk gunstig", "geen advies binnen de termijn"."""
        if self.opinion is None:
            return "geen advies gegeven binnen de termijn"
        said = OPINION_WORDS.get(self.opinion, self.opinion)
        return f"{said} (geen antwoord binnen de termijn)" if self.late else said

    def to_dict(self) -> dict[str, Any]:
        return {
            "department": self.department,
            "title": self.title,
            "opinion": self.opinion,
            "late": self.late,
        }

    @classmethod
    def from_dict(cls, data: object) -> AdviceGiven:
        members = members_of(data, "advice", {"department", "title", "opinion", "late"})
        opinion, late = members["opinion"], members["late"]
        if opinion is not None and not isinstance(opinion, str):
            raise ReceiptError("advice.opinion must be a string or null")
        if not isinstance(late, bool):
            raise ReceiptError("advice.late must be true or false")
        return cls(text_of(members, "department"), text_of(members, "title"), opinion, late)


@dataclass(frozen=True, slots=True)
class Addressee:
    """Whom the letter is addressed to: a name and the lines of an address (maybe none)."""

    name: str
    address: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "address": list(self.address)}

    @classmethod
    def from_dict(cls, data: object) -> Addressee:
        members = members_of(data, "addressee", {"name", "address"})
        lines = members["address"]
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            raise ReceiptError("addressee.address must be a list of strings")
        return cls(text_of(members, "name"), tuple(lines))


_BODY_KEYS = frozenset(
    {"type", "number", "form", "form_title", "decided_at", "outcome", "motivation", "advice"}
    | {"decided_by", "handled_by", "addressee", "issuer"}
)


@dataclass(frozen=True, slots=True)
class LetterBody:
    """What was decided: the leaf of the log. Build one with `letter_body`."""

    number: str
    form: str
    form_title: str
    decided_at: datetime
    outcome: DecisionOutcome
    motivation: str
    advice: tuple[AdviceGiven, ...]
    decided_by: Named
    handled_by: HandlingDepartment
    addressee: Addressee | None
    issuer: Issuer

    def __post_init__(self) -> None:
        if self.decided_at.utcoffset() is None:
            raise ReceiptError("decided_at needs a time zone")

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": LETTER_TYPE,
            "number": self.number,
            "form": self.form,
            "form_title": self.form_title,
            "decided_at": format_moment(self.decided_at),
            "outcome": self.outcome.to_dict(),
            "motivation": self.motivation,
            "advice": [advice.to_dict() for advice in self.advice],
            "decided_by": self.decided_by.to_dict(),
            "handled_by": self.handled_by.to_dict(),
            "addressee": None if self.addressee is None else self.addressee.to_dict(),
            "issuer": self.issuer.to_dict(),
        }

    def leaf_hash(self) -> bytes:
        """The letter's leaf in the log: SHA-256(0x00 || RFC 8785 body)."""
        return leaf_hash(canonical(self.to_dict()))

    @classmethod
    def from_dict(cls, data: object) -> LetterBody:
        members = members_of(data, "letter", _BODY_KEYS)
        if members["type"] != LETTER_TYPE:
            raise ReceiptError(f"not a decision letter: type is not {LETTER_TYPE!r}")
        advice, addressee = members["advice"], members["addressee"]
        if not isinstance(advice, list):
            raise ReceiptError("advice must be a list")
        body = cls(
            number=text_of(members, "number"),
            form=text_of(members, "form"),
            form_title=text_of(members, "form_title"),
            decided_at=parse_moment(members["decided_at"], "decided_at"),
            outcome=DecisionOutcome.from_dict(members["outcome"]),
            motivation=text_of(members, "motivation"),
            advice=tuple(map(AdviceGiven.from_dict, advice)),
            decided_by=Named.from_dict(members["decided_by"], "decided_by"),
            handled_by=HandlingDepartment.from_dict(members["handled_by"]),
            addressee=None if addressee is None else Addressee.from_dict(addressee),
            issuer=Issuer.from_dict(members["issuer"]),
        )
        if body.to_dict() != dict(members):
            raise ReceiptError("the letter is not written the way formkit writes it")
        return body


@dataclass(frozen=True, slots=True)
class DecisionLetter:
    """The full letter: the body, its inclusion proof and the sealed tree head it leads to."""

    body: LetterBody
    proof: InclusionProof
    tree_head: SignedTreeHead

    def to_dict(self) -> dict[str, Any]:
        return {**self.body.to_dict(), "log": log_to_dict(self.proof, self.tree_head)}

    @classmethod
    def from_dict(cls, data: object) -> DecisionLetter:
        """Read a full letter; ReceiptError names what is wrong. Proofs are not checked here."""
        members = members_of(data, "letter", _BODY_KEYS | {"log"})
        body = LetterBody.from_dict({k: v for k, v in members.items() if k != "log"})
        return cls(body, *log_from_dict(members["log"]))


def letter_body(
    *,
    number: str,
    form_id: str,
    form_title: str,
    decided_at: datetime,
    outcome: DecisionOutcome,
    motivation: str,
    advice: Iterable[AdviceGiven],
    decided_by: Named,
    handled_by: HandlingDepartment,
    addressee: Addressee | None,
    issuer: Issuer,
) -> LetterBody:
    """The body of a dossier's decision letter, from its decision as recorded."""
    return LetterBody(
        number=number,
        form=form_id,
        form_title=form_title,
        decided_at=decided_at.astimezone(UTC),
        outcome=outcome,
        motivation=motivation,
        advice=tuple(advice),
        decided_by=decided_by,
        handled_by=handled_by,
        addressee=addressee,
        issuer=issuer,
    )


def assemble_letter(
    body: LetterBody, proof: InclusionProof, tree_head: SignedTreeHead
) -> DecisionLetter:
    """The full letter; ReceiptError when the proof does not lead from the body to the head."""
    check_inclusion(body.leaf_hash(), proof, tree_head)
    return DecisionLetter(body, proof, tree_head)


def is_letter(document: Mapping[str, Any]) -> bool:
    """Whether a sealed document (a JWS payload) says it is a decision letter."""
    return document.get("type") == LETTER_TYPE
