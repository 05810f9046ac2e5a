"""What staff, citizens and the scheduler may do to a dossier now, as events or a refusal.

`act` checks a command against the dossier's state and its procedure and returns the events
that record it; it changes nothing itself. A refusal says in Dutch, for the official who tried,
why the procedure does not allow it now. Who may act at all (roles, departments, forms) is
decided before, by the caller's permissions; what a department may do is checked here too,
because advice from a department that was not asked is a fact about the dossier, not the user.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from formkit.filing._filing import Attachment, Blob
from formkit.handling import advice_files
from formkit.handling.events import SYSTEM, Actor, ActorKind, Event, Kind
from formkit.handling.state import OPINIONS, State

_HANDLING = ("ontvankelijk", "in-behandeling", "advies")
_ENDED = ("afgesloten", "gearchiveerd")


class RefusedError(Exception):
    """The procedure does not allow this now; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Assign:
    official: str
    name: str
    department: str | None = None


@dataclass(frozen=True, slots=True)
class FindAdmissible:
    track: str | None = None  # the procedure's first track when not given


@dataclass(frozen=True, slots=True)
class FindIncomplete:
    message: str
    pointers: tuple[str, ...] = ()  # the answers and documents asked for


@dataclass(frozen=True, slots=True)
class Complete:
    answers: Any  # the citizen's new version, validated against the form by the caller
    # The files this version hands in, stored in the blob store and named in `answers` by
    # their content address as a filing's are: the dossier keeps them beside the first ones.
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class RequestAdvice:
    departments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GiveAdvice:
    department: str
    opinion: str
    motivation: str
    # Documents that go with the advice, stored in the blob store already (their label is the
    # name they were handed in with): the event names them, within `advice_files`' limits.
    attachments: tuple[Blob, ...] = ()


@dataclass(frozen=True, slots=True)
class ExtendDeadline:
    pass


@dataclass(frozen=True, slots=True)
class Decide:
    outcome: str
    motivation: str


@dataclass(frozen=True, slots=True)
class Close:
    pass


@dataclass(frozen=True, slots=True)
class Archive:
    pass


Command = (
    Assign
    | FindAdmissible
    | FindIncomplete
    | Complete
    | RequestAdvice
    | GiveAdvice
    | ExtendDeadline
    | Decide
    | Close
    | Archive
)


def act(
    state: State, command: Command, actor: Actor, now: datetime, departments: Container[str]
) -> Event:
    """The event that records `command`, or `RefusedError`. `departments`: those that exist."""
    if state.phase in _ENDED and not isinstance(command, Archive):
        raise RefusedError("Dit dossier is afgesloten: er kan niets meer aan veranderen.")
    data = _CHECKS[type(command)](state, command, actor, departments)
    return Event(_KINDS[type(command)], now, actor, data)


def bears_on(event: Event, command: Command) -> bool:
    """Whether `event`, recorded after someone looked at the dossier, may change what their
    `command` means, so that they should look again first. Each department advises on its
    own: another department's advice (or its lateness) does not bear on one's advice."""
    if isinstance(command, GiveAdvice) and event.kind in (Kind.ADVICE_GIVEN, Kind.ADVICE_LATE):
        return event.data.get("department") == command.department
    return True


def due_events(state: State, now: datetime) -> tuple[Event, ...]:
    """What the passing of time did by `now`: advice not given in time, admissibility by
    silence. The scheduled job records these as the system's events."""
    events = [_late_advice(state, request.department, now) for request in _late(state, now)]
    due = state.completeness_due
    completeness = state.procedure.completeness
    if due and completeness and completeness.silence == "ontvankelijk" and now >= due.ends:
        data = {"track": state.track, "from": due.ends.isoformat(), "silence": True}
        events.append(Event(Kind.FOUND_ADMISSIBLE, now, SYSTEM, data))
    return tuple(events)


def _late(state: State, now: datetime) -> list[Any]:
    return [request for request in state.open_advice if now >= request.due.ends]


def _late_advice(state: State, department: str, now: datetime) -> Event:
    advice = state.procedure.advice
    data: dict[str, Any] = {"department": department}
    if advice is not None and advice.late == "gunstig":
        data["opinion"] = "gunstig"  # the procedure says silence is favourable
    return Event(Kind.ADVICE_LATE, now, SYSTEM, data)


def _assign(state: State, command: Assign, actor: Actor, known: Container[str]) -> dict[str, Any]:
    if command.department is not None and command.department not in known:
        raise RefusedError(f"De dienst {command.department!r} bestaat niet.")
    if state.official is not None and state.official.id == command.official:
        raise RefusedError(f"{state.official.name} behandelt dit dossier al.")
    data = {"official": command.official, "name": command.name}
    return data | ({"department": command.department} if command.department else {})


def _admissible(
    state: State, command: FindAdmissible, actor: Actor, known: Container[str]
) -> dict[str, Any]:
    _needs_completeness_check(state)
    track = command.track or state.track
    if state.procedure.track(track) is None:
        raise RefusedError(f"Deze procedure kent geen spoor {track!r}.")
    return {"track": track}


def _incomplete(
    state: State, command: FindIncomplete, actor: Actor, known: Container[str]
) -> dict[str, Any]:
    _needs_completeness_check(state)
    if not command.message.strip():
        raise RefusedError("Zeg de aanvrager wat er ontbreekt.")
    return {"message": command.message.strip(), "pointers": list(command.pointers)}


