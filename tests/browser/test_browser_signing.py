"""Ondertekenen in Chromium: the bouwaanvraag signed on a SoftHSM2 card and filed.

The answers are posted without a browser up to the Overzicht (tests/web/bouwaanvraag.py): the
steps themselves have their own browser tests. From there on it is the browser: Indienen, the
signing page, the file to sign downloaded, signed by the real `formkit sign` in this process
(as on the citizen's computer), the signature uploaded, the dossier number shown.

The Web eID browser extension cannot run here. Its stand-in answers `eid.js` in the page with
the extension's messages, and signs on the same card: that proves the script's side of the
protocol and the post it makes, not the extension.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from playwright.sync_api import BrowserContext, Page, expect
from tests.browser.conftest import LiveServer, axe_violations, screenshot
from tests.browser.evenement import DECLARATION_LABEL
from tests.web.bouwaanvraag import bouwaanvraag, fill_to_review, formkit_sign
from tests.web.webforms import Page as FormPage

from formkit.eid import sign_digest
from formkit.eid._testcard import TestCard

NUMBER = re.compile(r"BAV-\d{4}-\d{6}")
SIGN_BUTTON = "Onderteken en dien in"
DOWNLOAD = "Download het bestand met wat u ondertekent"


@pytest.fixture
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as client:
        yield client


def review_url(http: httpx.Client, card: TestCard) -> str:
    """A bouwaanvraag of the card's holder, posted up to its Overzicht."""
    start = FormPage(http, http.get("/formulieren/bouwaanvraag"))  # type: ignore[arg-type]
    review = fill_to_review(start, bouwaanvraag(card.citizen.national_number))
    return review.url


def to_signing_page(page: Page, review: str) -> None:
    page.goto(review)
    page.get_by_label(DECLARATION_LABEL).check()
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator("h1")).to_have_text("Ondertekenen")


def open_the_tool(page: Page) -> None:
    """Unfold "Onderteken met het programma formkit sign": the last resort comes folded."""
    if not page.locator("details.fk-sign-tool[open]").count():
        page.locator("details.fk-sign-tool > summary").click()


def download_data_to_sign(page: Page) -> bytes:
    open_the_tool(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=DOWNLOAD).click()
    assert download.value.suggested_filename == "te-ondertekenen.json"
    return Path(download.value.path()).read_bytes()


def upload_signature(page: Page, signature: bytes) -> None:
    open_the_tool(page)
    page.get_by_label("Het bestand met uw handtekening").set_input_files(
        {"name": "handtekening.json", "mimeType": "application/json", "buffer": signature}
    )
    page.get_by_role("button", name=SIGN_BUTTON).click()


def test_without_javascript_a_citizen_signs_with_formkit_sign_and_files(
    no_script_context: BrowserContext,
    http: httpx.Client,
    ec_card: TestCard,
    tmp_path: Path,
) -> None:
    page = no_script_context.new_page()
    to_signing_page(page, review_url(http, ec_card))
    expect(page.locator("#fk-eid")).to_be_hidden()  # no script: no extension either
    signature = formkit_sign(ec_card, download_data_to_sign(page), tmp_path)
    upload_signature(page, signature)
    expect(page.locator("h1")).to_have_text("Uw aanvraag is ingediend")
    expect(page.locator(".fk-panel__number")).to_have_text(NUMBER)
    screenshot(page, "bouwaanvraag-ondertekend")


def test_the_signing_page_passes_axe_with_and_without_an_error(
    context: BrowserContext, http: httpx.Client, ec_card: TestCard, tmp_path: Path
) -> None:
    page = context.new_page()
    to_signing_page(page, review_url(http, ec_card))
    # No extension in this browser: the page says what to install, the button stays hidden.
    expect(page.locator("#fk-eid-missing")).to_be_visible()
    expect(page.locator("#fk-eid")).to_be_hidden()
    found = {"ondertekenen": axe_violations(page)}
    screenshot(page, "bouwaanvraag-ondertekenen")
    data = download_data_to_sign(page)
    upload_signature(page, formkit_sign(ec_card, data, tmp_path, key_label="Authentication"))
    summary = page.locator(".fk-error-summary")
    expect(summary).to_contain_text("de verkeerde sleutel van uw eID")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Het bestand met uw handtekening")).to_have_attribute(
        "aria-invalid", "true"
    )
    found["ondertekenen-fout"] = axe_violations(page)
    screenshot(page, "bouwaanvraag-ondertekenen-fout")
    assert found == {"ondertekenen": [], "ondertekenen-fout": []}


# The stand-in for the Web eID extension: its content script's side of the messages, in the
# page; what the native program does (the certificate, the signature) in this process.
EXTENSION = """
addEventListener("message", async (event) => {
  const message = event.data;
  const actions = ["web-eid:status", "web-eid:get-signing-certificate", "web-eid:sign"];
  if (event.source !== window || !message || !actions.includes(message.action)) return;
  postMessage({ action: message.action + "-ack" }, "*");
  const reply = await window.webEidNativeApp(message);
  const outcome = reply.error ? "-failure" : "-success";
  postMessage({ ...reply, action: message.action + outcome }, "*");
});
"""


