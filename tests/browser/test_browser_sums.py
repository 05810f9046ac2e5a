"""The bewonersinitiatief's budget in Chromium: the total below the budget lines follows what
the citizen types, and an amount asked above the costs less the income is refused at that
field, naming the computed amount, with JavaScript and without (issue 15).

The draft starts on the financiering step (`resume_link`).
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect
from tests.browser.conftest import LiveServer, axe_violations, resume_link, screenshot
from tests.browser.evenement import button, control, heading
from tests.conftest import answers

TOTAL = "#fk-financiering-begroting--totaal"
ASKED = "/financiering/gevraagdBedrag"
REFUSAL = (
    "U vraagt 450,00 euro; de kosten min de inkomsten zijn 375,75 euro. Vraag hoogstens dat "
    "bedrag aan, of kijk de begroting en de inkomsten na."
)


def at_the_budget(live_server: LiveServer, context: BrowserContext) -> Page:
    document = answers("bewonersinitiatief", "valid-full")
    del document["financiering"], document["bijlagen"]
    page = context.new_page()
    page.goto(resume_link(live_server, "bewonersinitiatief", document, 1))  # passed step 2
    expect(heading(page)).to_have_text("Kosten en subsidie")
    return page


def budget(page: Page, lines: list[tuple[str, str]]) -> None:
    for index, (what, amount) in enumerate(lines):
        if index:
            button(page, "Voeg nog een").click()
        control(page, f"/financiering/begroting/{index}/omschrijving").fill(what)
        control(page, f"/financiering/begroting/{index}/bedrag").fill(amount)


def test_the_total_follows_the_budget_lines_as_they_are_typed(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = at_the_budget(live_server, context)
    total = page.locator(TOTAL)
    expect(total).to_have_text("0,00")
    control(page, "/financiering/begroting/0/omschrijving").fill("Brood en beleg")
    control(page, "/financiering/begroting/0/bedrag").fill("280,50")
    expect(total).to_have_text("280,50")
    # A line added is a round trip to the server, which adds up what was typed so far.
    button(page, "Voeg nog een").click()
    expect(total).to_have_text("280,50")
    control(page, "/financiering/begroting/1/bedrag").fill("1.019,6")
    expect(total).to_have_text("1.300,10")
    control(page, "/financiering/begroting/1/bedrag").fill("0,1")
    expect(total).to_have_text("280,60")  # exact: no binary float in the sum
    control(page, "/financiering/begroting/1/bedrag").fill("veel")
    expect(total).to_have_text("280,50")  # not a number yet: it counts for nothing
    control(page, "/financiering/begroting/1/omschrijving").fill("Koffie")
    control(page, "/financiering/begroting/1/bedrag").fill("19,5")
    expect(total).to_have_text("300,00")
    # A line removed is a round trip too: the line left is the coffee, and only it is added.
    button(page, "Verwijder kost 1").click()
    expect(control(page, "/financiering/begroting/0/omschrijving")).to_have_value("Koffie")
    expect(control(page, "/financiering/begroting/1/bedrag")).to_have_count(0)
    expect(total).to_have_text("19,50")
    control(page, "/financiering/begroting/0/bedrag").fill("20")
    expect(total).to_have_text("20,00")  # the script still follows the lines that are left
    assert axe_violations(page) == []
    screenshot(page, "begroting-totaal")


def _asks_too_much(page: Page) -> None:
    budget(page, [("Brood en beleg", "280,50"), ("Koffie", "95,25"), ("Tafels", "100")])
    control(page, "/financiering/verwachteInkomsten").fill("100")
    control(page, ASKED).fill("450")
    control(page, "/financiering/rekening/iban").fill("BE73 7350 1234 5660")
    control(page, "/financiering/rekening/rekeninghouder").fill("Buurtcomité Begijnhof")
    button(page, "Volgende").click()
    expect(heading(page)).to_have_text("Kosten en subsidie")  # refused
    summary = page.locator(".fk-error-summary")
    expect(summary).to_contain_text(REFUSAL)
    at_the_field = page.locator(f'.fk-field:has([name="{ASKED}"]) > .fk-error-message')
    expect(at_the_field).to_contain_text(REFUSAL)
    expect(control(page, ASKED)).to_have_value("450")  # kept
    expect(page.locator(TOTAL)).to_have_text("475,75")


def test_an_amount_above_the_costs_less_the_income_is_refused_at_its_field(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = at_the_budget(live_server, context)
    _asks_too_much(page)
    assert axe_violations(page) == []
    screenshot(page, "begroting-te-veel-gevraagd")


def test_without_javascript_the_same_refusal_and_the_servers_total(
    live_server: LiveServer, no_script_context: BrowserContext
) -> None:
    page = at_the_budget(live_server, no_script_context)
    _asks_too_much(page)
