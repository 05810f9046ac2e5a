"""A form started while logged in: the applicant's answers come from the login and stay so;
the draft is the citizen's, and "Mijn dossiers" lists it until it is filed.

The citizens log in with the development login (loopback): Anna (85073003328) and Jan
(90010100123), with their given and family names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import answers, service_settings
from tests.web.bouwaanvraag import bouwaanvraag, fill_to_review
from tests.web.conftest import draft_id, open_page
from tests.web.loopback import APP_URL, development_login
from tests.web.webforms import Page

from formkit.forms.catalogue import Catalogue
from formkit.render import ACTION, DECLARATION, applicant_prefill, with_prefill
from formkit.settings import Settings
from formkit.web.app import create_app
from formkit.web.services import Services

ANNA, JAN = "85073003328", "90010100123"
NUMBER = "/verantwoordelijke/rijksregisternummer"
GIVEN, FAMILY = "/verantwoordelijke/voornaam", "/verantwoordelijke/achternaam"
FROM_LOGIN = "Uit uw aanmelding: dit kunt u niet wijzigen."


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return service_settings(tmp_path, database_url)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services.settings, services), base_url=APP_URL) as test_client:
        yield test_client


def log_in(client: TestClient[Any], citizen: str) -> None:
    assert development_login(client, citizen).status_code == 303


def rechtspersoon() -> Any:
    return answers("bouwaanvraag", "valid-rechtspersoon")


def names(page: Page) -> set[str]:
    return {control.name for control in page.controls}


# The core: which answers a login gives -------------------------------------------------------


def test_the_applicant_is_the_first_national_number_with_the_names_beside_it(
    catalogue: Catalogue,
) -> None:
    assert applicant_prefill(catalogue["evenement"], ANNA, "Anna", "Peeters") == {
        NUMBER: ANNA,
        GIVEN: "Anna",
        FAMILY: "Peeters",
    }
    person = "/aanvragers/personen/0"
    assert applicant_prefill(catalogue["bouwaanvraag"], ANNA) == {
        f"{person}/rijksregisternummer": ANNA
    }
    prefill = applicant_prefill(catalogue["bewonersinitiatief"], JAN, "Jan", "Janssens")
    assert with_prefill({"initiatiefnemers": []}, prefill) == {
        "initiatiefnemers": [
            {"rijksregisternummer": JAN, "voornaam": "Jan", "achternaam": "Janssens"}
        ]
    }


# The pages -----------------------------------------------------------------------------------


def test_a_logged_in_citizen_sees_their_name_and_number_filled_in_and_locked(
    client: TestClient[Any],
) -> None:
    log_in(client, "anna")
    page = open_page(client, "/formulieren/evenement")
    assert page.html.count(FROM_LOGIN) == 3
    assert {NUMBER, GIVEN, FAMILY}.isdisjoint(names(page))  # shown, never an input
    assert "<strong>Anna</strong>" in page.html
    assert "<strong>85.07.30-033.28</strong>" in page.html
    assert ANNA not in page.title


def test_without_a_login_nothing_is_filled_in(client: TestClient[Any]) -> None:
    page = open_page(client, "/formulieren/evenement")
    assert FROM_LOGIN not in page.html
    assert {NUMBER, GIVEN, FAMILY} <= names(page)


def test_a_forged_post_does_not_change_what_the_login_gave(
    client: TestClient[Any], services: Services
) -> None:
    log_in(client, "anna")
    page = open_page(client, "/formulieren/evenement")
    token = page.value("_csrf")
    forged = {"_csrf": token, NUMBER: JAN, GIVEN: "Jan", ACTION: "bewaren"}
    saved = client.post("/formulieren/evenement", files=[(k, (None, v)) for k, v in forged.items()])
    assert saved.status_code == 200
    draft = services.drafts.load(saved_id(Page(client, saved)), services.clock())
    assert draft is not None
    verantwoordelijke = draft.answers["verantwoordelijke"]
    assert (verantwoordelijke["rijksregisternummer"], verantwoordelijke["voornaam"]) == (
        ANNA,
        "Anna",
    )
    assert draft.prefill[NUMBER] == ANNA


def test_the_applicant_of_a_list_cannot_be_removed_and_files_as_the_login(
    client: TestClient[Any], services: Services
) -> None:
    log_in(client, "anna")
    start = open_page(client, "/formulieren/bouwaanvraag")
    assert "Uit uw aanmelding" in start.html
    document = bouwaanvraag(JAN)  # what the citizen would type: another number than theirs
    review = fill_to_review(start, document)
    assert "85.07.30-033.28" in review.html  # the Overzicht shows the login's number
    remove = [c for c in review.controls if c.value == "verwijder:/aanvragers/personen/0"]
    assert remove == []
    signing = review.choose(DECLARATION, "ja").press("indienen")
    assert signing.title == "Ondertekenen"
    filed = Page(
        client,
        client.post(
            f"/formulieren/bouwaanvraag/{draft_id(signing)}/ondertekenen/aanmelding",
            files=[("_csrf", (None, signing.value("_csrf")))],
        ),
    )
    assert filed.title == "Uw aanvraag is ingediend", filed.errors
    number = re.search(r"BAV-\d{4}-\d{6}", filed.html)
    assert number is not None
    dossier = services.dossiers.get(number.group(0))
    assert dossier is not None
    assert dossier.answers["aanvragers"]["personen"][0]["rijksregisternummer"] == ANNA


# The drafts on Mijn dossiers ----------------------------------------------------------------


def save_first_step(client: TestClient[Any], form_id: str) -> str:
    return saved_id(open_page(client, f"/formulieren/{form_id}").press("bewaren"))


def saved_id(page: Page) -> str:
    """The draft a first step saved with "Bewaren": its page posts to the draft's step."""
    found = re.search(r"/formulieren/[a-z-]+/([A-Za-z0-9_-]{43})/stap/", page.action)
    assert found is not None, page.action
    return found.group(1)


