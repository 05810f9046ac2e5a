"""Least privilege, decided in one place: every role against every action and dossier."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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
from formkit.handling.completion import completion_path, completion_token, completion_valid
from formkit.handling.permissions import DossierFacts, may, may_see, scope
from formkit.handling.state import CompletionRequest

HANDLER = Staff("h", "Handler", ("behandelaar:bouwaanvraag",))
ADVISER = Staff("a", "Adviser", ("adviseur:brandweer",))
DECIDER = Staff("d", "Decider", ("beslisser",))
ADMIN = Staff("b", "Admin", ("beheerder",))
NOBODY = Staff("n", "Nobody", ())

BUILDING = DossierFacts("bouwaanvraag", "advies", frozenset({"brandweer", "erfgoed"}))
NEW_BUILDING = DossierFacts("bouwaanvraag", "ingediend")
EVENT = DossierFacts("evenement", "advies", frozenset({"politie"}))

HANDLER_COMMANDS: list[Command] = [
    Assign("x", "X"),
    FindAdmissible(),
    FindIncomplete("m"),
    RequestAdvice(("brandweer",)),
    ExtendDeadline(),
    Close(),
    Archive(),
]


@pytest.mark.parametrize(
    ("staff", "dossier", "seen"),
    [
        (HANDLER, BUILDING, True),
        (HANDLER, NEW_BUILDING, True),
        (HANDLER, EVENT, False),  # another form's
        (ADVISER, BUILDING, True),  # asked the adviser's department
        (ADVISER, NEW_BUILDING, False),
        (ADVISER, EVENT, False),  # asked another department
        (DECIDER, BUILDING, True),
        (DECIDER, NEW_BUILDING, False),  # not yet admissible
        (ADMIN, BUILDING, False),  # administers, reads no answers
        (NOBODY, BUILDING, False),
    ],
)
def test_who_sees_which_dossier(staff: Staff, dossier: DossierFacts, seen: bool) -> None:
    assert may_see(staff, dossier) is seen


@pytest.mark.parametrize("command", HANDLER_COMMANDS, ids=lambda c: type(c).__name__)
def test_only_the_forms_handler_prepares_a_dossier(command: Command) -> None:
    assert may(HANDLER, command, BUILDING)
    assert not may(HANDLER, command, EVENT)
    for staff in (ADVISER, DECIDER, ADMIN, NOBODY):
        assert not may(staff, command, BUILDING)


def test_an_adviser_advises_only_for_a_department_that_was_asked_and_is_theirs() -> None:
    assert may(ADVISER, GiveAdvice("brandweer", "gunstig", "m"), BUILDING)
    assert not may(ADVISER, GiveAdvice("erfgoed", "gunstig", "m"), BUILDING)  # not theirs
    both = Staff("a2", "A2", ("adviseur:brandweer", "adviseur:politie"))
    assert not may(both, GiveAdvice("politie", "gunstig", "m"), BUILDING)  # not asked here
    assert not may(HANDLER, GiveAdvice("brandweer", "gunstig", "m"), BUILDING)


def test_only_a_decider_decides() -> None:
    assert may(DECIDER, Decide("vergund", "m"), BUILDING)
    assert not may(DECIDER, Decide("vergund", "m"), NEW_BUILDING)  # cannot even see it
    for staff in (HANDLER, ADVISER, ADMIN):
        assert not may(staff, Decide("vergund", "m"), BUILDING)


def test_roles_add_up_in_the_scope() -> None:
    found = scope(Staff("s", "S", ("behandelaar:evenement", "adviseur:politie", "beheerder")))
    assert found.forms == {"evenement"}
    assert found.departments == {"politie"}
    assert not found.admitted
    assert not found.empty
    assert scope(ADMIN).empty


def test_a_completion_link_opens_only_the_request_it_was_made_for() -> None:
    secret = b"s" * 32
    asked = CompletionRequest(datetime(2026, 3, 2, 9, 30, tzinfo=UTC), "Het plan", ())
    again = CompletionRequest(datetime(2026, 3, 9, 9, 30, tzinfo=UTC), "Het plan", ())
    token = completion_token(secret, "MECH-1", asked)
    assert completion_valid(secret, "MECH-1", asked, token)
    assert not completion_valid(secret, "MECH-2", asked, token)
    assert not completion_valid(secret, "MECH-1", again, token)  # asked anew: a new link
    assert not completion_valid(secret, "MECH-1", None, token)  # completed: no request open
    assert not completion_valid(b"t" * 32, "MECH-1", asked, token)
    assert completion_path(secret, "MECH-1", asked) == f"/aanvullen/MECH-1/{token}"
