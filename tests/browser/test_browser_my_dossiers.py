"""Mijn dossiers in Chromium: a citizen logs in (the development login), sees their dossiers in
different phases, opens them, and finds the way to answer the city's question; every page is
axe-clean.

The dossiers are filed and handled straight in the live server's stores
(tests/web/my_dossiers_support.py); tests/browser/test_browser_completion.py answers a
completion request on its page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import LiveServer, axe_violations, live_stores, screenshot
from tests.web.my_dossiers_support import ANNA, Dossiers, dossiers


@pytest.fixture(scope="module")
def filed(live_server: LiveServer) -> Iterator[Dossiers]:
    """Anna's and Jan's dossiers, in the live server's own database, with its secret."""
    with live_stores(live_server) as services:
        yield dossiers(services)


def test_a_citizen_sees_their_dossiers_in_their_phases_and_opens_them(
    context: BrowserContext, live_server: LiveServer, filed: Dossiers
) -> None:
    page = context.new_page()
    found: dict[str, Any] = {}
    page.goto(f"{live_server.url}/mijn-dossiers/aanmelden")
    page.get_by_label(re.compile("Anna Peeters")).check()
    page.get_by_role("button", name="Aanmelden als testburger").click()
    expect(page.locator("main")).to_contain_text("Welkom, Anna Peeters")

    table = page.get_by_role("table")
    incomplete = table.get_by_role("row").filter(has_text=filed.anna_incomplete)
    expect(incomplete).to_contain_text("Onvolledig")
    expect(incomplete).to_contain_text("De stad vraagt u iets aan te vullen.")
    expect(table.get_by_role("row").filter(has_text=filed.anna_in_progress)).to_contain_text(
        "In behandeling"
    )
    decided = table.get_by_role("row").filter(has_text=filed.shared_decided)
    expect(decided).to_contain_text("Beslist")
    expect(decided).to_contain_text("medeaanvrager")
    expect(table.get_by_role("link", name=filed.jan_filed)).to_have_count(0)
    expect(page.get_by_role("region", name="De stad wacht op u")).to_be_visible()
    assert ANNA not in page.content()
    found["mijn-dossiers"] = axe_violations(page)
    screenshot(page, "mijn-dossiers-lijst")

    table.get_by_role("link", name=filed.anna_incomplete).click()
    expect(page.locator("h1")).to_have_text(f"Dossier {filed.anna_incomplete}")
    main = page.locator("main")
    expect(main).to_contain_text("An Peeters, Dienst Omgeving")
    expect(page.locator("[aria-current=step]")).to_contain_text("Onvolledig")
    answer = page.get_by_role("link", name="Vul uw aanvraag aan")
    expect(answer).to_have_attribute("href", filed.completion)
    found["dossier-onvolledig"] = axe_violations(page)
    screenshot(page, "mijn-dossiers-onvolledig")
    answer.click()
    expect(page.locator("h1")).to_have_text("Uw aanvraag aanvullen")

    page.goto(f"{live_server.url}/mijn-dossiers")
    page.get_by_role("link", name=filed.shared_decided).click()
    expect(page.locator("[aria-current=step]")).to_contain_text("Beslist")
    expect(main).to_contain_text("binnen de termijn")
    expect(page.get_by_role("link", name="Beslissing (PDF)")).to_be_visible()
    found["dossier-beslist"] = axe_violations(page)
    screenshot(page, "mijn-dossiers-beslist")

    page.goto(f"{live_server.url}/mijn-dossiers/{filed.jan_filed}")
    expect(page.locator("h1")).to_have_text("Dossier niet gevonden")
    found["niet-gevonden"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_a_form_begun_logged_in_is_prefilled_and_waits_on_mijn_dossiers(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/mijn-dossiers/aanmelden")
    page.get_by_label(re.compile("Jan Janssens")).check()
    page.get_by_role("button", name="Aanmelden als testburger").click()
    page.goto(f"{live_server.url}/formulieren/bewonersinitiatief")
    main = page.locator("main")
    expect(main).to_contain_text("Uit uw aanmelding: dit kunt u niet wijzigen.")
    expect(main).to_contain_text("90.01.01-001.23")
    applicant = page.locator("#fk-initiatiefnemers-0")
    expect(applicant.get_by_role("textbox", name="Voornaam")).to_have_count(0)  # shown, not asked
    # the second of the two initiators the form asks at least is there to fill in
    expect(
        page.locator("#fk-initiatiefnemers-1").get_by_role("textbox", name="Voornaam")
    ).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "voorinvullen")
    page.get_by_role("button", name=re.compile("Bewaar")).first.click()
    page.goto(f"{live_server.url}/mijn-dossiers")
    drafts = page.get_by_role("region", name="Aanvragen die u nog niet indiende")
    expect(drafts).to_contain_text("Subsidie voor een bewonersinitiatief")
    assert axe_violations(page) == []
    screenshot(page, "mijn-dossiers-in-opmaak")
    drafts.get_by_role("link", name=re.compile("verder invullen")).click()
    expect(page).to_have_url(re.compile(r"/formulieren/bewonersinitiatief/[\w-]{43}/stap/"))
    page.get_by_role("link", name="Vorige").or_(page.get_by_role("button", name="Vorige")).click()
    expect(page.locator("main")).to_contain_text("Uit uw aanmelding")
