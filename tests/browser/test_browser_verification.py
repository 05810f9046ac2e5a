"""The receipt in Chromium: downloaded from the confirmation page, checked on /verificatie.

The draft is filed over plain HTTP (tests/web's page helper against the live server): the
browser tests of the flow already file in Chromium. Then a citizen downloads the PDF from the
confirmation page, follows its QR code (read off the rendered PDF, as a phone would) and
uploads it on /verificatie, as is and with one byte changed; every page on the way passes
axe-core.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect
from tests.browser.conftest import LiveServer, axe_violations, screenshot
from tests.receipts.receipt_support import qr_codes
from tests.web.conftest import PDF, to_review

from formkit.render import DECLARATION

GENUINE = "Dit ontvangstbewijs is echt"
CHANGED = "Dit ontvangstbewijs is NIET in orde: het werd gewijzigd na het verzegelen."


@pytest.fixture(scope="module")
def confirmation_url(live_server: LiveServer) -> str:
    """The confirmation page of an evenement draft filed on the live server."""
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as client:
        confirmation = to_review(client).choose(DECLARATION, "ja").press("indienen")  # type: ignore[arg-type]
    assert confirmation.url.endswith("/bevestiging"), confirmation.status
    return confirmation.url


def choose_and_check(page: Page, receipt: Any) -> None:
    page.locator("#ontvangstbewijs").set_input_files(receipt)
    page.locator("#bijlagen").set_input_files(
        {"name": "grondplan.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Controleer").click()


def test_a_citizen_downloads_the_receipt_and_checks_it(
    context: BrowserContext, confirmation_url: str, live_server: LiveServer, tmp_path: Path
) -> None:
    page = context.new_page()
    console: list[ConsoleMessage] = []
    page.on("console", lambda message: console.append(message))
    found: dict[str, Any] = {}

    page.goto(confirmation_url)
    number = page.locator(".fk-panel__number").inner_text()
    link = page.get_by_role("link", name="Download uw ontvangstbewijs (PDF)")
    expect(link).to_be_visible()
    screenshot(page, "bevestiging-ontvangstbewijs")
    found["bevestiging"] = axe_violations(page)
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == f"ontvangstbewijs-{number}.pdf"
    receipt = tmp_path / download.suggested_filename
    download.save_as(receipt)

    (link,) = qr_codes(receipt.read_bytes())
    assert link.startswith(f"{live_server.url}/verificatie?code=")
    assert number not in link
    page.goto(link)
    expect(page.locator("#fk-register-title")).to_contain_text(number)
    expect(page.get_by_text("Ja, ingediend op")).to_be_visible()
    screenshot(page, "verificatie-qr")
    found["verificatie-qr"] = axe_violations(page)
    page.goto(f"{live_server.url}/verificatie?dossier={number}")  # a QR code from before codes
    found["verificatie-oude-qr"] = axe_violations(page)
    page.goto(f"{live_server.url}/verificatie")
    expect(page.locator("h1")).to_have_text("Een ontvangstbewijs controleren")
    found["verificatie"] = axe_violations(page)

    choose_and_check(page, receipt)
    expect(page.locator("#fk-verdict h2")).to_have_text(GENUINE)
    # The form took the same PDF for both attachments: the one file chosen is either.
    expect(page.get_by_text(re.compile(r"Het gekozen bestand .*komt overeen"))).to_have_count(2)
    screenshot(page, "verificatie-echt")
    found["verificatie-echt"] = axe_violations(page)

    changed = bytearray(receipt.read_bytes())
    changed[changed.index(b"/Producer") + 1] = ord("p")
    tampered = {"name": receipt.name, "mimeType": "application/pdf", "buffer": bytes(changed)}
    choose_and_check(page, tampered)
    verdict = page.locator("#fk-verdict")
    expect(verdict.locator("h2")).to_have_text(CHANGED)
    expect(verdict).to_be_focused()  # read first, as an error summary is
    screenshot(page, "verificatie-niet-in-orde")
    found["verificatie-niet-in-orde"] = axe_violations(page)

    assert {name: v for name, v in found.items() if v} == {}
    assert [m.text for m in console if "Content Security Policy" in m.text] == []


# No axe here: Playwright cannot evaluate a script in a page without JavaScript.
def test_the_qr_link_and_a_check_work_without_javascript(
    no_script_context: BrowserContext, confirmation_url: str, live_server: LiveServer
) -> None:
    page = no_script_context.new_page()
    page.goto(confirmation_url)
    number = page.locator(".fk-panel__number").inner_text()
    with httpx.Client(base_url=live_server.url) as client:
        pdf = client.get(confirmation_url.replace("/bevestiging", "/ontvangstbewijs.pdf"))
        jws = client.get(confirmation_url.replace("/bevestiging", "/ontvangstbewijs.jws"))
    (link,) = qr_codes(pdf.content)
    page.goto(link)
    expect(page.locator("#fk-register-title")).to_contain_text(number)
    expect(page.get_by_text("Ja, ingediend op")).to_be_visible()
    # The QR code of a receipt from before codes names the number: it looks nothing up.
    page.goto(f"{live_server.url}/verificatie?dossier={number}")
    expect(page.locator("#fk-register-title")).to_have_text(
        "Dit ontvangstbewijs controleert u met het bestand"
    )
    expect(page.get_by_text(number)).to_have_count(0)
    jws_file = {
        "name": "ontvangstbewijs.jws",
        "mimeType": "application/jose",
        "buffer": jws.content,
    }
    choose_and_check(page, jws_file)
    expect(page.locator("#fk-verdict h2")).to_have_text(GENUINE)
    expect(page.get_by_text(f"Dossiernummer {number}")).to_have_count(0)  # a term, a value
    expect(page.locator(".fk-summary__value").first).to_have_text(number)
