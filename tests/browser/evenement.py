"""Filling in the evenement form as a citizen does, in a page or in an embedding iframe.

Every step, a repeatable group (a co-applicant), a conditional section (what the organiser
is, and the sound level that only loud music asks for) and files. With JavaScript the
conditional parts appear as they apply; without it they are all shown and the server drops
what does not apply, so the no-script citizen also types an answer that must not survive.
"""

from __future__ import annotations

import re

from playwright.sync_api import FrameLocator, Locator, Page, expect

DECLARATION_LABEL = "Ik verklaar dat mijn antwoorden volledig en naar waarheid zijn ingevuld."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Root = Page | FrameLocator


def control(root: Root, name: str, value: str | None = None) -> Locator:
    selector = f'[name="{name}"]' if value is None else f'[name="{name}"][value="{value}"]'
    return root.locator(f"form.fk-form {selector}")


def button(root: Root, label: str) -> Locator:
    return root.locator("form.fk-form button:not(.fk-default-action)", has_text=label)


def heading(root: Root) -> Locator:
    return root.locator("h1")


def fill(root: Root, values: dict[str, str]) -> None:
    for name, value in values.items():
        control(root, name).fill(value)


def organisator(root: Root, *, javascript: bool) -> None:
    expect(heading(root)).to_have_text("Organisator")
    first_name = control(root, "/organisator/voornaam")
    if javascript:
        expect(first_name).to_be_hidden()  # until the citizen says who organises
    control(root, "/organisator/soort", "privepersoon").check()
    expect(first_name).to_be_visible()
    if javascript:
        expect(control(root, "/organisator/naam")).to_be_hidden()
    else:
        control(root, "/organisator/naam").fill("Vzw Zonder Reden")  # does not apply: dropped
    fill(root, {"/organisator/voornaam": "Tom", "/organisator/achternaam": "Peeters"})
    control(root, "/organisatorInMechelen", "true").check()
    fill(
        root,
        {
            "/verantwoordelijke/voornaam": "Tom",
            "/verantwoordelijke/achternaam": "Peeters",
            "/verantwoordelijke/rijksregisternummer": "85.03.14-123.02",
            "/verantwoordelijke/adres/straat": "Leopoldstraat",
            "/verantwoordelijke/adres/huisnummer": "12",
            "/verantwoordelijke/adres/postcode": "2800",
            "/verantwoordelijke/adres/gemeente": "Mechelen",
            "/verantwoordelijke/email": "tom.peeters@voorbeeld.be",
            "/verantwoordelijke/telefoon": "0470 12 34 56",
            "/tweedeContactpersoon/voornaam": "Sofie",
            "/tweedeContactpersoon/achternaam": "Janssens",
            "/tweedeContactpersoon/telefoon": "0485 76 54 32",
        },
    )
    button(root, "Voeg een medeaanvrager toe").click()
    fill(
        root,
        {
            "/medeaanvragers/0/voornaam": "An",
            "/medeaanvragers/0/achternaam": "Claes",
            "/medeaanvragers/0/rijksregisternummer": "90020212372",
            "/medeaanvragers/0/telefoon": "0478 11 22 33",
        },
    )
    expect(control(root, "/verantwoordelijke/voornaam")).to_have_value("Tom")  # kept
    button(root, "Volgende").click()


def evenement(root: Root) -> None:
    expect(heading(root)).to_have_text("Het evenement")
    fill(
        root,
        {
            "/evenement/naam": "Huiskamerconcert Leopoldstraat",
            "/evenement/omschrijving": "Een akoestisch concert voor vrienden en buren.",
            "/evenement/begin#dag": "16",
            "/evenement/begin#maand": "10",
            "/evenement/begin#jaar": "2027",
            "/evenement/begin#tijd": "20:00",
            "/evenement/einde#dag": "16",
            "/evenement/einde#maand": "10",
            "/evenement/einde#jaar": "2027",
            "/evenement/einde#tijd": "23.00",
            "/evenement/plaats": "Parochiezaal Sint-Jan",
            "/evenement/verwachteBezoekers": "60",
        },
    )
    control(root, "/evenement/soort").select_option("concert")
    control(root, "/evenement/locatietype", "binnen").check()
    control(root, "/evenement/toegang", "op-uitnodiging").check()
    button(root, "Volgende").click()


def veiligheid(root: Root, *, javascript: bool) -> None:
    expect(heading(root)).to_have_text("Veiligheid")
    level = control(root, "/veiligheid/geluidsniveau")
    if javascript:
        expect(level).to_be_hidden()
    control(root, "/veiligheid/versterkteMuziek", "true").check()
    expect(level).to_be_visible()
    level.fill("85")
    for name in ("podiumOfTent", "eersteHulp", "verkeersmaatregelen", "parkeerverbod"):
        control(root, f"/veiligheid/{name}", "false").check()
    control(root, "/veiligheid/brandveiligheid", "blustoestellen").check()
    control(root, "/veiligheid/brandveiligheid", "nooduitgangen").check()
    control(root, "/veiligheid/aantalStewards").fill("2")
    button(root, "Volgende").click()


def drank_en_eten(root: Root) -> None:
    expect(heading(root)).to_have_text("Drank en eten")
    control(root, "/drankEnEten/drankSchenken", "false").check()
    control(root, "/drankEnEten/etenMetGasOfBarbecue", "false").check()
    button(root, "Volgende").click()


def materiaal(root: Root) -> None:
    expect(heading(root)).to_have_text("Materiaal van de stad")
    button(root, "Volgende").click()


def bijlagen(root: Root) -> None:
    expect(heading(root)).to_have_text("Bijlagen")
    for slot, name in (("grondplan", "grondplan-zaal.pdf"), ("programma", "programma.pdf")):
        file = {"name": name, "mimeType": "application/pdf", "buffer": PDF}
        control(root, f"/bijlagen/{slot}").set_input_files(file)
    button(root, "Naar overzicht").click()


def to_review(root: Root, *, javascript: bool) -> None:
    organisator(root, javascript=javascript)
    evenement(root)
    veiligheid(root, javascript=javascript)
    drank_en_eten(root)
    materiaal(root)
    bijlagen(root)
    expect(heading(root)).to_have_text("Overzicht")


def check_review(root: Root) -> None:
    main = root.locator("main")
    for text in ("An", "Claes", "Huiskamerconcert Leopoldstraat", "grondplan-zaal.pdf", "85"):
        expect(main).to_contain_text(text)
    expect(main).not_to_contain_text("Vzw Zonder Reden")


def file_it(root: Root) -> str:
    """Press Indienen; the dossier number the confirmation shows."""
    root.locator("form.fk-form").get_by_label(DECLARATION_LABEL).check()
    root.locator("form.fk-form button", has_text="Indienen").click()
    expect(heading(root)).to_have_text("Uw aanvraag is ingediend")
    number = root.locator(".fk-panel__number").inner_text()
    assert re.fullmatch(r"EVT-2026-\d{6}", number), number
    return number