class NativeApp:
    """Answers as the Web eID native program does, with the test card; notes what it was asked."""

    def __init__(self, card: TestCard, *, cancel: bool = False) -> None:
        self.card = card
        self.cancel = cancel
        self.asked: list[dict[str, Any]] = []

    def __call__(self, message: dict[str, Any]) -> dict[str, Any]:
        self.asked.append(message)
        action = message["action"]
        if action == "web-eid:status":
            return {
                "library": message["libraryVersion"],
                "extension": "2.1.0",
                "nativeApp": "2.7.0",
            }
        if self.cancel:
            return {"error": {"code": "ERR_WEBEID_USER_CANCELLED", "message": "cancelled"}}
        certificate = self.card.signature.public_bytes(Encoding.DER)
        algorithm = {"cryptoAlgorithm": "ECC", "hashFunction": "SHA-384", "paddingScheme": "NONE"}
        if action == "web-eid:get-signing-certificate":
            return {
                "certificate": base64.b64encode(certificate).decode(),
                "supportedSignatureAlgorithms": [algorithm],
            }
        card = self.card
        digest = base64.b64decode(message["hash"])
        signed = sign_digest(
            card.module, card.token_label, card.pin, digest, message["hashFunction"]
        )
        return {
            "signature": base64.b64encode(signed.signature).decode(),
            "signatureAlgorithm": algorithm,
        }


def with_extension(context: BrowserContext, native: NativeApp) -> Page:
    context.expose_function("webEidNativeApp", native)
    context.add_init_script(EXTENSION)
    return context.new_page()


def test_with_the_web_eid_extension_the_citizen_signs_with_one_button(
    context: BrowserContext, http: httpx.Client, ec_card: TestCard
) -> None:
    native = NativeApp(ec_card)
    page = with_extension(context, native)
    to_signing_page(page, review_url(http, ec_card))
    digest = page.locator("form.fk-eid__form").get_attribute("data-fk-digest")
    button = page.get_by_role("button", name="Onderteken met uw eID")
    expect(button).to_be_visible()  # once the extension answers
    expect(page.locator("#fk-eid-missing")).to_be_hidden()  # nothing left to install
    assert axe_violations(page) == []
    screenshot(page, "bouwaanvraag-ondertekenen-web-eid")
    button.click()
    expect(page.locator("h1")).to_have_text("Uw aanvraag is ingediend")
    expect(page.locator(".fk-panel__number")).to_have_text(NUMBER)
    asked = [m["action"] for m in native.asked]
    assert asked == ["web-eid:status", "web-eid:get-signing-certificate", "web-eid:sign"]
    assert native.asked[2]["hash"] == digest
    assert native.asked[2]["hashFunction"] == "SHA-384"
    assert native.asked[2]["options"] == {"lang": "nl"}


def test_a_signature_cancelled_in_the_extension_says_so_and_can_be_tried_again(
    context: BrowserContext, http: httpx.Client, ec_card: TestCard
) -> None:
    page = with_extension(context, NativeApp(ec_card, cancel=True))
    to_signing_page(page, review_url(http, ec_card))
    button = page.get_by_role("button", name="Onderteken met uw eID")
    button.click()
    expect(page.get_by_role("status")).to_have_text(
        re.compile("U heeft het ondertekenen geannuleerd")
    )
    expect(button).to_be_enabled()
    expect(page.locator("h1")).to_have_text("Ondertekenen")


def test_without_a_card_reader_a_citizen_logs_in_and_files_as_themselves(
    context: BrowserContext, http: httpx.Client, ec_card: TestCard
) -> None:
    """The second way: log in (here the development login, as Anna at the eID's level, who is
    the card's holder and the applicant), come back to the signing page, file with a button."""
    page = context.new_page()
    to_signing_page(page, review_url(http, ec_card))
    section = page.get_by_role("region", name="Geen kaartlezer? Dien in met itsme of uw eID")
    expect(section).to_be_visible()
    assert axe_violations(page) == []
    section.get_by_role("link", name="Meld u aan met itsme of uw eID").click()
    page.get_by_label(re.compile("Anna Peeters")).check()
    page.get_by_role("button", name="Aanmelden als testburger").click()
    expect(page.locator("h1")).to_have_text("Ondertekenen")  # back where the login began
    expect(section).to_contain_text("U bent aangemeld als Anna Peeters")
    assert axe_violations(page) == []
    screenshot(page, "bouwaanvraag-indienen-met-aanmelding")
    section.get_by_role("button", name="Dien in als Anna Peeters").click()
    expect(page.locator("h1")).to_have_text("Uw aanvraag is ingediend")
    expect(page.locator(".fk-panel__number")).to_have_text(NUMBER)
