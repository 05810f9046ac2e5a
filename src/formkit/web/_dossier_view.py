"""A dossier as the staff page shows it: phase, deadlines, advice, timeline, files.

Plain values for the templates, made from the dossier's events and state (`formkit.handling`)
and its stored row; every text is Dutch, every moment in Brussels. The answers themselves are
summarised as the citizen's Overzicht shows them (`formkit.render`), not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from formkit.filing._filing import Attachment
from formkit.forms._dutch import day_text, moment_text, size_text
from formkit.forms._model import Form, Kind
from formkit.handling import advice_files
from formkit.handling.deadlines import LABELS, Deadline, local_day
from formkit.handling.events import ActorKind, Event
from formkit.handling.events import Kind as EventKind
from formkit.handling.organisation import Organisation
from formkit.handling.state import State

OPINION_TITLES = {
    "gunstig": "gunstig",
    "voorwaardelijk-gunstig": "voorwaardelijk gunstig",
    "ongunstig": "ongunstig",
}


@dataclass(frozen=True, slots=True)
class Names:
    """The words for ids: departments, tracks, outcomes and answers of this dossier's form."""

    form: Form
    state: State
    organisation: Organisation | None

    def department(self, department_id: str) -> str:
        found = self.organisation.department(department_id) if self.organisation else None
        return found.title if found else department_id

    def departments(self, ids: Any) -> str:
        return ", ".join(self.department(str(d)) for d in ids)

    def track(self, track_id: str) -> str:
        found = self.state.procedure.track(track_id)
        return found.title if found else track_id

    def outcome(self, outcome_id: str | None) -> str:
        found = self.state.procedure.outcome(outcome_id or "")
        return found.title if found else str(outcome_id)

    def phase(self, phase_id: str) -> str:
        found = self.state.procedure.phase(phase_id)
        return found.title if found else phase_id

    def answer(self, pointer: str) -> str:
        found = self.form.field(pointer)
        return found.title if found else pointer

    def answers(self, pointers: Any) -> str:
        return ", ".join(self.answer(str(p)) for p in pointers)


@dataclass(frozen=True, slots=True)
class Due:
    label: str
    day: str
    status: str  # on-time, due-soon, overdue: the CSS modifier
    text: str  # op tijd (nog 12 dagen), bijna verlopen (nog 2 dagen), te laat (3 dagen)


def due(label: str, deadline: Deadline | None, now: datetime) -> Due | None:
    if deadline is None:
        return None
    status = deadline.status(now)
    left = deadline.days_left(now)
    if left >= 0:
        days = "vandaag" if left == 0 else f"nog {left} dag{'en' if left != 1 else ''}"
    else:
        days = f"{-left} dag{'en' if left != -1 else ''} over tijd"
    return Due(label, day_text(deadline.due), status.value, f"{LABELS[status]} ({days})")


@dataclass(frozen=True, slots=True)
class AdviceRow:
    department: str
    asked: str
    state: str  # open, gegeven: gunstig, niet op tijd gegeven
    deadline: Due | None  # while open


def advice_rows(state: State, names: Names, now: datetime) -> tuple[AdviceRow, ...]:
    rows = []
    for request in state.advice.values():
        if request.open:
            text = "open"
        elif request.late:
            counted = f", telt als {request.opinion}" if request.opinion else ""
            text = f"niet op tijd gegeven{counted}"
        else:
            text = f"gegeven: {OPINION_TITLES.get(request.opinion or '', request.opinion)}"
        deadline = due("Termijn", request.due, now) if request.open else None
        asked = day_text(local_day(request.asked))
        rows.append(AdviceRow(names.department(request.department), asked, text, deadline))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Entry:
    """One event on the timeline."""

    when: str
    who: str
    what: str
    details: tuple[str, ...] = ()
    version: int | None = None  # a completion: the answers' version it made
    event: int = 0  # its number among the dossier's events (1: the filing)
    files: tuple[AdviceFile, ...] = ()  # an advice: the files that came with it


@dataclass(frozen=True, slots=True)
class AdviceFile:
    index: int
    label: str
    kind: str  # PDF, Word, ...
    size: str
    inline: bool


def timeline(events: tuple[Event, ...], names: Names, first: int = 1) -> tuple[Entry, ...]:
    """The events as entries; `first`: the number of the first among the dossier's events."""
    return tuple(entry(event, names, number) for number, event in enumerate(events, first))


def entry(event: Event, names: Names, number: int = 0) -> Entry:
    what, details = _describe(event, event.data, names)
    version = event.data.get("answersVersion") if event.kind is EventKind.COMPLETED else None
    files = _advice_files(event) if event.kind is EventKind.ADVICE_GIVEN else ()
    return Entry(moment_text(event.at), _who(event, names), what, details, version, number, files)


