"""Filing without a card signature: a citizen logged in at a high level of assurance.

A form with `"signature": "eid-or-login"` accepts, besides the eID card's signature, the
filing of a citizen whose login is as sure as the card: FAS with the eID card or itsme
(eIDAS high), or the card's Authentication key through Web eID. The login must name the
applicant the answers name (the form's `signer` field), as a signature must. The dossier
keeps the login (`Login.record`), and the receipt states it under the city's seal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from formkit.accounts import Assurance
from formkit.eid import mask_national_number
from formkit.forms import _pointer
from formkit.forms._model import Form
from formkit.forms._problems import Problem

MESSAGES = {
    "login-not-accepted": "Dit formulier moet u ondertekenen met uw eID.",
    "login-assurance-too-low": (
        "Uw aanmelding is niet zeker genoeg om zonder handtekening in te dienen. Meld u aan "
        "met itsme of met uw eID, of onderteken met uw eID."
    ),
    "login-applicant-mismatch": (
        "U bent aangemeld als iemand anders dan de aanvrager in het formulier. Alleen de "
        "aanvrager zelf kan de aanvraag zo indienen."
    ),
}


@dataclass(frozen=True, slots=True)
class Login:
    """Who is logged in, as the web edge hands it to the filer."""

    name: str
    national_number: str = field(repr=False)
    provider: str  # "fas" or "eid"
    level: str  # the provider's own value
    assurance: str  # "hoog", "substantieel", ...
    at: datetime  # when the citizen logged in

    def record(self) -> dict[str, Any]:
        """What the dossier keeps of the login: the number (for its parties) and the rest."""
        return {
            "name": self.name,
            "national_number": self.national_number,
            "national_number_masked": mask_national_number(self.national_number),
            "provider": self.provider,
            "level": self.level,
            "assurance": self.assurance,
            "at": self.at.astimezone(UTC).isoformat(),
        }


def check_login(form: Form, answers: Mapping[str, Any], login: Login) -> Problem | None:
    """The problem that refuses filing with this login instead of a signature; None: none."""
    if not form.login_accepted:
        return _problem("login-not-accepted")
    if login.assurance != Assurance.HIGH.value:  # the only level that files without a card
        return _problem("login-assurance-too-low")
    pointer = form.annotations.signer
    applicant = None if pointer is None else _pointer.resolve(answers, pointer)
    if isinstance(applicant, str) and applicant != login.national_number:
        return _problem("login-applicant-mismatch")
    return None


def _problem(code: str) -> Problem:
    return Problem("", code, MESSAGES[code])
