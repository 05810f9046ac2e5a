"""An organiser who lives abroad files the evenement form in Chromium, with JavaScript and
without: the country's own address fields, the rule that a foreign address is not Mechelen,
and the address on the review page as the post of that country writes it."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect
from tests.browser import evenement
from tests.browser.conftest import LiveServer, axe_violations, screenshot
from tests.browser.evenement import button, control, fill, heading

ADDRESS = "/verantwoordelijke/adres"
BELGIAN = ("straat", "huisnummer", "postcode", "gemeente")
ABROAD = ("adresregel1", "adresregel2", "buitenlandsePostcode", "plaats")
NOT_MECHELEN = "Het adres van de verantwoordelijke ligt in het buitenland, dus niet in Mechelen."


def organisator_abroad(page: Page, *, javascript: bool) -> None:
    expect(heading(page)).to_have_text("Organisator")
    control(page, "/organisator/soort", "privepersoon").check()
    fill(page, {"/organisator/voornaam": "Sanne", "/organisator/achternaam": "de Vries"})
    control(page, "/organisatorInMechelen", "true").check()  # refused below: she lives abroad
    if javascript:
        for name in ABROAD:
            expect(control(page, f"{ADDRESS}/{name}")).to_be_hidden()
        expect(control(page, f"{ADDRESS}/straat")).to_be_visible()  # Belgium until chosen
    else:
        control(page, f"{ADDRESS}/straat").fill("Bruul")  # does not apply: dropped
    control(page, f"{ADDRESS}/land").fill("Nederland")  # typed, as the suggestions offer it
    for name in ABROAD:
        expect(control(page, f"{ADDRESS}/{name}")).to_be_visible()
    if javascript:
        for name in BELGIAN:
            expect(control(page, f"{ADDRESS}/{name}")).to_be_hidden()
    fill(
        page,
        {
            "/verantwoordelijke/voornaam": "Sanne",
            "/verantwoordelijke/achternaam": "de Vries",
            "/verantwoordelijke/rijksregisternummer": "85.03.14-123.02",
            f"{ADDRESS}/adresregel1": "Keizersgracht 112",
            f"{ADDRESS}/buitenlandsePostcode": "1015 CJ",
            f"{ADDRESS}/plaats": "Amsterdam",
            "/verantwoordelijke/email": "sanne.devries@voorbeeld.nl",
            "/verantwoordelijke/telefoon": "+31 6 12345678",
            "/tweedeContactpersoon/voornaam": "Sofie",
            "/tweedeContactpersoon/achternaam": "Janssens",
            "/tweedeContactpersoon/telefoon": "0485 76 54 32",
        },
    )
    button(page, "Volgende").click()
    expect(heading(page)).to_have_text("Organisator")  # refused: not in Mechelen
    summary = page.locator(".fk-error-summary")
    expect(summary).to_contain_text(NOT_MECHELEN)
    expect(page.locator(".fk-error-message", has_text=NOT_MECHELEN)).to_have_count(1)
    expect(control(page, f"{ADDRESS}/land")).to_have_value("Nederland")  # kept, with its fields
    expect(control(page, f"{ADDRESS}/adresregel1")).to_have_value("Keizersgracht 112")
    if javascript:
        expect(control(page, f"{ADDRESS}/straat")).to_be_hidden()
    screenshot(page, f"evenement-buitenland-{'js' if javascript else 'zonder-javascript'}")
    if javascript:  # axe runs in the page: with the script's hiding, as citizens see it
        assert axe_violations(page) == []
    control(page, "/organisatorInMechelen", "false").check()
    button(page, "Volgende").click()


def file_from_abroad(page: Page, *, javascript: bool) -> None:
    organisator_abroad(page, javascript=javascript)
    evenement.evenement(page)
    evenement.veiligheid(page, javascript=javascript)
    evenement.drank_en_eten(page)
    evenement.materiaal(page)
    evenement.bijlagen(page)
    expect(heading(page)).to_have_text("Overzicht")
    address = page.locator("dd.fk-summary__value--long", has_text="Keizersgracht 112")
    expect(address).to_have_text("Keizersgracht 112\n1015 CJ AMSTERDAM\nNEDERLAND")
    expect(page.locator("main")).not_to_contain_text("Bruul")
    if javascript:
        assert axe_violations(page) == []
    evenement.file_it(page)


def test_an_organiser_abroad_files_with_javascript(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    file_from_abroad(page, javascript=True)


def test_an_organiser_abroad_files_without_javascript(
    no_script_context: BrowserContext, live_server: LiveServer
) -> None:
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/formulieren/evenement")
    file_from_abroad(page, javascript=False)
