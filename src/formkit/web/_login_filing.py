"""Indienen met uw aanmelding: a form that accepts a sure login files without the card.

    POST /formulieren/{form}/{draft}/ondertekenen/aanmelding    file as the logged-in citizen

The signing page (`_signing_page`) of a form with `"signature": "eid-or-login"` offers, as its
second way, to file as the citizen who is logged in at "Mijn dossiers" at a high level of
assurance (FAS with the eID card or itsme, or the card through Web eID). Not logged in, or at
a lower level, the page says how to log in, and the login brings the citizen back to it
(`citizen.RETURN_COOKIE`). The filer checks the level and that the login is the applicant's
(`formkit.filing._login`); the receipt states the login under the city's seal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request

from formkit.accounts import Assurance, Citizen
from formkit.filing._login import Login
from formkit.forms._model import Form
from formkit.web._citizen_auth import LOGIN, citizen_access

ACTION = "aanmelding"  # the path below the signing page that files with the login
RETURN_PARAMETER = "terug"  # /mijn-dossiers/aanmelden?terug=<this signing page>


@dataclass(frozen=True, slots=True)
class LoginWay:
    """What the signing page says of filing with a login: who is logged in, and how sure."""

    login_url: str  # log in, and come back here
    citizen: str | None = None  # the name of who is logged in; None: nobody
    assurance: str = ""  # the level in words
    sure_enough: bool = False  # high: the button files


async def login_way(request: Request[Any, Any, Any], form: Form, page: str) -> LoginWay | None:
    """The login way for `form`'s signing page at `page`; None when the form has none."""
    access = citizen_access(request)
    if not form.login_accepted:
        return None
    if access.relying_party is None and not access.development_login(request):
        return None  # nowhere to log in: the card is the only way
    login_url = f"{LOGIN}?{RETURN_PARAMETER}={page}"
    session = await access.current(request)
    if session is None:
        return LoginWay(login_url)
    citizen = session.principal
    return LoginWay(
        login_url,
        citizen.name,
        citizen.assurance.explained,
        citizen.assurance is Assurance.HIGH,
    )


async def current_login(request: Request[Any, Any, Any]) -> Login | None:
    """The logged-in citizen as the filer takes them; None when nobody is logged in."""
    session = await citizen_access(request).current(request)
    if session is None:
        return None
    return _login(session.principal, session.created_at)


def _login(citizen: Citizen, since: datetime) -> Login:
    return Login(
        name=citizen.name,
        national_number=citizen.national_number,
        provider=citizen.provider,
        level=citizen.level,
        assurance=citizen.assurance.value,
        at=since,
    )
