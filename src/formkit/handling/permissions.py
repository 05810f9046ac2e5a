"""Least privilege for staff: which dossiers a member of staff sees, and what they may do to them.

    behandelaar:<form>   every dossier of that form; takes or assigns it, judges completeness,
                         asks advice, extends the term, closes and archives it
    adviseur:<dept>      the dossiers that asked their department for advice; gives that advice
    beslisser            the dossiers past the completeness check, of every form; decides
    beheerder            no dossiers: administers the service and reads no citizen's answers

Only a role grants; several roles add up. Whether the procedure allows an action *now* is
`actions.act`'s call, made after this one: a member of staff who may not act on a dossier at
all learns nothing about its state from the refusal.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from formkit.accounts import Staff
from formkit.handling.actions import (
    Archive,
    Assign,
    Close,
    Command,
    Decide,
    ExtendDeadline,
    FindAdmissible,
    FindIncomplete,
    GiveAdvice,
    RequestAdvice,
)

# Phases before admissibility: the decider has nothing to decide yet and reads nothing.
UNADMITTED = frozenset({"ingediend", "onvolledig"})
_HANDLER_COMMANDS: tuple[type[Command], ...] = (
    Assign,
    FindAdmissible,
    FindIncomplete,
    RequestAdvice,
    ExtendDeadline,
    Close,
    Archive,
)


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the permission needs to know of a dossier, and nothing more."""

    form_id: str
    phase: str
    asked: frozenset[str] = frozenset()  # departments ever asked for advice, open or given


@dataclass(frozen=True, slots=True)
class Scope:
    """A member of staff's dossiers, as the worklist narrows its query: the union of three."""

    forms: frozenset[str]  # every dossier of these forms
    departments: frozenset[str]  # dossiers that asked one of these departments for advice
    admitted: bool  # every dossier past the completeness check

    @property
    def empty(self) -> bool:
        return not (self.forms or self.departments or self.admitted)


def scope(staff: Staff) -> Scope:
    return Scope(
        forms=_scoped(staff.roles, "behandelaar"),
        departments=_scoped(staff.roles, "adviseur"),
        admitted=staff.has_role("beslisser"),
    )


def may_see(staff: Staff, dossier: DossierFacts) -> bool:
    found = scope(staff)
    return (
        dossier.form_id in found.forms
        or bool(dossier.asked & found.departments)
        or (found.admitted and dossier.phase not in UNADMITTED)
    )


def may(staff: Staff, command: Command, dossier: DossierFacts) -> bool:
    """Whether `staff` may try `command` on `dossier` (the procedure may still refuse it)."""
    if not may_see(staff, dossier):
        return False
    if isinstance(command, GiveAdvice):
        return command.department in dossier.asked and staff.advises(command.department)
    if isinstance(command, Decide):
        return staff.has_role("beslisser")
    return isinstance(command, _HANDLER_COMMANDS) and staff.handles(dossier.form_id)


def advising_departments(staff: Staff, dossier: DossierFacts) -> tuple[str, ...]:
    """The departments `staff` may give advice for on `dossier`, sorted."""
    return tuple(sorted(dossier.asked & scope(staff).departments))


def _scoped(roles: Collection[str], kind: str) -> frozenset[str]:
    prefix = f"{kind}:"
    return frozenset(role.removeprefix(prefix) for role in roles if role.startswith(prefix))
