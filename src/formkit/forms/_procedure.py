"""The `procedure` of a form: how the city handles a dossier of that form after it is filed.

Part of the `x-formkit` vocabulary (see `_vocabulary.py`): the phases a citizen sees, the
department that handles the form, who advises by default and how fast, the completeness and
decision deadlines, the deciding body and the possible outcomes. The handling code reads it;
nothing about a form's procedure is written in Python.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

import msgspec

from formkit.forms._vocabulary_types import Identifier, Pointer, Struct, Text

# The phases the handling code knows, in the order a dossier passes them. A form lists the ones
# its procedure uses, each with the words its citizens read.
PhaseId = Literal[
    "ingediend",
    "onvolledig",
    "ontvankelijk",
    "in-behandeling",
    "advies",
    "beslissing",
    "afgesloten",
    "gearchiveerd",
]
PHASES: tuple[str, ...] = get_args(PhaseId)
REQUIRED_PHASES = ("ingediend", "beslissing", "afgesloten")
Days = Annotated[int, msgspec.Meta(ge=1, le=3650, description="Calendar days in Brussels.")]


class Phase(Struct, frozen=True):
    """A phase as the citizen reads it on Mijn dossiers."""

    id: PhaseId
    title: Text
    description: Text


class Term(Struct, frozen=True):
    """A deadline in calendar days: `days` after a moment, or `days` before a date answered.

    `after`: `indiening` (filing) or `ontvankelijk` (the dossier was found admissible).
    `before`: a JSON Pointer to a date or date-time answer (an event's start).
    """

    days: Days
    after: Literal["indiening", "ontvankelijk"] | None = None
    before: Pointer | None = None


class Completeness(Struct, frozen=True):
    """The city says within `days` of filing whether the dossier is complete and admissible.

    `silence`: what the dossier is when the city says nothing in time (`ontvankelijk` for a
    Flemish environment permit), or `null` when silence changes nothing.
    """

    days: Days
    silence: Literal["ontvankelijk"] | None = None


class DefaultAdviser(Struct, frozen=True):
    """A department asked for advice by default, when `when` holds for the answers."""

    department: Identifier
    when: dict[str, Any] | bool | None = None


class Advice(Struct, frozen=True):
    """Departments advise in parallel, each within `days` of being asked.

    `late`: an advice not given in time counts as favourable (`gunstig`), or the city decides
    without it (`zonder-advies`).
    """

    days: Days
    late: Literal["gunstig", "zonder-advies"]
    departments: tuple[DefaultAdviser, ...] = ()


class Track(Struct, frozen=True):
    """One way to a decision: who decides and by when. The handling official picks the track
    when the dossier is found admissible; the first track is the default."""

    id: Identifier
    title: Text
    body: Identifier
    deadline: Term
    extension: Days | None = None  # the deadline may be extended once by this many days


class Outcome(Struct, frozen=True):
    id: Identifier
    title: Text
    favourable: bool


class Contact(Struct, frozen=True):
    """Where the city writes to the citizen about the dossier: JSON Pointers into the answers.

    `email`: the e-mail answer, or several (a form whose applicant is a person or a company
    names both): the first one answered is used. `name`: the answers that make up the name the
    mail is addressed to, joined by spaces; the ones left unanswered are skipped. Each pointer
    names one answer: an item of a list by its index (`/aanvragers/personen/0/email`).
    """

    email: Pointer | tuple[Pointer, ...]
    name: tuple[Pointer, ...] = ()

    @property
    def emails(self) -> tuple[str, ...]:
        return (self.email,) if isinstance(self.email, str) else self.email


class Procedure(Struct, frozen=True):
    """`x-formkit.procedure`: how a dossier of this form is handled."""

    handled_by: Identifier
    phases: Annotated[tuple[Phase, ...], msgspec.Meta(min_length=3)]
    tracks: Annotated[tuple[Track, ...], msgspec.Meta(min_length=1)]
    outcomes: Annotated[tuple[Outcome, ...], msgspec.Meta(min_length=2)]
    next: Text  # what happens next, as the confirmation page tells the citizen
    completeness: Completeness | None = None
    advice: Advice | None = None
    search: tuple[Pointer, ...] = ()  # text answers officials find a dossier by: names, streets
    contact: Contact | None = None  # none: the citizen gets no e-mail about the dossier
    # Whom the decision letter is addressed to: the first of these persons or organisations
    # that is answered (a group: its first row); see `formkit.handling.letters`.
    addressee: tuple[Pointer, ...] = ()

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def outcome(self, outcome_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)
