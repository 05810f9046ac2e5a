"""Who is logged in as a citizen: the sessions, cookies and provider (FAS) of kind "citizen".

    citizen = await current_citizen(request)     # Citizen | None

Separate from the staff's: other cookies (`formkit-citizen`), another table, other timeouts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from litestar import Request
from sqlalchemy.engine import Engine

from formkit.accounts import Citizen, ClaimNames, Client, ProviderConfig, citizen_from_claims
from formkit.settings import Settings
from formkit.store.sessions import citizen_sessions
from formkit.web._access import Access

BASE = "/mijn-dossiers"
LOGIN = f"{BASE}/aanmelden"
EID_LOGIN = f"{LOGIN}/eid"  # POST: the Web eID token
EID_CHALLENGE = f"{EID_LOGIN}/challenge"  # GET: a nonce for this browser
EID_CHALLENGE_COOKIE = "formkit-citizen-eid"  # the nonce, back to the server with the token
CitizenAccess = Access[Citizen]
# `make run`'s development login offers these: one at each level a form may ask for.
DEVELOPMENT_CITIZENS = {
    "anna": Citizen(
        "ontwikkeling-anna",
        "Anna Peeters",
        "85073003328",
        "urn:be:fedict:iam:fas:Level500",
        given_name="Anna",
        family_name="Peeters",
    ),
    "jan": Citizen(
        "ontwikkeling-jan",
        "Jan Janssens",
        "90010100123",
        "urn:be:fedict:iam:fas:Level400",
        given_name="Jan",
        family_name="Janssens",
    ),
}


def build_citizen_access(
    settings: Settings,
    engine: Engine,
    secret: bytes,
    clock: Callable[[], datetime] | None = None,
    http: httpx.AsyncClient | None = None,
) -> CitizenAccess:
    names = ClaimNames(
        national_number=settings.citizen_national_number_claim,
        given_name=settings.citizen_given_name_claim,
        family_name=settings.citizen_family_name_claim,
        level=settings.citizen_level_claim,
    )
    principal = functools.partial(citizen_from_claims, names=names)
    store = citizen_sessions(engine, secret)
    return Access.build("citizen", settings, store, principal, _provider(settings), clock, http)


def _provider(settings: Settings) -> ProviderConfig | None:
    if not settings.citizen_issuer:
        return None
    client = Client(
        settings.citizen_client_id,
        settings.citizen_client_secret,
        settings.base_url + settings.citizen_redirect_path,
    )
    return ProviderConfig(settings.citizen_issuer, client, settings.citizen_scope)


def citizen_access(request: Request[Any, Any, Any]) -> CitizenAccess:
    access: CitizenAccess = request.app.state.services.citizens
    return access


async def current_citizen(request: Request[Any, Any, Any]) -> Citizen | None:
    session = await citizen_access(request).current(request)
    return None if session is None else session.principal
