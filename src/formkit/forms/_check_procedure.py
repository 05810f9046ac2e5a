"""What a form's procedure must satisfy beyond the meta-schema, checked on the model.

Findings are `(origin, message)` like `_check`'s. The departments and bodies a procedure names
must exist in the organisation file beside the form; `organisation` is None when there is none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from formkit.forms._model import Form, Kind
from formkit.forms._procedure import PHASES, REQUIRED_PHASES, Procedure, Term

Finding = tuple[str, str]
_WHERE = "/x-formkit/procedure"
_DATES = {Kind.DATE, Kind.DATE_TIME}
_ONE_ANSWER = "{}: name one answer, an item of a list by its index (0), not *"


class Names(Protocol):
    """What the check needs of the organisation: which departments and bodies exist."""

    def department(self, department_id: str) -> object | None: ...
    def body(self, body_id: str) -> object | None: ...


def check_procedure(form: Form, organisation: Names | None) -> Iterator[Finding]:
    procedure = form.annotations.procedure
    if procedure is None:
        return
    yield from _check_phases(form, procedure)
    yield from _check_tracks(form, procedure)
    yield from _check_outcomes(procedure)
    yield from _check_search(form, procedure)
    yield from _check_contact(form, procedure)
    yield from _check_addressee(form, procedure)
    if organisation is None:
        yield _WHERE, "the procedure names departments: put organisatie.json beside the form"
        return
    yield from _check_names(procedure, organisation)


def _check_phases(form: Form, procedure: Procedure) -> Iterator[Finding]:
    ids = [phase.id for phase in procedure.phases]
    for n, phase_id in enumerate(ids):
        if phase_id in ids[:n]:
            yield f"{_WHERE}/phases/{n}/id", f"phase {phase_id!r} is listed twice"
    if ids != sorted(set(ids), key=PHASES.index):
        yield f"{_WHERE}/phases", "phases are listed in the order " + ", ".join(PHASES)
    for missing in (p for p in REQUIRED_PHASES if p not in ids):
        yield f"{_WHERE}/phases", f"every procedure has the phase {missing!r}"
    completeness = procedure.completeness is not None
    for phase_id in ("onvolledig", "ontvankelijk"):
        if (phase_id in ids) is not completeness:
            yield f"{_WHERE}/phases", f"the phase {phase_id!r} goes with a completeness check"
    if ("advies" in ids) is not (procedure.advice is not None):
        yield f"{_WHERE}/phases", "the phase 'advies' goes with an advice section"
    if "gearchiveerd" in ids and form.annotations.retention is None:
        yield f"{_WHERE}/phases", "the phase 'gearchiveerd' needs x-formkit.retention"


def _check_tracks(form: Form, procedure: Procedure) -> Iterator[Finding]:
    for n, track in enumerate(procedure.tracks):
        where = f"{_WHERE}/tracks/{n}"
        if track.id in {t.id for t in procedure.tracks[:n]}:
            yield where + "/id", f"track id {track.id!r} is used twice"
        yield from _check_term(form, procedure, track.deadline, where + "/deadline")


def _check_term(form: Form, procedure: Procedure, term: Term, where: str) -> Iterator[Finding]:
    if (term.after is None) is (term.before is None):
        yield where, "a deadline runs either 'after' a moment or 'before' a date answered"
    if term.after == "ontvankelijk" and procedure.completeness is None:
        yield where + "/after", "'ontvankelijk' needs a completeness check in the procedure"
    if term.before is not None:
        target = form.field(term.before)
        if target is None or target.kind not in _DATES:
            yield where + "/before", f"{term.before} is not a date or date-time field"
        elif not target.required:
            yield where + "/before", f"{term.before} may be left empty: make it required"


def _check_outcomes(procedure: Procedure) -> Iterator[Finding]:
    outcomes = procedure.outcomes
    for n, outcome in enumerate(outcomes):
        if outcome.id in {o.id for o in outcomes[:n]}:
            yield f"{_WHERE}/outcomes/{n}/id", f"outcome id {outcome.id!r} is used twice"
    if len({o.favourable for o in outcomes}) < 2:
        yield f"{_WHERE}/outcomes", "a decision can go either way: one favourable, one not"


def _check_search(form: Form, procedure: Procedure) -> Iterator[Finding]:
    for n, pointer in enumerate(procedure.search):
        target = form.field(pointer)
        if target is None or target.kind is not Kind.TEXT:
            yield f"{_WHERE}/search/{n}", f"{pointer} is not a text field (use * for list items)"


def _check_contact(form: Form, procedure: Procedure) -> Iterator[Finding]:
    """The address must be an e-mail answer, the name plain text: never a national number."""
    contact = procedure.contact
    if contact is None:
        return
    where = f"{_WHERE}/contact"
    emails = contact.emails
    if not emails:
        yield where + "/email", "name the answer that holds the citizen's e-mail address"
    for n, pointer in enumerate(emails):
        at = where + "/email" + ("" if isinstance(contact.email, str) else f"/{n}")
        target = form.field(pointer)
        if "*" in pointer.split("/"):
            yield at, _ONE_ANSWER.format(pointer)
        elif target is None or target.kind is not Kind.TEXT or target.format != "email":
            yield at, f"{pointer} is not an e-mail field (a string with format email)"
    for n, pointer in enumerate(contact.name):
        target = form.field(pointer)
        if "*" in pointer.split("/"):
            yield f"{where}/name/{n}", _ONE_ANSWER.format(pointer)
        elif target is None or target.kind is not Kind.TEXT or target.format is not None:
            yield f"{where}/name/{n}", f"{pointer} is not a plain text field (a name)"


def _check_addressee(form: Form, procedure: Procedure) -> Iterator[Finding]:
    for n, pointer in enumerate(procedure.addressee):
        target = form.field(pointer)
        names = set() if target is None else {child.name for child in target.children}
        if target is None or target.kind not in {Kind.OBJECT, Kind.GROUP}:
            yield f"{_WHERE}/addressee/{n}", f"{pointer} is not a group of fields (a person)"
        elif not ({"voornaam", "achternaam"} <= names or "naam" in names):
            yield f"{_WHERE}/addressee/{n}", f"{pointer} has no voornaam and achternaam, or naam"


def _check_names(procedure: Procedure, organisation: Names) -> Iterator[Finding]:
    if organisation.department(procedure.handled_by) is None:
        yield f"{_WHERE}/handledBy", _unknown("department", procedure.handled_by)
    advisers = [a.department for a in procedure.advice.departments] if procedure.advice else []
    for n, department in enumerate(advisers):
        where = f"{_WHERE}/advice/departments/{n}/department"
        if organisation.department(department) is None:
            yield where, _unknown("department", department)
        elif department in advisers[:n]:
            yield where, f"{department!r} is listed twice"
    for n, track in enumerate(procedure.tracks):
        if organisation.body(track.body) is None:
            yield f"{_WHERE}/tracks/{n}/body", _unknown("deciding body", track.body)


def _unknown(what: str, name: str) -> str:
    return f"no {what} {name!r} in organisatie.json"