def _needs_completeness_check(state: State) -> None:
    if state.procedure.completeness is None:
        raise RefusedError("Deze procedure heeft geen onderzoek naar de volledigheid.")
    if state.phase != "ingediend":
        raise RefusedError("De volledigheid is al beoordeeld; de aanvrager heeft niets aangevuld.")


def _complete(
    state: State, command: Complete, actor: Actor, known: Container[str]
) -> dict[str, Any]:
    if state.phase != "onvolledig":
        raise RefusedError("De stad heeft niets gevraagd om aan te vullen.")
    if actor.kind not in {ActorKind.CITIZEN, ActorKind.INTEGRATION}:
        raise RefusedError("Alleen de aanvrager vult een dossier aan.")
    return {"answers": command.answers, "answersVersion": state.answers_version + 1}


def _request_advice(
    state: State, command: RequestAdvice, actor: Actor, known: Container[str]
) -> dict[str, Any]:
    if state.procedure.advice is None:
        raise RefusedError("Deze procedure vraagt geen advies.")
    _needs_handling(state, "Advies vragen")
    if not command.departments:
        raise RefusedError("Kies minstens één dienst om advies aan te vragen.")
    for department in command.departments:
        if department not in known:
            raise RefusedError(f"De dienst {department!r} bestaat niet.")
        asked = state.advice.get(department)
        if asked is not None and asked.open:
            raise RefusedError(f"Er loopt al een adviesvraag bij {department}.")
    return {"departments": list(dict.fromkeys(command.departments))}


def _give_advice(
    state: State, command: GiveAdvice, actor: Actor, known: Container[str]
) -> dict[str, Any]:
    request = state.advice.get(command.department)
    if request is None or not request.open:
        raise RefusedError(f"Er loopt geen adviesvraag bij {command.department}.")
    if actor.kind is ActorKind.STAFF and actor.department != command.department:
        raise RefusedError("U geeft advies namens uw eigen dienst, niet namens een andere.")
    if command.opinion not in OPINIONS:
        raise RefusedError("Kies gunstig, voorwaardelijk gunstig of ongunstig.")
    if not command.motivation.strip():
        raise RefusedError("Motiveer het advies.")
    if len(command.attachments) > advice_files.MAX_FILES:
        raise RefusedError(f"Voeg hoogstens {advice_files.MAX_FILES} bestanden toe aan een advies.")
    for blob in command.attachments:
        refused = advice_files.refusal(blob)
        if refused is not None:
            raise RefusedError(refused)
    files = [advice_files.file_data(blob) for blob in command.attachments]
    return {
        "department": command.department,
        "opinion": command.opinion,
        "motivation": command.motivation.strip(),
    } | ({"attachments": files} if files else {})


def _extend(
    state: State, command: ExtendDeadline, actor: Actor, known: Container[str]
) -> dict[str, Any]:
    track = state.procedure.track(state.track)
    if track is None or track.extension is None:
        raise RefusedError("De termijn van dit spoor kan niet verlengd worden.")
    if state.extended:
        raise RefusedError("De termijn is al eens verlengd; dat kan maar één keer.")
    _needs_handling(state, "De termijn verlengen")
    return {"days": track.extension}


def _decide(state: State, command: Decide, actor: Actor, known: Container[str]) -> dict[str, Any]:
    _needs_handling(state, "Beslissen")
    if state.procedure.outcome(command.outcome) is None:
        raise RefusedError(f"Deze procedure kent geen beslissing {command.outcome!r}.")
    waiting = [request.department for request in state.open_advice]
    if waiting:
        raise RefusedError("Er lopen nog adviesvragen bij " + ", ".join(waiting) + ".")
    if not command.motivation.strip():
        raise RefusedError("Motiveer de beslissing.")
    return {"outcome": command.outcome, "motivation": command.motivation.strip()}


def _close(state: State, command: Close, actor: Actor, known: Container[str]) -> dict[str, Any]:
    if state.phase != "beslissing":
        raise RefusedError("Een dossier wordt afgesloten na de beslissing.")
    return {}


def _archive(state: State, command: Archive, actor: Actor, known: Container[str]) -> dict[str, Any]:
    if not state.has_phase("gearchiveerd"):
        raise RefusedError("Deze procedure archiveert geen dossiers.")
    if state.phase != "afgesloten":
        raise RefusedError("Alleen een afgesloten dossier wordt gearchiveerd.")
    return {}


def _needs_handling(state: State, what: str) -> None:
    if state.phase not in _HANDLING and not (state.phase == "ingediend" and state.admissible):
        raise RefusedError(f"{what} kan pas als het dossier ontvankelijk is.")


_CHECKS: dict[type[Any], Any] = {
    Assign: _assign,
    FindAdmissible: _admissible,
    FindIncomplete: _incomplete,
    Complete: _complete,
    RequestAdvice: _request_advice,
    GiveAdvice: _give_advice,
    ExtendDeadline: _extend,
    Decide: _decide,
    Close: _close,
    Archive: _archive,
}
_KINDS: dict[type[Any], Kind] = {
    Assign: Kind.ASSIGNED,
    FindAdmissible: Kind.FOUND_ADMISSIBLE,
    FindIncomplete: Kind.FOUND_INCOMPLETE,
    Complete: Kind.COMPLETED,
    RequestAdvice: Kind.ADVICE_REQUESTED,
    GiveAdvice: Kind.ADVICE_GIVEN,
    ExtendDeadline: Kind.DEADLINE_EXTENDED,
    Decide: Kind.DECIDED,
    Close: Kind.CLOSED,
    Archive: Kind.ARCHIVED,
}
