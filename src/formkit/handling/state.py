"""A dossier's handling state: the fold of its events under its form's procedure.

`fold` is the only way a state comes about, so the phase, the open requests and the deadlines
shown anywhere are what the events say. `version` counts the events: the ETag a second official
must name to change the dossier (If-Match), so that nobody overwrites what they have not seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from formkit.forms._procedure import Procedure
from formkit.handling.deadlines import Deadline
from formkit.handling.events import Actor, Event, Kind
from formkit.handling.procedures import (
    advice_deadline,
    completeness_deadline,
    decision_deadline,
)

Opinion = str  # gunstig, voorwaardelijk-gunstig, ongunstig; or the procedure's `late` meaning
OPINIONS = ("gunstig", "voorwaardelijk-gunstig", "ongunstig")


@dataclass(frozen=True, slots=True)
class AdviceRequest:
    department: str
    asked: datetime
    due: Deadline
    opinion: Opinion | None = None  # None while open
    late: bool = False  # not given in time; `opinion` then says what that counts as

    @property
    def open(self) -> bool:
        return self.opinion is None and not self.late


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    """What the city asked the citizen to add: named answers (pointers) and documents."""

    asked: datetime
    message: str
    pointers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class State:
    procedure: Procedure = field(repr=False)
    answers: Any = field(repr=False)
    filed: datetime
    phase: str = "ingediend"
    version: int = 0  # events applied
    official: Actor | None = None
    track: str = ""
    admissible: datetime | None = None
    extended: bool = False
    completion: CompletionRequest | None = None
    advice: Mapping[str, AdviceRequest] = field(default_factory=lambda: MappingProxyType({}))
    outcome: str | None = None
    answers_version: int = 1  # the citizen's completions add versions
    received: datetime | None = None  # the last completion; the completeness term restarts

    @property
    def completeness_due(self) -> Deadline | None:
        if self.phase != "ingediend":
            return None
        return completeness_deadline(self.procedure, self.received or self.filed)

    @property
    def decision_due(self) -> Deadline | None:
        track = self.procedure.track(self.track)
        if track is None or self.outcome is not None:
            return None
        return decision_deadline(
            track,
            self.answers,
            filed=self.filed,
            admissible=self.admissible,
            extended=self.extended,
        )

    @property
    def open_advice(self) -> tuple[AdviceRequest, ...]:
        return tuple(request for request in self.advice.values() if request.open)

    def has_phase(self, phase: str) -> bool:
        return self.procedure.phase(phase) is not None


def start(procedure: Procedure, answers: Any, filed: datetime) -> State:
    """A dossier as filed. Without a completeness check it is admissible at once."""
    admissible = None if procedure.completeness is not None else filed
    return State(procedure, answers, filed, track=procedure.tracks[0].id, admissible=admissible)


def fold(procedure: Procedure, answers: Any, filed: datetime, events: Iterable[Event]) -> State:
    state = start(procedure, answers, filed)
    for event in events:
        state = apply(state, event)
    return state


def apply(state: State, event: Event) -> State:
    """The state after `event`. Events were checked when they were made (`actions.py`)."""
    changed = _APPLY[event.kind](state, event, event.data)
    return replace(changed, version=state.version + 1)


def _moved(state: State, phase: str) -> State:
    """To `phase` when the procedure has it; a procedure without it stays where it is."""
    return replace(state, phase=phase) if state.has_phase(phase) else state


def _filed(state: State, event: Event, data: Mapping[str, Any]) -> State:
    return state


def _assigned(state: State, event: Event, data: Mapping[str, Any]) -> State:
    official = Actor(event.actor.kind, data["official"], data["name"], data.get("department"))
    state = replace(state, official=official)
    admitted = state.phase == "ontvankelijk" or (state.phase == "ingediend" and state.admissible)
    return _moved(state, "in-behandeling") if admitted else state


def _admissible(state: State, event: Event, data: Mapping[str, Any]) -> State:
    # Admissible by silence: from the moment the term ended, not from when a job noticed.
    moment = datetime.fromisoformat(data["from"]) if "from" in data else event.at
    state = replace(state, admissible=moment, track=data.get("track", state.track))
    return _moved(state, "ontvankelijk")


def _incomplete(state: State, event: Event, data: Mapping[str, Any]) -> State:
    request = CompletionRequest(event.at, data["message"], tuple(data.get("pointers", ())))
    return _moved(replace(state, completion=request), "onvolledig")


def _completed(state: State, event: Event, data: Mapping[str, Any]) -> State:
    return replace(
        state,
        phase="ingediend",
        completion=None,
        answers=data["answers"],
        answers_version=data["answersVersion"],
        received=event.at,
    )


def _advice_requested(state: State, event: Event, data: Mapping[str, Any]) -> State:
    requests = dict(state.advice)
    for department in data["departments"]:
        due = advice_deadline(state.procedure, event.at)
        assert due is not None  # actions refuse advice in a procedure without it
        requests[department] = AdviceRequest(department, event.at, due)
    return _moved(replace(state, advice=MappingProxyType(requests)), "advies")


def _advice_given(state: State, event: Event, data: Mapping[str, Any]) -> State:
    request = replace(state.advice[data["department"]], opinion=data["opinion"])
    return _advice_settled(state, request)


def _advice_late(state: State, event: Event, data: Mapping[str, Any]) -> State:
    request = replace(state.advice[data["department"]], late=True, opinion=data.get("opinion"))
    return _advice_settled(state, request)


def _advice_settled(state: State, request: AdviceRequest) -> State:
    state = replace(state, advice=MappingProxyType({**state.advice, request.department: request}))
    return _moved(state, "in-behandeling") if not state.open_advice else state


def _extended(state: State, event: Event, data: Mapping[str, Any]) -> State:
    return replace(state, extended=True)


def _decided(state: State, event: Event, data: Mapping[str, Any]) -> State:
    return replace(state, outcome=data["outcome"], phase="beslissing")


def _closed(state: State, event: Event, data: Mapping[str, Any]) -> State:
    return replace(state, phase="afgesloten")


def _archived(state: State, event: Event, data: Mapping[str, Any]) -> State:
    return replace(state, phase="gearchiveerd")


_APPLY = {
    Kind.FILED: _filed,
    Kind.ASSIGNED: _assigned,
    Kind.FOUND_ADMISSIBLE: _admissible,
    Kind.FOUND_INCOMPLETE: _incomplete,
    Kind.COMPLETED: _completed,
    Kind.ADVICE_REQUESTED: _advice_requested,
    Kind.ADVICE_GIVEN: _advice_given,
    Kind.ADVICE_LATE: _advice_late,
    Kind.DEADLINE_EXTENDED: _extended,
    Kind.DECIDED: _decided,
    Kind.CLOSED: _closed,
    Kind.ARCHIVED: _archived,
}
