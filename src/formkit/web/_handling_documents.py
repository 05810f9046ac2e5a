"""A dossier's handling and events as the API answers them (`web/api.py`, `web/api_handling.py`).

Events leave out what is not the integrator's to read: a completion's answers (the dossier has
the answers; they may hold a national register number) and the idempotency keys of other keys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from formkit.handling.deadlines import Deadline
from formkit.handling.events import Event, Kind
from formkit.handling.state import AdviceRequest
from formkit.store.handling import ONCE, Handled

PRIVATE = {Kind.COMPLETED: ("answers",)}  # per kind, data the API never shows


def etag(handled: Handled) -> str:
    return f'"{handled.state.version}"'


def handling_document(handled: Handled, now: datetime, url: str) -> dict[str, Any]:
    state = handled.state
    official = state.official
    handler = (
        None
        if official is None
        else {"id": official.id, "name": official.name, "department": official.department}
    )
    return {
        "phase": state.phase,
        "version": state.version,
        "handler": handler,
        "track": state.track,
        "outcome": state.outcome,
        "deadlines": {
            "completeness": _deadline(state.completeness_due, now),
            "decision": _deadline(state.decision_due, now),
        },
        "advice": [_advice(request, now) for request in state.advice.values()],
        "events_url": f"{url}/events",
        "actions_url": f"{url}/actions",
    }


def events_document(events: tuple[Event, ...]) -> dict[str, Any]:
    return {"events": [event_document(event) for event in events]}


def event_document(event: Event) -> dict[str, Any]:
    hidden = {ONCE, *PRIVATE.get(event.kind, ())}
    actor = event.actor
    return {
        "kind": event.kind.value,
        "at": event.at.isoformat(),
        "actor": {"kind": actor.kind.value, "name": actor.name, "department": actor.department},
        "data": {name: value for name, value in event.data.items() if name not in hidden},
    }


def _deadline(deadline: Deadline | None, now: datetime) -> dict[str, Any] | None:
    if deadline is None:
        return None
    return {"due": deadline.due.isoformat(), "status": deadline.status(now).value}


def _advice(request: AdviceRequest, now: datetime) -> dict[str, Any]:
    return {
        "department": request.department,
        "asked_at": request.asked.isoformat(),
        "due": request.due.due.isoformat(),
        "status": request.due.status(now).value if request.open else None,
        "opinion": request.opinion,
        "late": request.late,
    }