def _advice_files(event: Event) -> tuple[AdviceFile, ...]:
    return tuple(
        AdviceFile(
            index,
            blob.label,
            advice_files.TYPE_NAMES.get(blob.media_type, blob.media_type),
            size_text(blob.size),
            blob.media_type in INLINE,
        )
        for index, blob in enumerate(advice_files.files_of(event.data))
    )


def _who(event: Event, names: Names) -> str:
    actor = event.actor
    if event.kind is EventKind.FILED:
        if actor.id == "web":
            return "De aanvrager, via het e-loket"
        return f"De aanvrager, via de koppeling {actor.id.removeprefix('api:')}"
    if actor.kind is ActorKind.STAFF and actor.department:
        return f"{actor.name} ({names.department(actor.department)})"
    if actor.kind is ActorKind.INTEGRATION:
        return f"Koppeling {actor.name}"
    return actor.name


def _describe(event: Event, data: Mapping[str, Any], names: Names) -> tuple[str, tuple[str, ...]]:
    kind = event.kind
    if kind is EventKind.FILED:
        return "Ingediend", ()
    if kind is EventKind.ASSIGNED:
        return f"Toegewezen aan {data.get('name', '')}", ()
    if kind is EventKind.FOUND_ADMISSIBLE:
        how = "door het verstrijken van de termijn" if data.get("silence") else "verklaard"
        return f"Volledig en ontvankelijk {how}", (f"Spoor: {names.track(data.get('track', ''))}",)
    if kind is EventKind.FOUND_INCOMPLETE:
        asked = (f"Gevraagd: {names.answers(data['pointers'])}",) if data.get("pointers") else ()
        return "Onvolledig verklaard", (f"Bericht: {data.get('message', '')}", *asked)
    if kind is EventKind.COMPLETED:
        return f"Aangevuld door de aanvrager (versie {data.get('answersVersion')})", ()
    if kind is EventKind.ADVICE_REQUESTED:
        return f"Advies gevraagd aan {names.departments(data.get('departments', ()))}", ()
    if kind is EventKind.ADVICE_GIVEN:
        opinion = OPINION_TITLES.get(data.get("opinion", ""), data.get("opinion"))
        department = names.department(data.get("department", ""))
        return f"Advies van {department}: {opinion}", (f"Motivering: {data.get('motivation')}",)
    if kind is EventKind.ADVICE_LATE:
        counted = " (telt als gunstig)" if data.get("opinion") == "gunstig" else ""
        department = names.department(data.get("department", ""))
        return f"Advies van {department} niet op tijd gegeven{counted}", ()
    if kind is EventKind.DEADLINE_EXTENDED:
        return f"Beslissingstermijn verlengd met {data.get('days')} dagen", ()
    if kind is EventKind.DECIDED:
        outcome = names.outcome(data.get("outcome"))
        return f"Beslist: {outcome}", (f"Motivering: {data.get('motivation')}",)
    if kind is EventKind.CLOSED:
        return "Afgesloten", ()
    return "Gearchiveerd", ()


@dataclass(frozen=True, slots=True)
class File:
    index: int
    label: str
    slot: str  # the answer it belongs to
    media_type: str
    size: str
    inline: bool  # a PDF opens in the browser; the rest is downloaded


INLINE = frozenset({"application/pdf"})


def files(attachments: tuple[Attachment, ...], names: Names) -> tuple[File, ...]:
    return tuple(
        File(
            index,
            a.label,
            names.answer(_slot(a.pointer, names.form)),
            a.media_type,
            size_text(a.size),
            a.media_type in INLINE,
        )
        for index, a in enumerate(attachments)
    )


def _slot(pointer: str, form: Form) -> str:
    """The attachment field of a file's place: a list's file sits one level deeper."""
    field = form.field(pointer)
    if field is None and pointer.rsplit("/", 1)[-1].isdigit():
        return pointer.rsplit("/", 1)[0]
    return pointer


@dataclass(frozen=True, slots=True)
class Askable:
    """An answer or document the official may ask the citizen to complete."""

    pointer: str
    title: str


def askable(form: Form) -> tuple[tuple[str, tuple[Askable, ...]], ...]:
    """Per step, its answers as the Overzicht lists them at the top: what can be asked for."""
    found = []
    for step in form.steps:
        fields = step.fields
        if len(fields) == 1 and fields[0].kind is Kind.OBJECT:
            fields = fields[0].children
        found.append((step.title, tuple(Askable(f.pointer, f.title) for f in fields)))
    return tuple(found)
