"""A form's procedure applied to one dossier: its default advisers and its deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import msgspec

from formkit.forms import _pointer
from formkit.forms._model import Form
from formkit.forms._procedure import Procedure, Term, Track
from formkit.forms._vocabulary import KEYWORD
from formkit.handling.deadlines import Deadline, local_day


def procedure_in(schema: Mapping[str, Any]) -> Procedure | None:
    """The procedure a bundled form schema declares (a dossier's own version of its form)."""
    declared = schema.get(KEYWORD, {}).get("procedure")
    return None if declared is None else msgspec.convert(declared, Procedure)


def search_text(procedure: Procedure, answers: Any) -> str:
    """What officials find a dossier by: its searched answers, lower case, one line."""
    values = (v for pointer in procedure.search for v in _values_at(answers, pointer))
    return " ".join(" ".join(v.split()) for v in values if isinstance(v, str)).casefold()


def _values_at(document: Any, pointer: str) -> list[Any]:
    """The values at a pointer whose `*` stands for every item of a list."""
    nodes = [document]
    for step in _pointer.tokens(pointer):
        if step == "*":
            nodes = [item for node in nodes if isinstance(node, list) for item in node]
        else:
            nodes = [_pointer.child(node, step) for node in nodes]
    return [node for node in nodes if node is not None]


def default_advisers(form: Form, answers: Any) -> tuple[str, ...]:
    """The departments asked for advice by default, for these answers, in declared order."""
    return tuple(
        department
        for department, when in form.default_advisers
        if when is None or when.is_valid(answers)
    )


def completeness_deadline(procedure: Procedure, filed: datetime) -> Deadline | None:
    if procedure.completeness is None:
        return None
    return Deadline.after(filed, procedure.completeness.days)


def advice_deadline(procedure: Procedure, asked: datetime) -> Deadline | None:
    return None if procedure.advice is None else Deadline.after(asked, procedure.advice.days)


def decision_deadline(
    track: Track,
    answers: Any,
    *,
    filed: datetime,
    admissible: datetime | None,
    extended: bool = False,
) -> Deadline | None:
    """When the decision is due on `track`; None while its term has not started yet (a term
    that runs from admissibility, before the dossier was found admissible)."""
    deadline = term_deadline(track.deadline, answers, filed=filed, admissible=admissible)
    if deadline is None or not extended or track.extension is None:
        return deadline
    return deadline.extended(track.extension)


def term_deadline(
    term: Term, answers: Any, *, filed: datetime, admissible: datetime | None
) -> Deadline | None:
    if term.before is not None:
        day = _answered_day(answers, term.before)
        return None if day is None else Deadline.before(day, term.days)
    start = filed if term.after == "indiening" else admissible
    return None if start is None else Deadline.after(start, term.days)


def _answered_day(answers: Any, pointer: str) -> date | None:
    """The day (in Brussels) of a date or date-time answer; `formkit check` made it required,
    so only answers that were never validated (a draft) can lack it."""
    value = _pointer.resolve(answers, pointer)
    if not isinstance(value, str):
        return None
    if "T" not in value:
        return date.fromisoformat(value)
    return local_day(datetime.fromisoformat(value))
