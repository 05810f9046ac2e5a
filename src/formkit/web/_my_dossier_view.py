"""A dossier as its citizen reads it on "Mijn dossiers": plain Dutch values for the templates.

What the city does is told as far as it concerns the citizen: the phases of the form's
procedure, who handles the dossier and how to reach them, the decision's deadline, what the
city asks now. What stays inside the city is left out: advice opinions and motivations (they
reach the citizen in the decision letter), the names of advisers, who read what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import Any

from formkit.filing._filing import Role
from formkit.forms._dutch import day_text, moment_text
from formkit.handling.deadlines import Status, local_day
from formkit.handling.events import Event, Kind
from formkit.handling.organisation import Organisation
from formkit.handling.procedures import decision_deadline
from formkit.handling.state import State, apply, start
from formkit.web._dossier_view import Names

ROLE_TITLES = {
    Role.APPLICANT: "aanvrager",
    Role.CO_APPLICANT: "medeaanvrager",
    Role.SIGNER: "ondertekenaar",
}


def role_text(roles: Iterable[Role]) -> str:
    """`aanvrager en ondertekenaar`, in a fixed order."""
    titles = [title for role, title in ROLE_TITLES.items() if role in set(roles)]
    return " en ".join(titles)


@dataclass(frozen=True, slots=True)
class PhaseStep:
    title: str
    description: str
    status: str  # done, current, upcoming


def phase_steps(state: State, events: Iterable[Event]) -> tuple[PhaseStep, ...]:
    """The procedure's phases in order: those passed, the current one, those still to come.

    A phase the dossier skipped (it was never incomplete, no advice was asked) is left out.
    """
    initial = start(state.procedure, state.answers, state.filed)
    visited = {s.phase for s in accumulate(events, apply, initial=initial)}
    phases = state.procedure.phases
    current = next((n for n, p in enumerate(phases) if p.id == state.phase), len(phases))
    steps = []
    for index, phase in enumerate(phases):
        if phase.id == state.phase:
            status = "current"
        elif index > current:
            status = "upcoming"
        elif phase.id in visited:
            status = "done"
        else:
            continue
        steps.append(PhaseStep(phase.title, phase.description, status))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class Happened:
    """One thing the city did with the dossier, or the citizen."""

    when: str
    what: str
    detail: str = ""


def history(events: Iterable[Event], names: Names) -> tuple[Happened, ...]:
    """The events a citizen is told of, newest first."""
    told = (_told(event, event.data, names) for event in events)
    return tuple(reversed([entry for entry in told if entry is not None]))


def _told(event: Event, data: Mapping[str, Any], names: Names) -> Happened | None:
    when = moment_text(event.at)
    kind = event.kind
    if kind is Kind.FILED:
        return Happened(when, "U diende uw aanvraag in.")
    if kind is Kind.ASSIGNED:
        return Happened(when, f"{data.get('name', '')} behandelt uw dossier.")
    if kind is Kind.FOUND_ADMISSIBLE:
        return Happened(when, "Uw aanvraag is volledig en ontvankelijk.")
    if kind is Kind.FOUND_INCOMPLETE:
        return Happened(when, "De stad vroeg u om uw aanvraag aan te vullen.", data["message"])
    if kind is Kind.COMPLETED:
        return Happened(when, "U vulde uw aanvraag aan.")
    if kind is Kind.ADVICE_REQUESTED:
        asked = names.departments(data.get("departments", ()))
        return Happened(when, f"De stad vroeg advies aan: {asked}.")
    if kind in (Kind.ADVICE_GIVEN, Kind.ADVICE_LATE):
        return None  # what an adviser thinks reaches the citizen with the decision
    if kind is Kind.DEADLINE_EXTENDED:
        return Happened(when, f"De termijn om te beslissen werd verlengd met {data['days']} dagen.")
    if kind is Kind.DECIDED:
        return Happened(when, f"De stad besliste: {names.outcome(data.get('outcome'))}.")
    if kind is Kind.CLOSED:
        return Happened(when, "Uw dossier werd afgesloten.")
    return Happened(when, "Uw dossier werd gearchiveerd.")


@dataclass(frozen=True, slots=True)
class Contact:
    """Who handles the dossier, and where to write: the department's mailbox."""

    official: str | None  # None: nobody was assigned yet
    department: str
    mailbox: str | None


def contact(state: State, organisation: Organisation | None) -> Contact:
    official = state.official
    department_id = (official.department if official else None) or state.procedure.handled_by
    department = organisation.department(department_id) if organisation else None
    return Contact(
        official.name if official else None,
        department.title if department else department_id,
        department.mailbox if department else None,
    )


@dataclass(frozen=True, slots=True)
class DecisionTerm:
    day: str  # uiterlijk: 12 maart 2027
    kept: bool  # decided in time, or still in time
    text: str


def decision_term(state: State, events: Iterable[Event], now: datetime) -> DecisionTerm | None:
    """The day the city must decide by and whether it did (or still can); None while the
    term has not started (it runs from admissibility) or the procedure sets none."""
    track = state.procedure.track(state.track)
    if track is None:
        return None
    deadline = decision_deadline(
        track,
        state.answers,
        filed=state.filed,
        admissible=state.admissible,
        extended=state.extended,
    )
    if deadline is None:
        return None
    day = day_text(deadline.due)
    decided = next((e.at for e in events if e.kind is Kind.DECIDED), None)
    if decided is not None:
        kept = local_day(decided) <= deadline.due
        said = "binnen de termijn" if kept else "na het einde van de termijn"
        on = day_text(local_day(decided))
        return DecisionTerm(day, kept, f"De stad besliste op {on}, {said}.")
    if deadline.status(now) is Status.OVERDUE:
        return DecisionTerm(day, False, "De termijn is voorbij en de stad besliste nog niet.")
    left = deadline.days_left(now)
    days = f"nog {left} dag{'en' if left != 1 else ''}" if left else "vandaag is de laatste dag"
    return DecisionTerm(day, True, f"De stad beslist uiterlijk op {day} ({days}).")
