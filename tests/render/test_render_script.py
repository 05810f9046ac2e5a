"""The page script in a real browser, under the strict Content Security Policy of the site."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Frame, Page, Route, sync_playwright
from tests.conftest import answers
from tests.render.browser import post
from tests.render.conftest import TEMPLATES

import formkit
from formkit.render import PageContext, Renderer, decode_step
from formkit.web._static import served

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
            route.fulfill(body=served(file), content_type=kind)  # minified, as the app serves
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


# The live total agrees with the server's: what the script shows after the citizen types is
# what the server shows once the same texts are posted (decoded, added, written in Dutch).

ROWS = 6
AMOUNT = "/financiering/begroting/{}/bedrag"
_SERVER_TOTAL = re.compile(r'id="fk-financiering-begroting--totaal"[^>]*>([^<]*)</output>')
_SET_AND_READ = """texts => {
  texts.forEach((text, i) => {
    document.querySelector(`[name="/financiering/begroting/${i}/bedrag"]`).value = text;
  });
  const last = document.querySelector('[name="/financiering/begroting/0/bedrag"]');
  last.dispatchEvent(new Event('change', {bubbles: true}));
  return document.getElementById('fk-financiering-begroting--totaal').textContent;
}"""

_digits = st.text("0123456789", min_size=1, max_size=20)
_typed = st.one_of(
    # As citizens write amounts: 1.234,56 or 1234,5 or 1234.56 or 12, with spaces around.
    st.integers(0, 10**12).map(lambda c: f"{c // 100:,}".replace(",", ".") + f",{c % 100:02d}"),
    st.integers(0, 10**12).map(lambda c: f"{c // 100},{c % 100}"),
    st.integers(0, 10**12).map(lambda c: f"{c // 100}.{c % 100:02d}"),
    st.integers(0, 10**15).map(lambda n: f" {n} "),
    # Exponents, long fractions, more digits than a double holds, integers past 100 digits.
    st.from_regex(r"[+-]?[0-9]{0,20}([.,][0-9]{0,20})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.floats(allow_nan=False).map(repr),
    st.builds(lambda d, n: d * n, _digits, st.integers(1, 12)),
    # What is no number (yet): letters, two separators, a lone sign.
    st.text("0123456789.,eE+- a\t\u00a0\u202f\ufeff\u0663\U0001d7d3", max_size=12),
)


@dataclass(frozen=True, repr=False)  # no repr: Hypothesis would print the whole page
class BudgetPage:
    page: Page
    form: formkit.Form
    renderer: Renderer
    controls: list[tuple[str, str]]  # what the page posts as the server rendered it


@pytest.fixture(scope="module")
def budget_page(forms: dict[str, formkit.Form], browser: Browser) -> Iterator[BudgetPage]:
    document = answers("bewonersinitiatief", "valid-full")
    document["financiering"]["begroting"] = [{"omschrijving": "Kost"}] * ROWS
    form, renderer = forms["bewonersinitiatief"], Renderer(TEMPLATES)
    html = renderer.step(form, "financiering", document, [], PageContext())
    page, complaints = _open(browser, html)
    yield BudgetPage(page, form, renderer, post(html, "volgende"))
    assert complaints == []
    page.close()


@settings(max_examples=200, deadline=None, database=None)
@given(texts=st.lists(_typed, max_size=ROWS))
@example(texts=["0,1", "0.2", "1.019,6", "1e3", " 12 345 ", "-0"])
@example(
    texts=["1E400", "1e-400", "1" * 101, "12345678901234567,89", "\u0661\u0662", "\U0001d7d3,5"]
)
def test_the_live_total_is_the_total_the_server_shows_for_the_same_texts(
    budget_page: BudgetPage, texts: list[str]
) -> None:
    typed = texts + [""] * (ROWS - len(texts))
    live = budget_page.page.evaluate(_SET_AND_READ, typed)
    form = budget_page.form
    changed = {AMOUNT.format(i): text for i, text in enumerate(typed)}
    posted = [(name, changed.get(name, value)) for name, value in budget_page.controls]
    decoded = decode_step(form, "financiering", posted, {})
    served = budget_page.renderer.step(form, "financiering", decoded.answers, [], PageContext())
    (expected,) = _SERVER_TOTAL.findall(served)
    assert live == expected


def test_the_live_total_is_written_once_typing_pauses(budget_page: BudgetPage) -> None:
    """On a clock of the test's own, never the real one: the total is a polite live region
    (an `output`, role status), and a screen reader says each text written into it."""
    page = budget_page.page
    page.evaluate(_SET_AND_READ, [""] * ROWS)
    page.clock.install(time=datetime(2027, 1, 4, 9, 0))
    page.clock.pause_at(datetime(2027, 1, 4, 9, 0, 1))
    page.evaluate(
        "window.writes = 0; new MutationObserver(changes => { writes += changes.length; })"
        ".observe(document.getElementById('fk-financiering-begroting--totaal'),"
        " {childList: true, characterData: true, subtree: true})"
    )
    total = page.get_by_role("status")
    amount = page.locator(f'[name="{AMOUNT.format(0)}"]')
    amount.press_sequentially("12")
    page.clock.run_for(400)  # a pause shorter than the script waits for
    amount.press_sequentially("34,5")
    page.clock.run_for(599)
    assert (total.text_content(), page.evaluate("writes")) == ("0,00", 0)
    page.clock.run_for(1)  # 600 ms after the last key
    assert (total.text_content(), page.evaluate("writes")) == ("1.234,50", 1)
    amount.press_sequentially("0")  # 1234,50: the same total, nothing to say again
    page.clock.run_for(600)
    assert page.evaluate("writes") == 1
    amount.fill("12345")
    amount.blur()  # leaving the field says it at once
    assert (total.text_content(), page.evaluate("writes")) == ("12.345,00", 2)
