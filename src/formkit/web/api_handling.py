"""The API for back-office systems: list dossiers, read their events, act on them as staff do.

An action is a JSON object whose `action` names the command (`_actions.py`); the procedure
decides (`formkit.handling`), and a refusal answers 409 with its Dutch reason. `If-Match` names
the version (the ETag) the caller saw: behind it, nothing changes and the answer is 412. A
key acts only on dossiers of its forms, and only with the `handle` scope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from litestar import Request, Response, Router, get, post
from litestar.params import FromPath

from formkit.forms._procedure import PHASES
from formkit.handling.actions import RefusedError
from formkit.handling.deadlines import Status, local_day
from formkit.handling.events import Actor, ActorKind
from formkit.store.advice_uploads import UploadsGoneError
from formkit.store.apikeys import ALL_FORMS, ApiKey
from formkit.store.handling import (
    ConflictError,
    Handled,
    NoProcedureError,
    Once,
    RepeatConflictError,
)
from formkit.store.worklist import MAX_PAGE, CursorError, WorkItem, WorklistQuery
from formkit.web._actions import MAX_BODY, decode_action, request_digest
from formkit.web._api_advice import with_files
from formkit.web._api_uploads import UNUSABLE
from formkit.web._handling_documents import events_document
from formkit.web.api import authorise, dossier_answer, json_response, readable_dossier
from formkit.web.problems import ProblemError
from formkit.web.services import Services, services

DEFAULT_PAGE = 50
MAX_QUERY = 100  # characters of `q`


@get("/dossiers", sync_to_thread=True)
def list_dossiers(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The key's dossiers, earliest deadline first, a page at a time (`next` is the cursor)."""
    found = services(request)
    key = authorise(request, "read", None)
    if "read" not in key.scopes:
        raise ProblemError("forbidden", "Deze API-sleutel mag geen dossiers lezen.")
    parameters = request.query_params
    query = _query(found, key, parameters)
    limit = page_limit(parameters.get("limit"))
    try:
        page = found.worklist.page(
            query, today=local_day(found.clock()), after=parameters.get("after"), limit=limit
        )
    except CursorError:
        raise ProblemError("malformed-request", "Deze cursor komt niet van deze lijst.") from None
    base = found.settings.base_url
    following = None
    if page.next is not None:  # the same filters, from the cursor on
        kept = {name: parameters[name] for name in _FILTERS if name in parameters}
        following = f"{base}/api/v1/dossiers?" + urlencode(
            kept | {"after": page.next, "limit": limit}
        )
    items = [_item(item, base) for item in page.items]
    return json_response({"dossiers": items, "next": page.next, "next_url": following})


