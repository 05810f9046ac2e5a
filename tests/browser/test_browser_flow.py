"""The evenement form filled in and filed in Chromium, with JavaScript and without."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, expect
from tests.browser import evenement
from tests.browser.conftest import LiveServer, axe_violations, screenshot


def csp_reports(messages: list[ConsoleMessage]) -> list[str]:
    return [m.text for m in messages if "Content Security Policy" in m.text]


def test_a_citizen_files_the_form_with_javascript(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    console: list[ConsoleMessage] = []
    page.on("console", lambda message: console.append(message))
    page.goto(f"{live_server.url}/formulieren/evenement")
    evenement.to_review(page, javascript=True)
    evenement.check_review(page)
    screenshot(page, "evenement-overzicht")
    assert axe_violations(page) == []
    number = evenement.file_it(page)
    screenshot(page, "evenement-bevestiging")
    assert axe_violations(page) == []
    page.go_back()  # back to the review, and Indienen once more: the same dossier
    page.reload()
    expect(evenement.heading(page)).to_have_text("Uw aanvraag is ingediend")
    assert page.locator(".fk-panel__number").inner_text() == number
    assert csp_reports(console) == []


def test_a_citizen_files_the_form_without_javascript(
    no_script_context: BrowserContext, live_server: LiveServer
) -> None:
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    evenement.to_review(page, javascript=False)
    evenement.check_review(page)
    evenement.file_it(page)
    screenshot(page, "evenement-bevestiging-zonder-javascript")


def test_a_refused_step_keeps_what_was_typed_and_the_files(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    evenement.organisator(page, javascript=True)
    evenement.evenement(page)
    evenement.veiligheid(page, javascript=True)
    evenement.drank_en_eten(page)
    evenement.materiaal(page)
    file = {"name": "grondplan-zaal.pdf", "mimeType": "application/pdf", "buffer": evenement.PDF}
    evenement.control(page, "/bijlagen/grondplan").set_input_files(file)
    evenement.button(page, "Naar overzicht").click()  # without the programma
    summary = page.locator(".fk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Voeg het programma toe.")
    expect(page.locator("main")).to_contain_text("grondplan-zaal.pdf")  # the file stays
    screenshot(page, "evenement-bijlagen-fout")
    summary.get_by_role("link").first.click()
    expect(evenement.control(page, "/bijlagen/programma")).to_be_focused()
    described = evenement.control(page, "/bijlagen/programma").get_attribute("aria-describedby")
    assert described
    messages = [page.locator(f"#{i}").inner_text() for i in described.split()]
    assert "Voeg het programma toe." in " ".join(messages)
