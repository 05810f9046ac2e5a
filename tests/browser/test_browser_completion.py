"""The citizen completes a bouwaanvraag in Chromium, through the link in the city's mail.

The dossier is filed and found incomplete straight in the live server's stores (the signing
tests file through the pages with an eID card; the city's side has its own tests). Then a
citizen opens the link, types a wrong e-mail address, reads the error summary, corrects it,
adds the new plan and sends the completion; the completion page, its error summary and the
confirmation pass axe-core.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import LiveServer, axe_violations, live_stores, screenshot
from tests.conftest import NOW
from tests.web.bouwaanvraag import PDF
from tests.web.completion_support import ask_completion, file_bouwaanvraag

from formkit.filing._filing import CONTENT_PREFIX
from formkit.web.services import Services

NEW_PLAN = PDF.replace(b"%%EOF", b"% het nieuwe inplantingsplan\n%%EOF")


@pytest.fixture(scope="module")
def stores(live_server: LiveServer) -> Iterator[Services]:
    """The live server's own database, blobs and secret, opened from the test process."""
    with live_stores(live_server) as services:
        yield services


def test_a_citizen_completes_a_bouwaanvraag_through_the_link(
    context: BrowserContext, live_server: LiveServer, stores: Services
) -> None:
    form = stores.catalogue["bouwaanvraag"]
    number = file_bouwaanvraag(stores.dossiers, stores.blobs, form)
    link = ask_completion(stores.handling, stores.secret, number, NOW)
    page = context.new_page()
    found: dict[str, Any] = {}

    page.goto(live_server.url + link)
    expect(page.locator("h1")).to_have_text("Uw aanvraag aanvullen")
    expect(page.locator("main")).to_contain_text("Het inplantingsplan is onleesbaar.")
    email = page.get_by_label("E-mailadres")
    expect(email).to_have_value("sofie.janssens@voorbeeld.be")
    expect(email).to_be_visible()  # the page script hides nothing that was asked
    found["aanvullen"] = axe_violations(page)
    screenshot(page, "aanvullen")

    email.fill("sofie-zonder-apenstaartje")
    page.get_by_label("Plannen").set_input_files(
        {"name": "nieuw-inplantingsplan.pdf", "mimeType": "application/pdf", "buffer": NEW_PLAN}
    )
    page.get_by_role("button", name="Verstuur uw aanvulling").click()
    summary = page.locator(".fk-error-summary")
    expect(summary).to_contain_text("Er is een probleem")
    expect(email).to_have_value("sofie-zonder-apenstaartje")
    expect(page.locator(".fk-files")).to_contain_text("nieuw-inplantingsplan.pdf")
    found["aanvullen-fout"] = axe_violations(page)
    screenshot(page, "aanvullen-fout")

    summary.get_by_role("link").first.click()
    expect(email).to_be_focused()
    email.fill("sofie@nieuw.be")
    page.get_by_role("button", name="Verstuur uw aanvulling").click()
    expect(page.locator("h1")).to_have_text("Bedankt, uw aanvulling is ontvangen")
    expect(page.locator("main")).to_contain_text(number)
    expect(page.locator("main")).to_contain_text("Wat gebeurt er nu?")
    found["ontvangen"] = axe_violations(page)
    screenshot(page, "aanvulling-ontvangen")
    assert {name: v for name, v in found.items() if v} == {}

    handled = stores.handling.get(number)
    assert handled is not None
    assert handled.state.phase == "ingediend"
    assert handled.state.answers_version == 2
    second = stores.handling.answers(number, 2)
    assert second["aanvragers"]["personen"][0]["email"] == "sofie@nieuw.be"
    new_plan = {"bestand": CONTENT_PREFIX + hashlib.sha256(NEW_PLAN).hexdigest()}
    assert second["bijlagen"]["plannen"][1] == {**new_plan, "naam": "nieuw-inplantingsplan.pdf"}
    first = stores.handling.answers(number, 1)
    assert first["aanvragers"]["personen"][0]["email"] == "sofie.janssens@voorbeeld.be"

    page.goto(live_server.url + link)  # the link is spent
    expect(page.locator("h1")).to_have_text("Uw aanvulling is al ontvangen")
