"""Accessibility in Chromium: axe-core's WCAG 2.0/2.1 A and AA rules on every page of the three
forms, each step both as first shown and showing its errors; and a step done by keyboard only.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from tests.browser import evenement
from tests.browser.conftest import LiveServer, axe_violations, screenshot
from tests.conftest import FORM_IDS

from formkit.forms.catalogue import Catalogue

# Names a control for the tab order: its id, else its name and value, else its text.
DESCRIBE = (
    "e => e.id || (e.name ? e.name + '=' + e.value : "
    "e.tagName + ':' + (e.getAttribute('href') || '') + ':' + e.textContent.trim())"
)


def audit(page: Page, name: str, found: dict[str, Any]) -> None:
    violations = axe_violations(page)
    if violations:
        found[name] = violations
        screenshot(page, f"axe-{name}")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_page_of_a_form_passes_axe(
    context: BrowserContext, live_server: LiveServer, catalogue: Catalogue, form_id: str
) -> None:
    """Each step as shown, then posted empty (its errors), then the review page."""
    page = context.new_page()
    found: dict[str, Any] = {}
    steps = [step.id for step in catalogue[form_id].steps]
    page.goto(f"{live_server.url}/formulieren/{form_id}")
    draft_url = ""
    for index, step_id in enumerate(steps):
        if index:
            page.goto(f"{draft_url}/stap/{step_id}")
        expect(page.locator("h1")).to_have_text(catalogue[form_id].steps[index].title)
        audit(page, f"{form_id}-{step_id}", found)
        with page.expect_navigation():
            evenement.button(
                page, "Naar overzicht" if index == len(steps) - 1 else "Volgende"
            ).click()
        if index == 0:
            screenshot(page, f"{form_id}-{step_id}-fouten")
            action = page.locator("form.fk-form").get_attribute("action") or ""
            draft_url = live_server.url + action.split("/stap/")[0]
        summary = page.locator(".fk-error-summary")
        if summary.count():  # a step that asks nothing required passes empty
            expect(summary).to_be_focused()
            audit(page, f"{form_id}-{step_id}-fouten", found)
    page.goto(f"{draft_url}/overzicht")
    expect(page.locator("h1")).to_have_text("Overzicht")
    audit(page, f"{form_id}-overzicht", found)
    assert found == {}


def test_the_list_the_error_page_and_the_resume_link_pass_axe(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    found: dict[str, Any] = {}
    page.goto(f"{live_server.url}/formulieren/")
    audit(page, "formulieren", found)
    screenshot(page, "formulieren")
    page.goto(f"{live_server.url}/formulieren/bestaat-niet")
    expect(page.locator("h1")).to_have_text("Formulier niet gevonden")
    audit(page, "niet-gevonden", found)
    screenshot(page, "niet-gevonden")
    page.goto(f"{live_server.url}/formulieren/bewonersinitiatief")
    evenement.button(page, "Bewaar en ga later verder").click()
    expect(page.locator(".fk-notification-banner a")).to_have_attribute(
        "href", re.compile("/hervatten/")
    )
    audit(page, "bewaard", found)
    assert found == {}


def test_a_step_can_be_done_with_the_keyboard_alone(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    reached = tab_through(page)
    controls = "input, select, textarea, button, a[href], summary"
    tabbable = page.locator(f"main :is({controls}):visible:not([tabindex='-1'])").evaluate_all(
        f"els => els.filter(e => e.type !== 'radio' || e === e.form.querySelector("
        f"`[name='${{CSS.escape(e.name)}}']`)).map({DESCRIBE})"
    )
    assert len(tabbable) >= 15
    assert [r for r in reached if r in tabbable] == tabbable  # all of them, in reading order

    radios = evenement.control(page, "/organisator/soort")
    radios.first.focus()
    page.keyboard.press("Space")
    expect(radios.first).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(radios.nth(1)).to_be_checked()  # a vzw, by arrow key
    expect(evenement.control(page, "/organisator/naam")).to_be_visible()
    page.keyboard.press("ArrowUp")
    expect(radios.first).to_be_checked()
    evenement.control(page, "/organisator/voornaam").focus()
    page.keyboard.type("Tom")
    evenement.button(page, "Voeg een medeaanvrager toe").focus()
    page.keyboard.press("Enter")
    expect(evenement.control(page, "/medeaanvragers/0/voornaam")).to_be_visible()
    expect(evenement.control(page, "/organisator/voornaam")).to_have_value("Tom")
    screenshot(page, "toetsenbord-rij-toegevoegd")

    evenement.button(page, "Volgende").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".fk-error-summary")
    expect(summary).to_be_focused()
    target = (summary.get_by_role("link").first.get_attribute("href") or "").lstrip("#")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first message's link leads to its field
    expect(page.locator(":focus")).to_have_attribute("id", target)


def tab_through(page: Page) -> list[str]:
    """Press Tab from the top of the page until the focus leaves the form's last button."""
    reached: list[str] = []
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            f"() => {{ const e = document.activeElement;"
            f" return e && e !== document.body ? ({DESCRIBE})(e) : null; }}"
        )
        if focused is None or focused in reached:
            break
        reached.append(focused)
    return reached


def test_checkboxes_and_radios_answer_to_the_space_bar(
    context: BrowserContext, live_server: LiveServer
) -> None:
    """The veiligheid step: a question of checkboxes, by keyboard only."""
    page = context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    evenement.organisator(page, javascript=True)
    evenement.evenement(page)
    boxes = evenement.control(page, "/veiligheid/brandveiligheid")
    boxes.first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).to_be_checked()
    page.keyboard.press("Space")
    expect(boxes.nth(1)).not_to_be_checked()
    music = evenement.control(page, "/veiligheid/versterkteMuziek")
    music.first.focus()
    page.keyboard.press("Space")
    expect(evenement.control(page, "/veiligheid/geluidsniveau")).to_be_visible()