@get("/dossiers/{number:str}/events", sync_to_thread=True)
def list_events(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[bytes]:
    """The dossier's events, oldest first."""
    readable_dossier(request, number)
    events = services(request).handling.events(number)
    if events is None:  # removed between the two reads
        raise ProblemError("not-found", f"Er bestaat geen dossier {number} voor deze sleutel.")
    return json_response(events_document(events))


@post("/dossiers/{number:str}/actions", status_code=200)
async def act(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[bytes]:
    key = authorise(request, "handle", None)
    if "handle" not in key.scopes:
        raise ProblemError("forbidden", "Deze API-sleutel mag geen dossiers behandelen.")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ProblemError("too-large", f"Een actie telt hoogstens {MAX_BODY // 1024} kB.")
    action = decode_action(body)
    once = _once(request, key, body)
    expected = _expected_version(request.headers.get("if-match"))

    def run() -> Response[bytes]:
        _handleable(request, key, number)
        found = services(request)
        actor = Actor(ActorKind.INTEGRATION, key.id, key.name)
        wanted, uploads = with_files(found, key, action)
        try:
            handled = found.handling.act(
                number, wanted, actor, found.clock(), expected, once, uploads
            )
        except RefusedError as refusal:
            raise ProblemError("not-allowed-now", str(refusal)) from None
        except NoProcedureError:
            refused = "Dit dossier wordt niet in formkit behandeld."
            raise ProblemError("not-allowed-now", refused) from None
        except ConflictError as conflict:
            raise ProblemError(
                "precondition-failed",
                f"Het dossier is intussen gewijzigd: versie {conflict.current}, "
                f"niet {conflict.expected}. Lees het opnieuw.",
                headers={"ETag": f'"{conflict.current}"'},
            ) from None
        except UploadsGoneError:
            raise ProblemError("invalid-action", UNUSABLE) from None
        except RepeatConflictError:
            raise ProblemError(
                "idempotency-conflict",
                "Deze Idempotency-Key werd al gebruikt voor een andere actie.",
            ) from None
        return _answer(request, number, handled)

    return await anyio.to_thread.run_sync(run)


router = Router(path="/api/v1", route_handlers=[list_dossiers, list_events, act])


def _query(found: Services, key: ApiKey, parameters: Any) -> WorklistQuery:
    forms = None if ALL_FORMS in key.forms else set(key.forms)
    form = parameters.get("form")
    if form is not None:
        if form not in found.catalogue:
            raise ProblemError("malformed-request", f"Er bestaat geen formulier '{form}'.")
        if not key.allows("read", form):
            raise ProblemError(
                "forbidden", "Deze API-sleutel geeft geen toegang tot dit formulier."
            )
        forms = {form}
    return WorklistQuery(
        forms=forms,
        department=_one_of(parameters, "department", found.handling.departments),
        phase=_one_of(parameters, "phase", PHASES),
        status=Status(status) if (status := _one_of(parameters, "status", _STATUSES)) else None,
        text=_text(parameters.get("q", "")),
        filed_since=_moment(parameters, "filed_since"),
        changed_since=_moment(parameters, "changed_since"),
    )


_FILTERS = ("form", "department", "phase", "status", "q", "filed_since", "changed_since")
_STATUSES = frozenset(s.value for s in Status)


def _one_of(parameters: Any, name: str, known: Any) -> str | None:
    value: str | None = parameters.get(name)
    if value is not None and value not in known:
        raise ProblemError("malformed-request", f"Onbekende waarde voor {name}: '{value[:40]}'.")
    return value


def _moment(parameters: Any, name: str) -> datetime | None:
    """An RFC 3339 moment with its offset (`2026-03-02T09:30:00+01:00`); a bare date or a
    moment without an offset is ambiguous across Brussels' summer time, so it is refused."""
    value: str | None = parameters.get(name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        shown = value[:40]
        raise ProblemError(
            "malformed-request",
            f"{name} is een moment met tijdzone, bv. 2026-03-02T09:30:00+01:00, niet '{shown}'.",
        )
    return moment


def _text(value: str) -> str:
    if len(value) > MAX_QUERY or any(ord(char) < 0x20 for char in value):
        raise ProblemError(
            "malformed-request", f"Zoek met hoogstens {MAX_QUERY} tekens, zonder stuurtekens."
        )
    return value


def page_limit(value: str | None) -> int:
    """The `limit` of a paged list (dossiers, the change feed)."""
    if value is None:
        return DEFAULT_PAGE
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE:
        raise ProblemError("malformed-request", f"limit is een getal van 1 tot {MAX_PAGE}.")
    return int(value)


def _item(item: WorkItem, base: str) -> dict[str, Any]:
    return {
        "number": item.number,
        "form": item.form_id,
        "phase": item.phase,
        "handler": item.handler_name,
        "filed_at": item.filed_at.isoformat(),
        "due": None if item.due is None else item.due.isoformat(),
        "status": None if item.status is None else item.status.value,
        "url": f"{base}/api/v1/dossiers/{item.number}",
    }


def _once(request: Request[Any, Any, Any], key: ApiKey, body: bytes) -> Once | None:
    value = request.headers.get("idempotency-key")
    if value is None:
        return None
    if not 1 <= len(value) <= 255:
        raise ProblemError("malformed-request", "De Idempotency-Key moet 1 tot 255 tekens tellen.")
    return Once(f"{key.id}:{value}", request_digest(body))


def _expected_version(value: str | None) -> int | None:
    """The version an `If-Match` names; -1, which no dossier has, for a tag it cannot match."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/")
    digits = tag[1:-1] if len(tag) > 2 and tag[0] == tag[-1] == '"' else ""
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 10 else -1


def _handleable(request: Request[Any, Any, Any], key: ApiKey, number: str) -> None:
    """A dossier the key may handle; one it may not read does not exist for it."""
    dossier = services(request).dossiers.get(number)
    if dossier is None or not key.allows("read", dossier.form_id):
        raise ProblemError("not-found", f"Er bestaat geen dossier {number} voor deze sleutel.")
    if not key.allows("handle", dossier.form_id):
        raise ProblemError("forbidden", "Deze API-sleutel mag dit dossier niet behandelen.")


def _answer(
    request: Request[Any, Any, Any], number: str, handled: Handled | None
) -> Response[bytes]:
    dossier = services(request).dossiers.get(number)
    if handled is None or dossier is None:
        raise ProblemError("not-found", f"Er bestaat geen dossier {number} voor deze sleutel.")
    return dossier_answer(request, dossier, handled)
