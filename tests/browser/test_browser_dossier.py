"""A dossier for staff, in Chromium: a citizen files, an official opens it with the development
login, meets another official's change on the conflict page with their text kept, and confirms
the action; the dossier page, a confirmation page and the conflict page axe-clean."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, expect
from tests.browser import evenement
from tests.browser.conftest import LiveServer, axe_violations, screenshot

MESSAGE = "Het grondplan toont de nooduitgangen niet.\nVoeg ze toe, met hun breedte."


def log_in(page: Page, server: LiveServer, role: str) -> None:
    page.goto(f"{server.url}/behandeling/aanmelden")
    page.get_by_label(role).check()
    page.get_by_role("button", name="Aanmelden als ontwikkelaar").click()
    expect(page.locator("h1")).to_have_text("Behandeling")


def test_an_official_acts_through_a_conflict_and_a_confirmation(
    context: BrowserContext, browser: Any, live_server: LiveServer
) -> None:
    citizen = context.new_page()
    citizen.goto(f"{live_server.url}/formulieren/evenement")
    evenement.to_review(citizen, javascript=True)
    number = evenement.file_it(citizen)
    found: dict[str, Any] = {}

    official = browser.new_context(locale="nl-BE")
    try:
        mine = official.new_page()
        log_in(mine, live_server, "Behandelaar van het formulier evenement")
        dossier = f"{live_server.url}/behandeling/dossiers/{number}"
        mine.goto(dossier)
        expect(mine.locator("h1")).to_have_text(f"Dossier {number}")
        expect(mine.locator("main")).to_contain_text("Huiskamerconcert Leopoldstraat")
        expect(mine.locator("main")).to_contain_text("grondplan-zaal.pdf")
        found["dossier"] = axe_violations(mine)
        screenshot(mine, "behandeling-dossier")

        # A colleague (the same login, another tab) takes the dossier meanwhile.
        theirs = official.new_page()
        theirs.goto(dossier)
        theirs.locator("summary", has_text="Dossier nemen").click()
        theirs.get_by_role("button", name="Dossier nemen").click()
        expect(theirs.locator("h1")).to_have_text("Bevestig: dossier nemen")
        theirs.get_by_role("button", name="Bevestig").click()
        expect(theirs.locator("[role=status]")).to_contain_text("U behandelt dit dossier nu.")

        mine.locator("summary", has_text="Onvolledig verklaren").click()
        mine.get_by_label("Bericht aan de aanvrager: wat ontbreekt er?").fill(MESSAGE)
        mine.locator("summary", has_text="Kies de antwoorden en documenten").click()
        mine.get_by_label("Grondplan").check()
        mine.get_by_role("button", name="Onvolledig verklaren").click()
        expect(mine.locator("h1")).to_have_text("Het dossier is intussen gewijzigd")
        expect(mine.locator("main")).to_contain_text("Toegewezen aan Ontwikkelaar")
        message = mine.get_by_label("Bericht aan de aanvrager: wat ontbreekt er?")
        expect(message).to_have_value(MESSAGE)
        found["conflict"] = axe_violations(mine)
        screenshot(mine, "behandeling-conflict")

        mine.get_by_role("button", name="Onvolledig verklaren").click()
        expect(mine.locator("h1")).to_have_text("Bevestig: onvolledig verklaren")
        expect(mine.locator("main")).to_contain_text("Gevraagd")
        expect(mine.locator("main")).to_contain_text("Grondplan")
        found["bevestigen"] = axe_violations(mine)
        screenshot(mine, "behandeling-bevestigen")
        mine.get_by_role("button", name="Bevestig").click()
        expect(mine.locator("h1")).to_have_text(f"Dossier {number}")
        expect(mine.locator("[role=status]")).to_contain_text("onvolledig verklaard")
        expect(mine.locator("main")).to_contain_text("Aan te vullen")
        expect(mine.locator(".fk-timeline")).to_contain_text("Voeg ze toe, met hun breedte.")
        found["na de actie"] = axe_violations(mine)
    finally:
        official.close()
    assert {name: v for name, v in found.items() if v} == {}
