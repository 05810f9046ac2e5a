"""The form embedded in the city's site: another origin and another site, one script tag."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect
from tests.browser import evenement
from tests.browser.conftest import LiveServer, screenshot

IFRAME = "iframe.formkit-embed"


def frame_height_matches_its_page(page: Page) -> None:
    """The iframe is as tall as the page inside it: no inner scroll bar, no gap."""
    frame = page.frame_locator(IFRAME)
    inner = frame.locator("html").evaluate("html => Math.ceil(html.getBoundingClientRect().height)")
    expect(page.locator(IFRAME)).to_have_css("height", f"{inner}px")


def test_the_embedded_form_is_filed_without_cookies(
    context: BrowserContext, live_server: LiveServer, host_site: str
) -> None:
    page = context.new_page()
    page.goto(f"{host_site}/evenement.html")
    iframe = page.locator(IFRAME)
    expect(iframe).to_have_attribute("title", "Formulier: evenement melden of aanvragen")
    frame = page.frame_locator(IFRAME)
    expect(evenement.heading(frame)).to_have_text("Organisator")
    expect(frame.locator(".fk-header")).to_have_count(0)  # the city's site has its own
    frame_height_matches_its_page(page)
    first_height = iframe.bounding_box()
    evenement.to_review(frame, javascript=True)
    frame_height_matches_its_page(page)
    assert iframe.bounding_box() != first_height
    screenshot(page, "ingebed-overzicht")
    evenement.file_it(frame)
    frame_height_matches_its_page(page)
    screenshot(page, "ingebed-bevestiging")
    # A third-party iframe keeps no cookie, and the flow never needed one.
    assert context.cookies(live_server.url) == []


def test_a_site_not_listed_cannot_frame_a_form(
    context: BrowserContext, live_server: LiveServer, foreign_site: str
) -> None:
    page = context.new_page()
    with page.expect_response(f"{live_server.url}/formulieren/evenement/") as framed:
        page.goto(f"{foreign_site}/evenement.html")
    assert "frame-ancestors http://127.0.0.2:" in framed.value.headers["content-security-policy"]
    expect(page.locator(IFRAME)).to_have_count(1)
    inner = page.locator(IFRAME).content_frame
    expect(inner.locator("body")).to_contain_text("is blocked")  # Chromium's own error page
    assert page.frames[1].url.startswith("chrome-error://")
    expect(inner.locator("form.fk-form")).to_have_count(0)


def test_the_host_page_takes_heights_only_from_its_form(
    context: BrowserContext, live_server: LiveServer, host_site: str
) -> None:
    page = context.new_page()
    page.goto(f"{host_site}/evenement.html")
    frame = page.frame_locator(IFRAME)
    expect(evenement.heading(frame)).to_have_text("Organisator")
    frame_height_matches_its_page(page)
    # The iframe's one script told the height: the pages do not load embed.js themselves.
    sources = frame.locator("script[src]").evaluate_all("scripts => scripts.map(s => s.src)")
    assert sources == [f"{live_server.url}/static/formkit.js"]
    # A message of the same shape from elsewhere (here the host page itself) is ignored.
    page.evaluate(
        """() => new Promise(done => {
            addEventListener("message", () => setTimeout(done, 0), { once: true });
            postMessage({ formkit: 1, type: "hoogte", height: 123 }, "*");
        })"""
    )
    assert page.locator(IFRAME).evaluate("iframe => iframe.style.height") != "123px"
    frame_height_matches_its_page(page)
