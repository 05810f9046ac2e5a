"""The cookbook in Chromium: each construct of docs/cookbook/kookboek.json as its step shows
it, filled in, with axe finding nothing and nothing scrolling sideways at 320 CSS px. The
pictures are the cookbook's (`make cookbook` copies them into docs/cookbook/)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from tests.browser.conftest import SCREENSHOTS, LiveServer, axe_violations
from tests.browser.test_browser_small_screens import sideways
from tests.conftest import ROOT, answers

import formkit
from formkit.render import PageContext, Renderer

COOKBOOK = ROOT / "docs" / "cookbook" / "kookboek.json"
FORM = formkit.load_form(COOKBOOK)
TEMPLATES = ROOT / "renderers" / "templates"


@pytest.fixture(scope="module")
def desk(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="nl-BE", viewport={"width": 760, "height": 600})
    yield context
    context.close()


def _show(page: Page, live_server: LiveServer, step_id: str) -> None:
    """The step as the service renders it, its style and script from the live server."""
    ctx = PageContext(base_path="/formulieren", static_url=f"{live_server.url}/static")
    html = Renderer(TEMPLATES).step(FORM, step_id, answers("kookboek", "valid-full"), [], ctx)
    page.set_content(html, wait_until="load")


@pytest.mark.parametrize("step_id", [step.id for step in FORM.steps])
def test_each_construct_shows_its_control(
    desk: BrowserContext, browser: Browser, live_server: LiveServer, step_id: str
) -> None:
    page = desk.new_page()
    _show(page, live_server, step_id)
    assert page.locator("main h1").inner_text() == next(
        s.title for s in FORM.steps if s.id == step_id
    )
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".fk-form").screenshot(path=str(SCREENSHOTS / f"kookboek-{step_id}.png"))
    page.close()
    phone = browser.new_context(locale="nl-BE", viewport={"width": 320, "height": 800})
    try:
        small = phone.new_page()
        _show(small, live_server, step_id)
        assert sideways(small) == 0
    finally:
        phone.close()


def test_the_follow_up_opens_under_its_question(
    desk: BrowserContext, live_server: LiveServer
) -> None:
    page = desk.new_page()
    _show(page, live_server, "vervolg")
    level = page.get_by_label("Verwacht geluidsniveau (dB)")
    assert level.is_visible()
    page.get_by_label("Nee").check()
    assert not level.is_visible()


def test_choosing_an_alternative_opens_its_fields(
    desk: BrowserContext, live_server: LiveServer
) -> None:
    page = desk.new_page()
    _show(page, live_server, "keuzedelen")
    email = page.get_by_label("E-mailadres")
    street = page.get_by_label("Straat en huisnummer")
    assert street.is_visible()  # the answers are a postal address: its option is chosen
    assert not email.is_visible()
    page.get_by_label("Per e-mail").check()
    assert email.is_visible()
    assert not street.is_visible()
    assert axe_violations(page) == []
