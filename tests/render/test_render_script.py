"""The page script in a real browser, under the strict Content Security Policy of the site."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page, Route, sync_playwright
from tests.conftest import answers
from tests.render.conftest import TEMPLATES

import formkit
from formkit.render import PageContext, Renderer

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
STATIC = TEMPLATES.parent / "static"
ORIGIN = "http://formkit.test"
HOST = "http://stad.test"  # the city's site that frames a page
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Browser behaviour is tested for real: without Chromium this fails rather than skips.
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield launched
        launched.close()


def _open(browser: Browser, html: str, *, framed: bool = False) -> tuple[Page, list[str]]:
    """The page at ORIGIN under the site's CSP; `framed`: in an iframe of a page at HOST."""
    page = browser.new_page()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/static/"):
            file = STATIC / path.removeprefix("/static/")
            kinds = {".css": "text/css", ".svg": "image/svg+xml"}
            kind = kinds.get(file.suffix, "text/javascript")
            route.fulfill(body=file.read_bytes(), content_type=kind)
        else:
            route.fulfill(
                body=html, content_type="text/html", headers={"Content-Security-Policy": CSP}
            )

    page.route(f"{ORIGIN}/**", serve)
    # What the top page hears (`heard`), from before any script of the page runs.
    page.add_init_script(
        "if (window === window.top) { window.heard = [];"
        " addEventListener('message', e => heard.push({origin: e.origin, data: e.data})); }"
    )
    if not framed:
        page.goto(f"{ORIGIN}/formulieren/stap")
        return page, complaints
    host = f'<!DOCTYPE html><title>Stad</title><iframe src="{ORIGIN}/formulieren/stap"></iframe>'
    page.route(f"{HOST}/**", lambda route: route.fulfill(body=host, content_type="text/html"))
    page.goto(f"{HOST}/evenement")
    return page, complaints


def _height(frame: Frame) -> int:
    """The height of the page in `frame`, as formkit.js measures it."""
    return int(frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)"))


def _shown(page: Page, element_id: str) -> bool:
    return bool(page.locator(f"#{element_id}").is_visible())


def test_conditional_parts_follow_the_answers(
    forms: dict[str, formkit.Form], browser: Browser
) -> None:
    renderer = Renderer(TEMPLATES)
    form = forms["evenement"]
    html = renderer.step(form, "organisator", answers("evenement", "valid-full"), [], PageContext())
    page, complaints = _open(browser, html)
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    assert not _shown(page, "fk-organisator-voornaam")  # a vzw: no first name
    assert _shown(page, "fk-organisator-ondernemingsnummer")
    page.check("#fk-organisator-soort")  # a private person
    assert _shown(page, "fk-organisator-voornaam")
    assert not _shown(page, "fk-organisator-naam")
    page.check("#fk-organisator-soort--2")  # an association: a name, no enterprise number
    assert _shown(page, "fk-organisator-naam")
    assert not _shown(page, "fk-organisator-ondernemingsnummer")
    assert complaints == []


def test_checkboxes_and_else_branches_are_understood(
    forms: dict[str, formkit.Form], browser: Browser
) -> None:
    renderer = Renderer(TEMPLATES)
    works, complaints = _open(
        browser, renderer.step(forms["bouwaanvraag"], "werken", {}, [], PageContext())
    )
    assert not _shown(works, "fk-werken-aantalBomen")
    works.check("#fk-werken-soort--7")  # felling trees
    assert _shown(works, "fk-werken-aantalBomen")
    architect, more = _open(
        browser, renderer.step(forms["bouwaanvraag"], "architect", {}, [], PageContext())
    )
    assert _shown(architect, "fk-architect-naam")  # not exempt, until said otherwise
    architect.check("#fk-architect-vrijgesteld--1")
    assert _shown(architect, "fk-architect-redenVrijstelling")
    assert not _shown(architect, "fk-architect-naam")
    assert complaints + more == []


def test_the_error_summary_takes_the_focus(
    forms: dict[str, formkit.Form], browser: Browser
) -> None:
    renderer = Renderer(TEMPLATES)
    problem = formkit.Problem(
        "/drankEnEten/drankSchenken", "required", "Duid aan of u dranken schenkt."
    )
    html = renderer.step(forms["evenement"], "drank-en-eten", {}, [problem], PageContext())
    page, complaints = _open(browser, html)
    assert page.evaluate("document.activeElement.className") == "fk-error-summary"
    page.click("text=Duid aan of u dranken schenkt.")
    assert page.evaluate("document.activeElement.id") == "fk-drankEnEten-drankSchenken"
    assert complaints == []


def test_a_framed_page_tells_the_host_its_height(
    forms: dict[str, formkit.Form], browser: Browser
) -> None:
    renderer = Renderer(TEMPLATES)
    html = renderer.step(forms["evenement"], "organisator", {}, [], PageContext(embedded=True))
    page, complaints = _open(browser, html, framed=True)
    form_page = page.frames[1]
    page.wait_for_function("heard.length >= 1")
    first = page.evaluate("heard[0]")
    assert first["origin"] == ORIGIN
    assert first["data"] == {"formkit": 1, "type": "pagina", "height": _height(form_page)}
    told = page.evaluate("heard.length")
    form_page.check("#fk-organisator-soort--1")  # a vzw: its name and number appear
    page.wait_for_function(f"heard.slice({told}).some(m => m.data.type === 'hoogte')")
    last = page.evaluate("heard[heard.length - 1].data")
    assert last == {"formkit": 1, "type": "hoogte", "height": _height(form_page)}
    assert last["height"] > first["data"]["height"]
    assert complaints == []


def test_a_page_at_the_top_tells_nobody_its_height(
    forms: dict[str, formkit.Form], browser: Browser
) -> None:
    renderer = Renderer(TEMPLATES)
    html = renderer.step(forms["evenement"], "organisator", {}, [], PageContext())
    page, complaints = _open(browser, html)
    page.check("#fk-organisator-soort--1")  # the page grows: still nothing to tell
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 50)))")
    assert page.evaluate("heard") == []
    assert complaints == []
