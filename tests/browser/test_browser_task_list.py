"""The bouwaanvraag's task list in Chromium: where a saved draft goes on, and reached from each
step; each part with its state, axe-clean, on a phone's width too; a part opens from it."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import LiveServer, axe_violations, resume_link, screenshot
from tests.conftest import answers


def test_the_task_list_shows_the_parts_and_opens_one(
    context: BrowserContext, live_server: LiveServer
) -> None:
    document = answers("bouwaanvraag", "valid-minimal")
    page = context.new_page()
    page.goto(resume_link(live_server, "bouwaanvraag", document, 2))
    expect(page.locator("h1")).to_have_text("Uw aanvraag")  # a long form goes on from its list
    items = page.locator(".fk-task-list__item")
    expect(items).to_have_count(6)
    expect(items.nth(0)).to_contain_text("Voltooid")
    expect(items.nth(3)).to_contain_text("Nog niet begonnen")
    expect(items.nth(4)).to_contain_text("Kan nog niet beginnen")
    expect(items.nth(4).get_by_role("link")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "takenlijst")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("link", name="Hemelwater").click()
    expect(page).to_have_url(re.compile(r"/stap/hemelwater$"))
    page.get_by_role("link", name="Alle onderdelen van uw aanvraag").click()
    expect(page.locator("h1")).to_have_text("Uw aanvraag")
