"""Logging in with the eID card in Chromium: the login page's Web eID button, and without the
extension the page saying so.

The Web eID browser extension cannot run here. As in test_browser_signing.py, a stand-in
answers `eid.js` with the extension's messages, and the test card (SoftHSM2) signs what the
native program would: proof of the script's side of the protocol and of its post, not of the
extension.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import LiveServer, axe_violations, screenshot

from formkit.eid import sign_digest, signed_data
from formkit.eid._testcard import TestCard

BUTTON = "Aanmelden met uw eID-kaart"

# The extension's content script: it adds the page's origin, as the real one does.
EXTENSION = """
addEventListener("message", async (event) => {
  const message = event.data;
  const actions = ["web-eid:status", "web-eid:authenticate"];
  if (event.source !== window || !message || !actions.includes(message.action)) return;
  postMessage({ action: message.action + "-ack" }, "*");
  const reply = await window.webEidNativeApp({ ...message, origin: location.origin });
  postMessage({ ...reply, action: message.action + "-success" }, "*");
});
"""


class NativeApp:
    """Answers as the Web eID native program does, with the test card's Authentication key."""

    def __init__(self, card: TestCard) -> None:
        self.card = card
        self.asked: list[dict[str, Any]] = []

    def __call__(self, message: dict[str, Any]) -> dict[str, Any]:
        self.asked.append(message)
        if message["action"] == "web-eid:status":
            return {"library": message["libraryVersion"], "extension": "2.1.0"}
        data = signed_data(message["origin"], message["challengeNonce"], "ES384")
        card = self.card
        signed = sign_digest(
            card.module,
            card.token_label,
            card.pin,
            hashlib.sha384(data).digest(),
            "SHA-384",
            "Authentication",
        )
        return {
            "unverifiedCertificate": base64.b64encode(signed.certificate).decode(),
            "algorithm": "ES384",
            "signature": base64.b64encode(signed.signature).decode(),
            "format": "web-eid:1.0",
            "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0+0",
        }


def test_with_the_extension_a_citizen_logs_in_with_one_button(
    context: BrowserContext, live_server: LiveServer, ec_card: TestCard
) -> None:
    native = NativeApp(ec_card)
    context.expose_function("webEidNativeApp", native)
    context.add_init_script(EXTENSION)
    page = context.new_page()
    page.goto(f"{live_server.url}/mijn-dossiers")
    button = page.get_by_role("button", name=BUTTON)
    expect(button).to_be_visible()  # once the extension answers
    assert axe_violations(page) == []
    screenshot(page, "mijn-dossiers-aanmelden-eid")
    button.click()
    expect(page.locator(".fk-lead")).to_have_text("Welkom, Anna Maria TEST Peeters.")
    assert [m["action"] for m in native.asked] == ["web-eid:status", "web-eid:authenticate"]
    assert len(base64.b64decode(native.asked[1]["challengeNonce"])) == 32


def test_without_the_extension_the_page_says_so(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/mijn-dossiers")
    expect(page.get_by_role("status")).to_have_text(
        re.compile("Uw browser heeft de extensie Web eID niet")
    )
    expect(page.get_by_role("button", name=BUTTON)).to_be_hidden()
    assert axe_violations(page) == []
