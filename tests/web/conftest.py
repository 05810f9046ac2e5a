"""The app with the citizen pages, on SQLite and PostgreSQL, with a clock the test can move."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import NOW, service_settings
from tests.web.webforms import Page

from formkit.forms.catalogue import Catalogue
from formkit.settings import Settings
from formkit.web.services import Services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return service_settings(tmp_path, database_url)


@pytest.fixture
def services(settings: Settings, clock: Clock, catalogue: Catalogue) -> Services:
    return Services.build(settings, clock=clock, catalogue=catalogue)


DRAFT_URL = re.compile(r"/formulieren/[a-z-]+/([A-Za-z0-9_-]{43})/")


def draft_id(page: Page) -> str:
    found = DRAFT_URL.search(page.url)
    assert found, page.url
    return found.group(1)


def open_page(client: TestClient[Any], url: str, **headers: str) -> Page:
    return Page(client, client.get(url, headers=headers))


VERANTWOORDELIJKE = {
    "voornaam": "Tom",
    "achternaam": "Peeters",
    "rijksregisternummer": "85.03.14-123.02",
    "adres/straat": "Leopoldstraat",
    "adres/huisnummer": "12",
    "adres/postcode": "2800",
    "adres/gemeente": "Mechelen",
    "email": "tom@voorbeeld.be",
    "telefoon": "0470 12 34 56",
}
EVENEMENT = {
    "naam": "Huiskamerconcert",
    "omschrijving": "Een akoestisch concert.",
    # A date in three fields and the hour as text, as the page asks them.
    "begin#dag": "16",
    "begin#maand": "10",
    "begin#jaar": "2027",
    "begin#tijd": "20:00",
    "einde#dag": "16",
    "einde#maand": "10",
    "einde#jaar": "2027",
    "einde#tijd": "23:00",
    "plaats": "Parochiezaal",
    "verwachteBezoekers": "60",
}


def fill_organisator(page: Page) -> Page:
    page.choose("/organisator/soort", "privepersoon")
    page.fill("/organisator/voornaam", "Tom").fill("/organisator/achternaam", "Peeters")
    page.choose("/organisatorInMechelen", "true")
    for name, value in VERANTWOORDELIJKE.items():
        page.fill(f"/verantwoordelijke/{name}", value)
    for name, value in {"voornaam": "Sofie", "achternaam": "Janssens"}.items():
        page.fill(f"/tweedeContactpersoon/{name}", value)
    return page.fill("/tweedeContactpersoon/telefoon", "0485 76 54 32")


def fill_evenement(page: Page) -> Page:
    for name, value in EVENEMENT.items():
        page.fill(f"/evenement/{name}", value)
    page.fill("/evenement/soort", "concert").choose("/evenement/locatietype", "binnen")
    return page.choose("/evenement/toegang", "op-uitnodiging")


def fill_veiligheid(page: Page) -> Page:
    for name in ("versterkteMuziek", "podiumOfTent", "eersteHulp"):
        page.choose(f"/veiligheid/{name}", "false")
    for name in ("verkeersmaatregelen", "parkeerverbod"):
        page.choose(f"/veiligheid/{name}", "false")
    return page.fill("/veiligheid/aantalStewards", "2")


def fill_drank(page: Page) -> Page:
    page.choose("/drankEnEten/drankSchenken", "false")
    return page.choose("/drankEnEten/etenMetGasOfBarbecue", "false")


def to_attachments(client: TestClient[Any]) -> Page:
    """The evenement form filled in without a browser, up to its last step (Bijlagen)."""
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    page = fill_evenement(page).press("volgende")
    page = fill_veiligheid(page).press("volgende")
    page = fill_drank(page).press("volgende")
    page = page.press("volgende")  # materiaal: nothing to borrow
    assert page.title == "Bijlagen", page.errors
    return page


def to_review(client: TestClient[Any]) -> Page:
    """The evenement form filled in without a browser, up to its review page."""
    page = to_attachments(client)
    page.attach("/bijlagen/grondplan", "grondplan.pdf", PDF)
    page.attach("/bijlagen/programma", "programma.pdf", PDF)
    page = page.press("volgende")
    assert page.title == "Overzicht", page.errors
    return page
