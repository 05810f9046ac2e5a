"""The staff's way in, in Chromium: the development login `make run` offers, its pages axe-clean."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import LiveServer, axe_violations, screenshot


def test_a_developer_logs_in_with_a_role_and_out_again(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    found: dict[str, Any] = {}
    page.goto(f"{live_server.url}/behandeling/")
    expect(page.locator("h1")).to_have_text("Ontwikkelaarsaanmelding")
    found["aanmelden"] = axe_violations(page)
    screenshot(page, "behandeling-aanmelden")
    page.get_by_label("Beslisser").check()
    page.get_by_role("button", name="Aanmelden als ontwikkelaar").click()
    expect(page.locator("h1")).to_have_text("Behandeling")
    expect(page.locator("main")).to_contain_text("Beslisser")
    found["behandeling"] = axe_violations(page)
    screenshot(page, "behandeling")
    page.get_by_role("button", name="Afmelden").click()
    expect(page.locator("h1")).to_have_text("U bent afgemeld")
    found["afgemeld"] = axe_violations(page)
    page.goto(f"{live_server.url}/behandeling/")
    expect(page.locator("h1")).to_have_text("Ontwikkelaarsaanmelding")
    assert {name: v for name, v in found.items() if v} == {}
