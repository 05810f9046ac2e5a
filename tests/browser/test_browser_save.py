"""Saving for later in Chromium: a banner with the date and the link to copy, and the link
leads back to the step where the citizen saved (issue 13)."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, expect
from tests.browser import evenement
from tests.browser.conftest import LiveServer, axe_violations, screenshot


def test_saving_shows_a_banner_with_the_link_to_copy_and_it_leads_back(
    browser: Browser, context: BrowserContext, live_server: LiveServer
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    evenement.organisator(page, javascript=True)
    evenement.control(page, "/evenement/naam").fill("Buurtfeest Nekkerspoel")
    evenement.button(page, "Bewaar en ga later verder").click()
    banner = page.locator(".fk-notification-banner")
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("Uw antwoorden zijn bewaard tot ")
    link = page.get_by_label("Link om later verder te gaan")
    url = link.input_value()
    assert url.startswith(f"{live_server.url}/formulieren/evenement/hervatten/")
    page.get_by_role("button", name="Kopieer de link").click()
    expect(page.locator("#fk-resume-copied")).to_have_text("De link is gekopieerd.")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert axe_violations(page) == []
    screenshot(page, "bewaard")

    elsewhere = browser.new_context(locale="nl-BE")  # another device: no cookie
    try:
        other = elsewhere.new_page()
        other.goto(url)
        expect(evenement.heading(other)).to_have_text("Het evenement")
        expect(evenement.control(other, "/evenement/naam")).to_have_value("Buurtfeest Nekkerspoel")
    finally:
        elsewhere.close()


def test_without_the_script_the_link_is_there_to_copy_by_hand(
    no_script_context: BrowserContext, live_server: LiveServer
) -> None:
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    evenement.button(page, "Bewaar en ga later verder").click()
    expect(page.get_by_label("Link om later verder te gaan")).to_be_visible()
    expect(page.locator("[data-fk-copy]")).to_be_hidden()
    screenshot(page, "bewaard-zonder-javascript")
