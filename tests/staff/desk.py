"""The staff's desk in tests: dossiers filed and brought to a phase, staff logged in, posts.

A member of staff logs in by a session started in the session store itself (as the login does
at its end), so every role can be tried, not only the development login's few.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import answers

from formkit.accounts import Staff, hash_id
from formkit.filing._filing import Attachment, Filing
from formkit.handling import actions
from formkit.handling.actions import Command
from formkit.handling.events import Actor, ActorKind
from formkit.store import _tables as t
from formkit.web.security import csrf_token
from formkit.web.services import Services

FORM_ID = "bouwaanvraag"
SYSTEM = Actor(ActorKind.INTEGRATION, "test", "Testkoppeling")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

# The steps that bring a dossier to where an action can be done.
ADMITTED: tuple[Command, ...] = (actions.FindAdmissible("regulier"),)
ADVICE_ASKED = (*ADMITTED, actions.RequestAdvice(("brandweer",)))
ADVISED = (*ADVICE_ASKED, actions.GiveAdvice("brandweer", "gunstig", "Geen bezwaar."))
DECIDED = (*ADVISED, actions.Decide("vergund", "Past in de omgeving."))


def file(services: Services, attachments: Sequence[tuple[str, str, bytes, str]] = ()) -> str:
    """A bouwaanvraag filed as the filer files one; `attachments`: (pointer, label, bytes,
    media type), stored in the blob store."""
    form = services.catalogue[FORM_ID]
    stored = []
    for pointer, label, content, media_type in attachments:
        sha256 = _put(services, content)
        stored.append(Attachment(pointer, sha256, len(content), media_type, label))
    filing = Filing(
        form_id=form.id,
        form_title=form.title,
        prefix=form.prefix,
        version=form.version,
        answers=answers(FORM_ID, "valid-full"),
        attachments=tuple(stored),
        channel="web",
        idempotency_key=None,
        request_digest="d",
    )
    (outcome,) = services.dossiers.file([filing], {form.version: form.schema})
    number: str = outcome.number  # type: ignore[union-attr]
    return number


def _put(services: Services, content: bytes) -> str:
    """Into the blob store's own layout, as a filing leaves it."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = services.blobs.path_of(sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return sha256


def prepared(services: Services, steps: Sequence[Command] = ()) -> str:
    number = file(services)
    for step in steps:
        services.handling.act(number, step, SYSTEM, services.clock())
    return number


def log_in(client: TestClient[Any], services: Services, *roles: str, name: str = "") -> str:
    """Log `roles` in on `client`; the session id, whose hash the CSRF tokens name."""
    subject = "sub-" + "-".join(re.sub(r"[^a-z]", "", r) for r in roles) or "sub-none"
    staff = Staff(subject=subject, name=name or f"Medewerker {' '.join(roles)}", roles=roles)
    session_id = services.staff.sessions.start(staff)
    client.cookies.set(services.staff.session_cookie, session_id)
    return session_id


def token(services: Services, session_id: str, number: str) -> str:
    return csrf_token(services.secret, f"staff-dossier:{hash_id(session_id)}:{number}")


def post_action(
    client: TestClient[Any],
    services: Services,
    session_id: str,
    number: str,
    slug: str,
    fields: Mapping[str, str | list[str]] | None = None,
    *,
    confirmed: bool = True,
    version: int | None = None,
) -> Any:
    """Post an action as its form does (`confirmed`: as the confirmation page does)."""
    seen = version if version is not None else events(services, number)
    data: dict[str, Any] = {"_csrf": token(services, session_id, number), "dossierversie": seen}
    data |= dict(fields or {})
    if confirmed:
        data["stap"] = "bevestigd"
    return client.post(
        f"/behandeling/dossiers/{number}/acties/{slug}", data=data, follow_redirects=False
    )


def events(services: Services, number: str) -> int:
    found = services.handling.events(number)
    assert found is not None
    return len(found)


def reads(services: Services) -> list[Any]:
    table = t.StaffRead.__table__  # type: ignore[attr-defined]
    with services.engine.connect() as connection:
        return list(connection.execute(sa.select(table).order_by(table.c.id)).mappings())


def hidden_fields(page: str) -> dict[str, list[str]]:
    """The hidden inputs of a confirmation page, as its form posts them."""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page):
        found.setdefault(name, []).append(html.unescape(value))
    return found