def test_mijn_dossiers_lists_the_drafts_begun_logged_in_and_no_one_elses(
    client: TestClient[Any],
) -> None:
    anonymous = save_first_step(client, "bewonersinitiatief")
    log_in(client, "anna")
    mine = save_first_step(client, "evenement")
    home = client.get("/mijn-dossiers").text
    assert "Aanvragen die u nog niet indiende" in home
    assert f'href="/formulieren/evenement/{mine}"' in home
    assert anonymous not in home
    log_in(client, "jan")
    assert mine not in client.get("/mijn-dossiers").text
    log_in(client, "anna")
    onward = client.get(f"/formulieren/evenement/{mine}", follow_redirects=False)
    assert onward.status_code == 303
    assert onward.headers["location"].startswith(f"/formulieren/evenement/{mine}/stap/")


def test_a_filed_or_expired_draft_is_no_longer_listed(
    client: TestClient[Any], services: Services
) -> None:
    log_in(client, "anna")
    mine = save_first_step(client, "evenement")
    key = services.drafts.load(mine, services.clock())
    assert key is not None
    assert key.owner is not None
    assert [d.id for d in services.drafts.open_drafts(key.owner, services.clock())] == [mine]
    later = key.expires_at
    assert services.drafts.open_drafts(key.owner, later) == []
    services.drafts.mark_filed(mine, "EVT-2026-000001")
    assert services.drafts.open_drafts(key.owner, services.clock()) == []
    assert "Aanvragen die u nog niet indiende" not in client.get("/mijn-dossiers").text


def test_a_citizen_filing_for_a_legal_entity_files_without_their_prefilled_person(
    client: TestClient[Any],
) -> None:
    """The prefilled applicant stands in the persons' branch; choosing a legal entity prunes it
    as any answer of a branch not chosen."""
    log_in(client, "anna")
    review = fill_to_review(open_page(client, "/formulieren/bouwaanvraag"), rechtspersoon())
    assert review.title == "Overzicht", review.errors
    assert "85.07.30-033.28" not in review.html
