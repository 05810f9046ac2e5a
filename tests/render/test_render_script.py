"""The page script in a real browser, under the strict Content Security Policy of the site."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import answers
from tests.render.conftest import TEMPLATES

import formkit
from formkit.render import PageContext, Renderer

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
STATIC = TEMPLATES.parent / "static"
ORIGIN = "http://formkit.test"
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield launched
        launched.close()


def _open(browser: Any, html: str) -> tuple[Any, list[str]]:
    page = browser.new_page()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/static/"):
            file = STATIC / path.removeprefix("/static/")
            kind = "text/css" if file.suffix == ".css" else "text/javascript"
            route.fulfill(body=file.read_bytes(), content_type=kind)
        else:
            route.fulfill(
                body=html, content_type="text/html", headers={"Content-Security-Policy": CSP}
            )

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/formulieren/stap")
    return page, complaints


def _shown(page: Any, element_id: str) -> bool:
    return bool(page.locator(f"#{element_id}").is_visible())


def test_conditional_parts_follow_the_answers(forms: dict[str, formkit.Form], browser: Any) -> None:
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
    forms: dict[str, formkit.Form], browser: Any
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


def test_the_error_summary_takes_the_focus(forms: dict[str, formkit.Form], browser: Any) -> None:
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
