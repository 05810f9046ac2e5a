"""The staff's worklist in Chromium: a developer logs in, opens their dossiers and filters them;
every state of the page is axe-clean."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import LiveServer, axe_violations, screenshot
from tests.conftest import answers
from tests.live import api_key, multipart


def _file_events(live_server: LiveServer, count: int) -> list[str]:
    """Evenement dossiers filed as an integrator files them."""
    token = api_key(live_server.data_dir, "")
    numbers = []
    for _ in range(count):
        response = httpx.post(
            f"{live_server.url}/api/v1/forms/evenement/submissions",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
            **multipart(answers("evenement", "valid-full")),
        )
        assert response.status_code == 201, response.text
        numbers.append(response.json()["number"])
    return numbers


def test_a_developer_opens_and_filters_the_worklist(
    context: BrowserContext, live_server: LiveServer
) -> None:
    first, second = _file_events(live_server, 2)
    page = context.new_page()
    found: dict[str, Any] = {}
    page.goto(f"{live_server.url}/behandeling/")
    page.get_by_label("Behandelaar van het formulier evenement").check()
    page.get_by_role("button", name="Aanmelden als ontwikkelaar").click()
    page.get_by_role("link", name="Uw dossiers").click()
    expect(page.locator("h1")).to_have_text("Uw dossiers")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name=first)).to_be_visible()
    expect(table.get_by_role("link", name=second)).to_be_visible()
    expect(table).to_contain_text("Evenement melden of aanvragen")
    expect(table).to_contain_text("op tijd")
    found["werklijst"] = axe_violations(page)
    screenshot(page, "behandeling-dossiers")

    page.get_by_label("Zoeken").fill(second)
    page.get_by_label("Fase").select_option("ingediend")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_label("Fase")).to_have_value("ingediend")
    expect(table.get_by_role("link", name=second)).to_be_visible()
    expect(table.get_by_role("link", name=first)).to_have_count(0)
    found["gefilterd"] = axe_violations(page)

    page.get_by_label("Aan mij toegewezen").check()
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_text("Er zijn geen dossiers die aan deze filters voldoen.")).to_be_visible()
    found["leeg"] = axe_violations(page)

    page.goto(f"{live_server.url}/behandeling/dossiers?fase=koning")
    expect(page.get_by_role("alert")).to_contain_text("Kies een fase uit de lijst.")
    found["fout"] = axe_violations(page)
    screenshot(page, "behandeling-dossiers-fout")
    assert {name: v for name, v in found.items() if v} == {}
