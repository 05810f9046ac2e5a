"""The citizen's pages on a phone and zoomed in (issue 13, WCAG 1.4.10 reflow): at 320 CSS px
wide (a 1280 px screen at 400%) nothing scrolls sideways, radios and checkboxes are targets of
40 by 40 px, the buttons take the whole width; at 640 CSS px (200%) nothing scrolls sideways.
Inputs are as wide as their data: a postal code is no wider than a house number's line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from tests.browser.conftest import LiveServer, resume_link, screenshot
from tests.browser.evenement import control
from tests.conftest import answers

FORMS = ("evenement", "bewonersinitiatief", "bouwaanvraag")


def _sized(browser: Browser, width: int) -> BrowserContext:
    context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = _sized(browser, 320)
    yield context
    context.close()


def sideways(page: Page) -> int:
    """How many CSS px the page scrolls sideways: 0 when it reflows."""
    scrolled: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return scrolled


def overview(live_server: LiveServer, page: Page) -> None:
    """The bewonersinitiatief's review page, every step filled in."""
    document = answers("bewonersinitiatief", "valid-full")
    page.goto(resume_link(live_server, "bewonersinitiatief", document, 3))
    page.goto(page.url.rsplit("/stap/", 1)[0] + "/overzicht")
    expect(page.locator("h1")).to_have_text("Overzicht")


@pytest.mark.parametrize("width", [320, 640])
def test_no_page_scrolls_sideways(live_server: LiveServer, browser: Browser, width: int) -> None:
    context = _sized(browser, width)
    try:
        page = context.new_page()
        for form_id in FORMS:
            page.goto(f"{live_server.url}/formulieren/{form_id}")
            assert sideways(page) == 0, f"{form_id} scrolls sideways at {width} px"
            screenshot(page, f"{form_id}-stap-1-{width}px")
        overview(live_server, page)
        assert sideways(page) == 0, f"the review page scrolls sideways at {width} px"
        screenshot(page, f"bewonersinitiatief-overzicht-{width}px")
    finally:
        context.close()


def test_on_a_phone_targets_are_large_and_buttons_take_the_width(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    radio = control(page, "/organisator/soort", "privepersoon").bounding_box()
    assert radio is not None
    assert radio["width"] >= 40
    assert radio["height"] >= 40
    form = page.locator("form.fk-form").bounding_box()
    following = page.locator("form.fk-form .fk-button-group button", has_text="Volgende")
    box = following.bounding_box()
    assert form is not None
    assert box is not None
    assert box["width"] == pytest.approx(form["width"], abs=1)
    expect(following).to_be_visible()


def test_inputs_are_as_wide_as_their_data(live_server: LiveServer, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    widths = {
        name: (control(page, f"/verantwoordelijke/{name}").bounding_box() or {"width": 0})["width"]
        for name in ("adres/postcode", "adres/huisnummer", "rijksregisternummer", "voornaam")
    }
    assert widths["adres/postcode"] < widths["rijksregisternummer"] < widths["voornaam"]
    assert widths["adres/huisnummer"] < widths["rijksregisternummer"]
