"""A citizen logged in at the federal authentication service (FAS/CSAM), or directly with
their eID card (Web eID), and how sure we are.

The provider names the citizen in claims whose names differ per provider (FAS: `egovNRN`,
`givenName`, `surname`), so the settings name them (`ClaimNames`). The national register
number is personal data: it is kept out of `repr`, and shown only masked.

The level of the key the citizen used (the `acr` claim) says how sure the login is. FAS names
its levels `urn:be:fedict:iam:fas:Level<N>` (eID card 500, itsme 450, lower keys less);
eIDAS names them `http://eidas.europa.eu/LoA/<low|substantial|high>`. Both are understood;
any other value is kept as it came and counts as unknown, so never as high.

A login with the card's Authentication key, checked here (`citizen_from_eid`), is eIDAS high:
the card is the notified scheme's means, its key never leaves it and its PIN is asked.
"""

from __future__ import annotations

import enum
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from formkit.accounts._refusals import LoginRefused
from formkit.eid import SignerIdentity, mask_national_number
from formkit.forms._check_digits import is_national_number


@dataclass(frozen=True, slots=True)
class ClaimNames:
    """Which ID token claims carry what formkit needs of a citizen."""

    national_number: str = "egovNRN"
    given_name: str = "givenName"
    family_name: str = "surname"
    level: str = "acr"


class Assurance(enum.Enum):
    """How sure a login is (eIDAS levels of assurance), in the words a citizen reads."""

    HIGH = "hoog"
    SUBSTANTIAL = "substantieel"
    LOW = "laag"
    UNKNOWN = "onbekend"

    @property
    def explained(self) -> str:
        return _EXPLAINED[self]


_EXPLAINED = {
    Assurance.HIGH: "hoog (met uw eID-kaart of itsme)",
    Assurance.SUBSTANTIAL: "substantieel (met een beveiligingscode via een app)",
    Assurance.LOW: "laag (met een code via e-mail of sms)",
    Assurance.UNKNOWN: "onbekend",
}
_FAS_LEVEL = re.compile(r"urn:be:fedict:iam:fas:(?:citizen:)?Level(\d+)")
_EIDAS_LEVEL = {
    "http://eidas.europa.eu/LoA/high": Assurance.HIGH,
    "http://eidas.europa.eu/LoA/substantial": Assurance.SUBSTANTIAL,
    "http://eidas.europa.eu/LoA/low": Assurance.LOW,
}
EID_LEVEL = "http://eidas.europa.eu/LoA/high"
PROVIDERS = ("fas", "eid")  # who vouched for the login: FAS (OIDC), or formkit's Web eID check


def assurance_of(level: str) -> Assurance:
    found = _FAS_LEVEL.fullmatch(level)
    if found is None:
        return _EIDAS_LEVEL.get(level, Assurance.UNKNOWN)
    number = int(found.group(1))
    if number >= 450:
        return Assurance.HIGH
    return Assurance.SUBSTANTIAL if number >= 400 else Assurance.LOW


@dataclass(frozen=True, slots=True)
class Citizen:
    """A logged-in citizen: the provider's subject, name, national number and login level."""

    subject: str = field(repr=False)  # some providers use the national number as subject
    name: str
    national_number: str = field(repr=False)  # 11 digits, compact
    level: str  # the provider's own value, as it came
    provider: str = "fas"  # one of PROVIDERS: where a logout must go besides
    # The name in its parts, when the provider gives them: what a form's applicant is
    # prefilled with (`formkit.render.applicant_prefill`). Empty: only `name` is known.
    given_name: str = ""
    family_name: str = ""

    @property
    def masked_national_number(self) -> str:
        return mask_national_number(self.national_number)

    @property
    def assurance(self) -> Assurance:
        return assurance_of(self.level)


def citizen_from_claims(claims: Mapping[str, Any], names: ClaimNames) -> Citizen:
    """The citizen an ID token names; refused without a valid national number or a name.

    A refusal names the claim, never its value: it goes to the log.
    """
    raw = claims.get(names.national_number)
    number = "".join(c for c in raw if c not in ".- ") if isinstance(raw, str) else ""
    if not is_national_number(number):
        raise LoginRefused("claims", f"no valid national number in {names.national_number!r}")
    given, family = (_text(claims.get(names.given_name)), _text(claims.get(names.family_name)))
    name = " ".join(part for part in (given, family) if part)
    name = name or str(claims.get("name") or "").strip()
    if not name:
        wanted = f"{names.given_name!r}, {names.family_name!r} or 'name'"
        raise LoginRefused("claims", f"no name in {wanted}")
    level = claims.get(names.level)
    return Citizen(
        subject=str(claims["sub"]),
        name=name,
        national_number=number,
        level=level if isinstance(level, str) else "",
        given_name=given,
        family_name=family,
    )


def _text(claim: object) -> str:
    return claim.strip() if isinstance(claim, str) else ""


def citizen_from_eid(holder: SignerIdentity) -> Citizen:
    """The citizen whose eID card answered a Web eID challenge, `holder` as the check named it.

    The subject names the certificate, not the person: a renewed card is a new subject, the
    same national number (which is what finds a citizen's dossiers).
    """
    if not is_national_number(holder.national_number):
        raise LoginRefused("eid-malformed", "the certificate's serialNumber is no valid number")
    return Citizen(
        subject=f"eid:{holder.certificate_sha256}",
        name=f"{holder.given_name} {holder.surname}",
        national_number=holder.national_number,
        level=EID_LEVEL,
        provider="eid",
        given_name=holder.given_name,
        family_name=holder.surname,
    )


def national_number_key(secret: bytes, national_number: str) -> str:
    """The number's look-up key: equal numbers, equal keys; without `secret`, no way back.

    A database copy alone then lists no national number, yet a citizen's rows (sessions, and
    later their dossiers) are found by the number of whoever logs in.
    """
    message = b"formkit-national-number\x00" + national_number.encode()
    return hmac.new(secret, message, "sha256").hexdigest()
