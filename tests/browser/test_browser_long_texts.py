"""A long text's character count in Chromium (GOV.UK's pattern): the limit in the hint, also
without the script; with it, how many characters are left, counted as the server counts."""

from __future__ import annotations

import copy

from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import LiveServer, axe_violations, resume_link, screenshot
from tests.conftest import answers

from formkit.render import element_id

DESCRIPTION = "/initiatief/omschrijving"


def at_the_initiative(live_server: LiveServer) -> str:
    """A bewonersinitiatief saved after its first step: the link that opens the second."""
    document = copy.deepcopy(answers("bewonersinitiatief", "valid-full"))
    document["initiatief"] = {}
    return resume_link(live_server, "bewonersinitiatief", document, 0)


def test_the_count_says_what_is_left_and_what_is_too_much(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(at_the_initiative(live_server))
    area = page.locator(f"#{element_id(DESCRIPTION)}")
    count = page.locator(f"#{element_id(DESCRIPTION)}--teller")
    expect(page.locator("main")).to_contain_text("U kunt tot 4.000 tekens invullen.")
    expect(count).to_have_text("U hebt nog 4.000 tekens over")
    area.fill("Een buurtbrunch 🍳\r\nvoor iedereen  ")  # an emoji is one character; CRLF one
    expect(count).to_have_text("U hebt nog 3.969 tekens over")  # 17 + 1 + 13 characters
    area.fill("x" * 4001)
    expect(count).to_have_text("U hebt 1 teken te veel")
    expect(count).to_have_class("fk-hint fk-count fk-count--over")
    assert axe_violations(page) == []
    screenshot(page, "tekens-te-veel")
    page.get_by_role("button", name="Volgende").click()
    expect(page.locator(".fk-error-summary")).to_contain_text("hoogstens 4000 tekens")


def test_without_the_script_the_limit_is_in_the_hint(
    no_script_context: BrowserContext, live_server: LiveServer
) -> None:
    page = no_script_context.new_page()
    page.goto(at_the_initiative(live_server))
    expect(page.locator("main")).to_contain_text("U kunt tot 4.000 tekens invullen.")
    expect(page.locator(f"#{element_id(DESCRIPTION)}--teller")).to_have_count(0)
