"""Follow-up questions under their trigger and labels per alternative, in Chromium, with the
script and without it (issue 13)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, expect
from tests.browser import evenement
from tests.browser.conftest import LiveServer, axe_violations, screenshot


def test_a_follow_up_opens_under_its_trigger_and_says_so(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    soort = evenement.control(page, "/organisator/soort", "bedrijf")
    soort.check()
    expect(page.get_by_role("textbox", name="Naam van het bedrijf", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Ondernemingsnummer van het bedrijf")).to_be_visible()
    expect(page.locator("#fk-organisator-naam")).to_have_accessible_name("Naam van het bedrijf")
    expect(soort).to_have_attribute("aria-controls", "fk-organisator-soort--vervolg")
    vzw = evenement.control(page, "/organisator/soort", "vzw")
    vzw.check()
    expect(page.locator("#fk-organisator-naam")).to_have_accessible_name("Naam van de vzw")
    expect(page.locator(".fk-conditional__when").first).to_be_hidden()  # the script shows when
    assert axe_violations(page) == []
    screenshot(page, "vervolgvraag-organisator")

    evenement.organisator(page, javascript=True)
    evenement.evenement(page)
    music = evenement.control(page, "/veiligheid/versterkteMuziek", "true")
    level = evenement.control(page, "/veiligheid/geluidsniveau")
    expect(level).to_be_hidden()
    expect(page.locator("#fk-veiligheid-versterkteMuziek--vervolg")).to_be_hidden()
    expect(music).to_have_attribute("aria-controls", "fk-veiligheid-versterkteMuziek--vervolg")
    music.check()
    expect(level).to_be_visible()
    below = page.locator("#fk-veiligheid-versterkteMuziek--vervolg")
    expect(below).to_be_visible()
    question = page.locator('fieldset:has([name="/veiligheid/versterkteMuziek"])')
    question_box, below_box = question.bounding_box(), below.bounding_box()
    assert question_box is not None
    assert below_box is not None
    assert 0 <= below_box["y"] - (question_box["y"] + question_box["height"]) < 40
    assert axe_violations(page) == []
    screenshot(page, "vervolgvraag-geluid")
    evenement.control(page, "/veiligheid/versterkteMuziek", "false").check()
    expect(level).to_be_hidden()
    expect(below).to_be_hidden()  # nothing left in it to show


def test_without_the_script_each_follow_up_says_when_it_applies(
    no_script_context: BrowserContext, live_server: LiveServer
) -> None:
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    name = page.locator("#fk-organisator-naam")
    expect(name).to_have_accessible_name(
        "Naam van de vzw / Naam van de vereniging / Naam van het bedrijf"
    )
    block = page.locator("#fk-organisator-soort--vervolg")
    expect(block).to_be_visible()
    expect(block).to_contain_text("Alleen als u ‘Privépersoon’ kiest bij ‘Soort organisator’.")
    expect(evenement.control(page, "/organisator/voornaam")).to_be_visible()
    screenshot(page, "vervolgvraag-zonder-javascript")
    evenement.control(page, "/organisator/soort", "bedrijf").check()
    evenement.button(page, "Volgende").click()
    expect(name).to_have_accessible_name("Naam van het bedrijf")
    expect(page.locator(".fk-error-summary")).to_contain_text(
        "Organisator: vul de naam van het bedrijf in."
    )


def test_the_follow_ups_without_their_script_pass_axe(
    context: BrowserContext, live_server: LiveServer
) -> None:
    """axe runs as a script: here the page's own script is blocked instead of all scripts."""
    page = context.new_page()
    page.route("**/static/formkit.js", lambda route: route.abort())
    page.goto(f"{live_server.url}/formulieren/evenement")
    expect(page.locator(".fk-conditional__when").first).to_be_visible()
    assert axe_violations(page) == []
    evenement.control(page, "/organisator/soort", "bedrijf").check()
    evenement.button(page, "Volgende").click()
    expect(page.locator(".fk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
