"""Who is logged in as staff: the session cookie, and guards for handlers that need a role.

    staff = await current_staff(request)        # Staff | None
    staff = await require_role(request, "beslisser")   # or an error page: 401, or 403

The sessions, cookies and provider are a `formkit.web._access.Access` of kind "staff".
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from litestar import Request
from sqlalchemy.engine import Engine

from formkit.accounts import Client, ProviderConfig, Session, Staff, staff_from_claims
from formkit.settings import Settings
from formkit.store.sessions import staff_sessions
from formkit.web._access import Access

BASE = "/behandeling"
LOGIN = f"{BASE}/aanmelden"
StaffAccess = Access[Staff]


def build_staff_access(
    settings: Settings,
    engine: Engine,
    clock: Callable[[], datetime] | None = None,
    http: httpx.AsyncClient | None = None,
) -> StaffAccess:
    principal = functools.partial(
        staff_from_claims,
        groups_claim=settings.staff_groups_claim,
        role_map=settings.staff_role_map,
    )
    return Access.build(
        "staff", settings, staff_sessions(engine), principal, _provider(settings), clock, http
    )


def _provider(settings: Settings) -> ProviderConfig | None:
    if not settings.staff_issuer:
        return None
    client = Client(
        settings.staff_client_id,
        settings.staff_client_secret,
        settings.base_url + settings.staff_redirect_path,
    )
    return ProviderConfig(settings.staff_issuer, client, settings.staff_scope)


def staff_access(request: Request[Any, Any, Any]) -> StaffAccess:
    access: StaffAccess = request.app.state.services.staff
    return access


async def current_session(request: Request[Any, Any, Any]) -> Session[Staff] | None:
    """The live staff session of the request's cookie, looked up once per request."""
    return await staff_access(request).current(request)


async def current_staff(request: Request[Any, Any, Any]) -> Staff | None:
    session = await current_session(request)
    return None if session is None else session.principal


async def require_role(request: Request[Any, Any, Any], role: str | None = None) -> Staff:
    """The logged-in staff member holding `role` (any role when None); else an error page."""
    from formkit.web.pages import PageError  # the pages' error page, without a cycle

    staff = await current_staff(request)
    if staff is None:
        raise PageError(
            401,
            "Meld u eerst aan",
            "Deze pagina is alleen voor medewerkers. Meld u aan via /behandeling/aanmelden.",
        )
    if role is not None and not staff.has_role(role):
        raise PageError(403, "Geen toegang", "U heeft niet de rol die deze pagina vraagt.")
    return staff
