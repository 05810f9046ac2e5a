"""A draft started by a logged-in citizen: theirs, with the applicant's answers from the login.

When the first step is posted (the draft is made) by a browser logged in at "Mijn dossiers",
the draft records its owner (the keyed hash of the national number, as the parties of a
dossier are kept) and the answers the login gives (`formkit.render.applicant_prefill`). Mijn
dossiers lists the owner's open drafts; the pages show the prefilled answers as text and put
them back into every post and into the filing (`_flow`), so a forged post cannot change them.
A draft started without a login has neither, and stays as it was: anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request

from formkit.accounts import national_number_key
from formkit.forms._model import Form
from formkit.render import applicant_prefill
from formkit.web._citizen_auth import current_citizen
from formkit.web.services import services


@dataclass(frozen=True, slots=True)
class Starter:
    """Who starts a draft: their key and the answers their login gives; nobody: empty."""

    owner: str | None = None
    prefill: dict[str, Any] = field(default_factory=dict)


async def starter(request: Request[Any, Any, Any], form: Form) -> Starter:
    """The logged-in citizen as the starter of a draft of `form`; nobody logged in: empty."""
    citizen = await current_citizen(request)
    if citizen is None:
        return Starter()
    owner = national_number_key(services(request).secret, citizen.national_number)
    prefill = applicant_prefill(
        form, citizen.national_number, citizen.given_name, citizen.family_name
    )
    return Starter(owner, prefill)
