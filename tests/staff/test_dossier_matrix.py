"""Roles x actions x dossiers: each member of staff either does an action on the dossier page
(its event recorded, its form on the page) or is refused (403, or 404 for a dossier they may
not see) and nothing is recorded.

Each case files its own bouwaanvraag and brings it to where the action is allowed by the
procedure: admitted on the regular track (which can be extended), the fire brigade (brandweer)
asked for advice where the dossier is past the completeness check. One SQLite service serves
the module; tests/staff/test_dossier_page.py runs on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.staff import desk
from tests.web.conftest import Clock

from formkit.forms.catalogue import Catalogue
from formkit.handling.actions import Command
from formkit.handling.events import ActorKind, Kind
from formkit.web.app import create_app
from formkit.web.services import Services

BEHANDELAAR = "behandelaar:bouwaanvraag"
OTHER_BEHANDELAAR = "behandelaar:evenement"
ADVISEUR = "adviseur:brandweer"  # asked for advice on the dossiers past the check
OTHER_ADVISEUR = "adviseur:politie"  # never asked
BESLISSER = "beslisser"
BEHEERDER = "beheerder"
ROLES = (BEHANDELAAR, OTHER_BEHANDELAAR, ADVISEUR, OTHER_ADVISEUR, BESLISSER, BEHEERDER)


@dataclass(frozen=True)
class Case:
    steps: Sequence[Command]  # what brings the dossier where the action is allowed
    fields: Mapping[str, str | list[str]]
    kind: Kind
    doers: frozenset[str]  # the roles that do it; the others are refused


CASES = {
    "nemen": Case(desk.ADVICE_ASKED, {}, Kind.ASSIGNED, frozenset({BEHANDELAAR})),
    "ontvankelijk": Case(
        (), {"spoor": "regulier"}, Kind.FOUND_ADMISSIBLE, frozenset({BEHANDELAAR})
    ),
    "onvolledig": Case(
        (),
        {"bericht": "Het plan ontbreekt.", "gevraagd": ["/bijlagen/plannen"]},
        Kind.FOUND_INCOMPLETE,
        frozenset({BEHANDELAAR}),
    ),
    "advies-vragen": Case(
        desk.ADVICE_ASKED,
        {"dienst": ["mobiliteit", "erfgoed"]},
        Kind.ADVICE_REQUESTED,
        frozenset({BEHANDELAAR}),
    ),
    "advies-geven": Case(
        desk.ADVICE_ASKED,
        {"dienst": "brandweer", "advies": "voorwaardelijk-gunstig", "motivering": "Rookmelders."},
        Kind.ADVICE_GIVEN,
        frozenset({ADVISEUR}),
    ),
    "termijn-verlengen": Case(
        desk.ADVICE_ASKED, {}, Kind.DEADLINE_EXTENDED, frozenset({BEHANDELAAR})
    ),
    "beslissen": Case(
        desk.ADVISED,
        {"beslissing": "vergund", "motivering": "Past in de straat."},
        Kind.DECIDED,
        frozenset({BESLISSER}),
    ),
    "afsluiten": Case(desk.DECIDED, {}, Kind.CLOSED, frozenset({BEHANDELAAR})),
}


def sees(role: str, steps: Sequence[Command]) -> bool:
    """Who may see the dossier at all (formkit.handling.permissions, written out again)."""
    admitted = bool(steps)  # every prepared dossier past the check also asked the brandweer
    return role == BEHANDELAAR or (role in (ADVISEUR, BESLISSER) and admitted)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Iterator[Services]:
    folder: Path = tmp_path_factory.mktemp("matrix")
    settings = service_settings(folder, f"sqlite:///{folder / 'formkit.db'}")
    built = Services.build(settings, clock=Clock(), catalogue=catalogue)
    yield built
    built.engine.dispose()


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services.settings, services)) as test_client:
        yield test_client


@pytest.mark.parametrize("slug", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_a_role_does_an_action_or_is_refused_and_nothing_is_recorded(
    client: TestClient[Any], services: Services, role: str, slug: str
) -> None:
    case = CASES[slug]
    number = desk.prepared(services, case.steps)
    session = desk.log_in(client, services, role)
    before = desk.events(services, number)
    visible = sees(role, case.steps)
    page = client.get(f"/behandeling/dossiers/{number}")
    assert page.status_code == (200 if visible else 404)
    assert (f"/acties/{slug}" in page.text) == (role in case.doers)
    response = desk.post_action(client, services, session, number, slug, case.fields)
    if role in case.doers:
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/behandeling/dossiers/{number}?gedaan={slug}"
        found = services.handling.events(number)
        assert found is not None
        assert len(found) == before + 1
        event = found[-1]
        assert event.kind is case.kind
        assert (event.actor.kind, event.actor.id) == (ActorKind.STAFF, f"sub-{_letters(role)}")
        if slug == "advies-geven":
            assert event.actor.department == "brandweer"
    else:
        assert response.status_code == (403 if visible else 404), response.text
        assert desk.events(services, number) == before


def _letters(role: str) -> str:
    return "".join(char for char in role if char.isalpha() and char.islower())
