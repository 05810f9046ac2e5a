"""What a decided dossier's letter says, from its events, its procedure and the organisation.

`decision_letter` turns the state the events fold into (outcome, track, advice, answers) into a
`formkit.receipts.LetterBody`: the outcome and deciding body as the procedure and the
organisation name them, the motivation as the decider wrote it, each department's advice, and
the addressee the procedure points at (`procedure.addressee`). Names and an address only:
nothing else of the answers (never a national register number) goes into a letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from formkit.forms import _pointer
from formkit.forms._address import postal_lines
from formkit.handling.events import Event, Kind
from formkit.handling.organisation import Organisation
from formkit.handling.state import State
from formkit.receipts import (
    Addressee,
    AdviceGiven,
    DecisionOutcome,
    HandlingDepartment,
    Issuer,
    LetterBody,
    Named,
    letter_body,
)


def decision_letter(
    *,
    number: str,
    form_id: str,
    form_title: str,
    state: State,
    events: Iterable[Event],
    organisation: Organisation | None,
    issuer: Issuer,
) -> LetterBody | None:
    """The body of the dossier's decision letter; None while it is not decided."""
    decided = next((e for e in reversed(tuple(events)) if e.kind is Kind.DECIDED), None)
    if decided is None:
        return None
    procedure = state.procedure
    outcome = procedure.outcome(decided.data["outcome"])
    track = procedure.track(state.track)
    # The decision was checked against both when it was made.
    assert outcome is not None
    assert track is not None
    body = organisation.body(track.body) if organisation else None
    return letter_body(
        number=number,
        form_id=form_id,
        form_title=form_title,
        decided_at=decided.at,
        outcome=DecisionOutcome(outcome.id, outcome.title, outcome.favourable),
        motivation=decided.data["motivation"],
        advice=[
            AdviceGiven(
                r.department, _department(organisation, r.department).title, r.opinion, r.late
            )
            for r in state.advice.values()
        ],
        decided_by=Named(track.body, body.title if body else track.body),
        handled_by=_department(organisation, procedure.handled_by),
        addressee=addressee(procedure.addressee, state.answers),
        issuer=issuer,
    )


def addressee(pointers: Iterable[str], answers: Any) -> Addressee | None:
    """The first person or organisation answered at `pointers` (a list: its first item)."""
    for pointer in pointers:
        found = _pointer.resolve(answers, pointer)
        if isinstance(found, list):
            found = found[0] if found else None
        if not isinstance(found, Mapping):
            continue
        name = _name(found)
        if name:
            return Addressee(name, _address(found.get("adres") or found.get("zetel")))
    return None


def _name(party: Mapping[str, Any]) -> str:
    parts = [party.get("voornaam"), party.get("achternaam")]
    person = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    organisation = party.get("naam")
    return person or (organisation.strip() if isinstance(organisation, str) else "")


def _address(address: object) -> tuple[str, ...]:
    """An address (defs/adres.json) as the lines of an envelope, in Belgium or abroad."""
    return postal_lines(address) if isinstance(address, Mapping) else ()


def _department(organisation: Organisation | None, department_id: str) -> HandlingDepartment:
    found = organisation.department(department_id) if organisation else None
    if found is None:
        return HandlingDepartment(department_id, department_id, "")
    return HandlingDepartment(found.id, found.title, found.mailbox)
