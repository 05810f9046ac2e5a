"""A bouwaanvraag's whole handling in Chromium, each person in their own browser.

An integrator files a signed bouwaanvraag with its files. The behandelaar finds it in the
worklist, takes it and finds it incomplete; the citizen opens the link in the city's mail (the
`.eml` file the live server wrote) and adds a new plan. The behandelaar reads both versions,
finds it admissible and asks three departments for advice at once. Brandweer and mobiliteit
answer on the same version of the dossier, each in their own browser; erfgoed says nothing.
The beslisser cannot decide while erfgoed may still answer. Five weeks later (the live
server's clock moves, and the scheduled job, `HandlingStore.tick`, runs against its database)
erfgoed's advice is marked late; the beslisser decides, the outbox of the live server makes
the sealed letter, the behandelaar downloads it from the dossier page and closes the dossier,
and the beheerder reads who looked at it. Every staff page on the way passes axe-core.

The outbox works on the real clock, so the weeks of the walk end at NOW (which lies in the
past) rather than start there. The dossier itself is filed when the test runs: the store
stamps a filing with the real time.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from tests.browser.conftest import LiveServer, axe_violations, live_stores, screenshot
from tests.conftest import NOW, answers
from tests.live import api_key
from tests.test_api import file, signed_by
from tests.web.bouwaanvraag import PDF
from tests.web.completion_support import run

from formkit.eid._testcard import TestCard
from formkit.receipts import verify_receipt_async
from formkit.web.services import Services

FIVE_WEEKS_EARLIER = NOW - timedelta(days=35)  # the advice's 30 days have passed by NOW
NEW_PLAN = PDF.replace(b"%%EOF", b"% het verbeterde inplantingsplan\n%%EOF")
MESSAGE = "Het inplantingsplan toont de afstand tot de perceelsgrens niet."
WAIT_FOR_OUTBOX = 60.0  # seconds: a mail or a letter, on a loaded machine
FIRE = "Brandweer Zone Rivierenland, dienst preventie"
Found = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def stores(live_server: LiveServer) -> Iterator[Services]:
    """The live server's own database, blobs and seal, opened from the test process: what the
    scheduled job and a check of the letter's seal need."""
    with live_stores(live_server) as services:
        yield services


def test_a_bouwaanvraag_from_filing_through_late_advice_to_its_letter_and_closing(
    browser: Browser,
    live_server: LiveServer,
    live_clock: Callable[[datetime], None],
    stores: Services,
    ec_card: TestCard,
) -> None:
    found: Found = {}
    contexts: list[BrowserContext] = []

    def person() -> Page:
        context = browser.new_context(locale="nl-BE")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    live_clock(FIVE_WEEKS_EARLIER)
    try:
        number = _filed(live_server, ec_card)
        official = person()
        _log_in(official, live_server, "Behandelaar van het formulier bouwaanvraag", found)
        _find_in_worklist(official, number, found)
        _take_and_find_incomplete(official, found)

        citizen = person()
        citizen.goto(_completion_link(live_server, number))
        _complete(citizen, found)

        _read_both_versions(official, found)
        _admit_and_ask_advice(official, found)
        fire, traffic = person(), person()
        _advise_at_the_same_time(fire, traffic, live_server, number, found)

        decider = person()
        _log_in(decider, live_server, "Beslisser", found)
        _cannot_decide_while_advice_is_open(decider, live_server, number, found)

        live_clock(NOW)  # five weeks on: the scheduled job finds erfgoed late
        assert stores.handling.tick(NOW) >= 1
        _log_in(decider, live_server, "Beslisser", found)  # a session lasts hours, not weeks
        _decide(decider, live_server, number, found)

        _log_in(official, live_server, "Behandelaar van het formulier bouwaanvraag", found)
        official.goto(_dossier(live_server, number))
        letter = _download_letter(official, found)
        _close(official, found)
        _read_the_timeline(official)

        auditor = person()
        _log_in(auditor, live_server, "Beheerder", found)
        _read_the_audit(auditor, number, found)
    finally:
        for context in contexts:
            context.close()

    report = run(verify_receipt_async(letter, trust_roots=list(stores.seal.chain)))
    assert report.ok, report.checks
    assert report.letter is not None
    assert report.letter.body.number == number
    assert {page: v for page, v in found.items() if v} == {}


# The people and their pages ----------------------------------------------------------------


def _filed(server: LiveServer, card: TestCard) -> str:
    """Filed as an integrator files one: the answers, their files and the applicant's eID
    signature, in one request."""
    token = api_key(server.data_dir, "")
    with httpx.Client(base_url=server.url, timeout=60) as client:
        document = signed_by(answers("bouwaanvraag", "valid-minimal"), card)
        response = file(client, token, "bouwaanvraag", document, card)
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def _log_in(page: Page, server: LiveServer, role: str, found: Found) -> None:
    page.goto(f"{server.url}/behandeling/aanmelden")
    expect(page.locator("h1")).to_have_text("Ontwikkelaarsaanmelding")
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Aanmelden als ontwikkelaar").click()
    expect(page.locator("h1")).to_have_text("Behandeling")
    expect(page.locator("main")).to_contain_text(role)
    _check(page, f"start {role}", found)


def _find_in_worklist(page: Page, number: str, found: Found) -> None:
    page.get_by_role("link", name="Uw dossiers").click()
    expect(page.locator("h1")).to_have_text("Uw dossiers")
    page.get_by_label("Zoeken").fill(number)
    page.get_by_role("button", name="Filteren").click()
    _check(page, "werklijst", found)
    page.get_by_role("table").get_by_role("link", name=number).click()
    expect(page.locator("h1")).to_have_text(f"Dossier {number}")
    expect(_phase(page)).to_have_text("Ingediend")
    _check(page, "dossier ingediend", found, "wandeling-1-ingediend")


def _take_and_find_incomplete(page: Page, found: Found) -> None:
    _act(page, "Dossier nemen", "U behandelt dit dossier nu.", found)

    def ask(form: Page) -> None:
        form.get_by_label("Bericht aan de aanvrager: wat ontbreekt er?").fill(MESSAGE)
        form.locator("summary", has_text="Kies de antwoorden en documenten").click()
        form.get_by_label("Plannen", exact=True).check()

    _act(page, "Onvolledig verklaren", "onvolledig verklaard", found, ask)
    expect(_phase(page)).to_have_text("Onvolledig")
    screenshot(page, "wandeling-2-onvolledig")


def _completion_link(server: LiveServer, number: str) -> str:
    """The link in the city's mail to the citizen, as the live server's outbox wrote it."""
    mails = server.data_dir / "mail"
    deadline = time.monotonic() + WAIT_FOR_OUTBOX
    while not (written := sorted(mails.glob(f"citizen-mail.{number}.*.completion@*.eml"))):
        assert time.monotonic() < deadline, f"no completion mail for {number} in {mails}"
        time.sleep(0.2)
    body = _text_of(written[0])
    assert MESSAGE in body
    assert "- Bijlagen › Plannen" in body
    link = re.search(r"http://\S+/aanvullen/\S+", body)
    assert link is not None, body
    assert link.group().startswith(f"{server.url}/aanvullen/{number}/")
    return link.group()


def _text_of(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert "sofie.janssens@voorbeeld.be" in message["To"]
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text: str = part.get_content()
    return text


def _complete(page: Page, found: Found) -> None:
    expect(page.locator("h1")).to_have_text("Uw aanvraag aanvullen")
    expect(page.locator("main")).to_contain_text(MESSAGE)
    _check(page, "aanvullen", found)
    page.get_by_label("Plannen").set_input_files(
        {"name": "verbeterd-inplantingsplan.pdf", "mimeType": "application/pdf", "buffer": NEW_PLAN}
    )
    page.get_by_role("button", name="Verstuur uw aanvulling").click()
    expect(page.locator("h1")).to_have_text("Bedankt, uw aanvulling is ontvangen")
    _check(page, "aanvulling ontvangen", found)


def _read_both_versions(page: Page, found: Found) -> None:
    page.reload()
    expect(_phase(page)).to_have_text("Ingediend")
    expect(page.locator(".fk-timeline")).to_contain_text("Aangevuld door de aanvrager (versie 2)")
    expect(page.get_by_role("link", name="verbeterd-inplantingsplan.pdf")).to_be_visible()
    expect(page.locator("#antwoorden")).to_have_text("Antwoorden (versie 2 van 2)")
    _check(page, "dossier aangevuld", found, "wandeling-3-aangevuld")
    page.get_by_role("link", name="Versie 1", exact=True).click()
    expect(page.locator("#antwoorden")).to_have_text("Antwoorden (versie 1 van 2)")
    expect(page.locator("section", has=page.locator("#antwoorden"))).not_to_contain_text(
        "verbeterd-inplantingsplan.pdf"
    )
    _check(page, "dossier versie 1", found)
    page.get_by_role("link", name="Versie 2", exact=True).click()
    expect(page.locator("#antwoorden")).to_have_text("Antwoorden (versie 2 van 2)")


def _admit_and_ask_advice(page: Page, found: Found) -> None:
    _act(page, "Volledig en ontvankelijk verklaren", "volledig en ontvankelijk", found)
    expect(_phase(page)).to_have_text("Ontvankelijk")

    def three(form: Page) -> None:
        expect(form.get_by_label(FIRE)).to_be_checked()  # the procedure's default advisers
        expect(form.get_by_label("Dienst Mobiliteit")).to_be_checked()
        form.get_by_label("Dienst Erfgoed").check()  # not protected, but the official asks

    _act(page, "Advies vragen", "Het advies is gevraagd.", found, three)
    expect(_phase(page)).to_have_text("Advies gevraagd")
    expect(page.locator("#adviezen + table tbody tr")).to_have_count(3)
    screenshot(page, "wandeling-4-advies-gevraagd")


def _advise_at_the_same_time(
    fire: Page, traffic: Page, server: LiveServer, number: str, found: Found
) -> None:
    """Both open the dossier and confirm their advice on the version they saw."""
    advice = {
        fire: ("brandweer", "Gunstig", "Geen bezwaar: de werken raken geen vluchtweg."),
        traffic: ("mobiliteit", "Voorwaardelijk gunstig", "De oprit blijft 3 m breed."),
    }
    for page, (department, opinion, motivation) in advice.items():
        _log_in(page, server, f"Adviseur voor de dienst {department}", found)
        page.goto(_dossier(server, number))
        _check(page, f"dossier adviseur {department}", found)
        page.locator("summary", has_text="Advies geven").click()
        page.get_by_label(opinion, exact=True).check()
        page.get_by_label("Motivering").fill(motivation)
        if page is fire:
            _attach_a_report_and_a_refused_file(page, found)
        page.get_by_role("button", name="Advies geven", exact=True).click()
        expect(page.locator("h1")).to_have_text("Bevestig: advies geven")
        _check(page, f"bevestigen adviseur {department}", found)
    expect(fire.locator("main")).to_contain_text("brandverslag.pdf (PDF, ")
    for page in advice:
        page.get_by_role("button", name="Bevestig").click()
        expect(page.locator("[role=status]")).to_contain_text("Uw advies is toegevoegd.")
    expect(traffic.locator(".fk-timeline")).to_contain_text(f"Advies van {FIRE}: gunstig")
    report = traffic.locator(".fk-timeline").get_by_role("link", name="brandverslag.pdf")
    expect(report).to_have_attribute("href", re.compile(r"/adviezen/\d+/0$"))
    screenshot(traffic, "wandeling-5-twee-adviezen")


_REPORT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach_a_report_and_a_refused_file(page: Page, found: Found) -> None:
    """A file the advice does not take comes back as an error at the field; the report that
    came with it stays, listed to keep, and is not sent again."""
    page.get_by_label("Bestanden bij het advies").set_input_files(
        [
            {"name": "brandverslag.pdf", "mimeType": "application/pdf", "buffer": _REPORT},
            {"name": "nota.html", "mimeType": "text/html", "buffer": b"<!DOCTYPE html><p>x"},
        ]
    )
    page.get_by_role("button", name="Advies geven", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("nota.html is van een soort")
    expect(page.get_by_label("brandverslag.pdf (PDF,")).to_be_checked()
    expect(page.get_by_label("Motivering")).not_to_have_value("")
    _check(page, "advies met geweigerd bestand", found, "wandeling-5a-bestand-geweigerd")


def _cannot_decide_while_advice_is_open(
    page: Page, server: LiveServer, number: str, found: Found
) -> None:
    page.goto(_dossier(server, number))
    page.locator("summary", has_text="Beslissen").click()
    _fill_decision(page)
    page.get_by_role("button", name="Beslissen", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Er lopen nog adviesvragen bij erfgoed.")
    expect(page.get_by_label("Motivering")).to_have_value(_MOTIVATION)  # kept as typed
    _check(page, "beslissen geweigerd", found, "wandeling-6-nog-advies-open")


def _decide(page: Page, server: LiveServer, number: str, found: Found) -> None:
    page.goto(_dossier(server, number))
    late = page.locator("#adviezen + table tr", has_text="Dienst Erfgoed")
    expect(late).to_contain_text("niet op tijd gegeven")
    _check(page, "dossier advies te laat", found, "wandeling-7-advies-te-laat")
    _act(page, "Beslissen", "De beslissing is vastgelegd.", found, _fill_decision)
    expect(_phase(page)).to_have_text("Beslist")


_MOTIVATION = "De ophoging past in de tuin.\nDe oprit blijft 3 m breed, zoals mobiliteit vraagt."


def _fill_decision(page: Page) -> None:
    page.get_by_label("Vergund onder voorwaarden").check()
    page.get_by_label("Motivering").fill(_MOTIVATION)


def _download_letter(page: Page, found: Found) -> bytes:
    """Once the live server's outbox has made and sealed it (the page says so meanwhile)."""
    link = page.get_by_role("link", name="Download de beslissingsbrief")
    deadline = time.monotonic() + WAIT_FOR_OUTBOX
    while not link.is_visible():
        expect(page.locator("main")).to_contain_text("De beslissingsbrief wordt gemaakt")
        assert time.monotonic() < deadline, "the outbox made no letter"
        time.sleep(0.5)
        page.reload()
    _check(page, "dossier met brief", found, "wandeling-8-beslist")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("beslissing-")
    return Path(download.value.path()).read_bytes()


def _close(page: Page, found: Found) -> None:
    _act(page, "Afsluiten", "Het dossier is afgesloten.", found)
    expect(_phase(page)).to_have_text("Afgesloten")
    screenshot(page, "wandeling-9-afgesloten")


def _read_the_timeline(page: Page) -> None:
    expect(page.locator(".fk-timeline__what")).to_have_text(
        [
            "Ingediend",
            "Toegewezen aan Ontwikkelaar",
            "Onvolledig verklaard",
            "Aangevuld door de aanvrager (versie 2) – bekijk versie 2",
            "Volledig en ontvankelijk verklaard",
            f"Advies gevraagd aan {FIRE}, Dienst Mobiliteit, Dienst Erfgoed",
            f"Advies van {FIRE}: gunstig",
            "Advies van Dienst Mobiliteit: voorwaardelijk gunstig",
            "Advies van Dienst Erfgoed niet op tijd gegeven",
            "Beslist: Vergund onder voorwaarden",
            "Afgesloten",
        ]
    )
    timeline = page.locator(".fk-timeline")
    expect(timeline).to_contain_text(f"Bericht: {MESSAGE}")
    expect(timeline).to_contain_text("Gevraagd: Plannen")
    expect(timeline).to_contain_text("Spoor: Gewone procedure")
    expect(timeline).to_contain_text("Ontwikkelaar (Dienst Mobiliteit)")
    expect(timeline).to_contain_text("Stad (automatisch)")
    expect(timeline).to_contain_text("Motivering: De ophoging past in de tuin.")
    expect(timeline).to_contain_text("28 november 2026")  # the late advice and the decision


def _read_the_audit(page: Page, number: str, found: Found) -> None:
    page.get_by_role("link", name="Inzage in dossiers").click()
    expect(page.locator("h1")).to_have_text("Inzage in dossiers")
    page.get_by_label("Dossiernummer").fill(number)
    page.get_by_role("button", name="Toon wie het dossier las").click()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.filter(has_text="de beslissingsbrief")).to_have_count(1)
    expect(rows.filter(has_text="de dossierpagina").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Sofie")  # the beheerder reads no answers
    _check(page, "inzage", found, "wandeling-10-inzage")


# Small things --------------------------------------------------------------------------


def _act(
    page: Page,
    title: str,
    done: str,
    found: Found,
    fill: Callable[[Page], None] | None = None,
) -> None:
    """An action on the dossier page: open it, fill it in, confirm it."""
    page.locator("summary", has_text=title).click()
    if fill is not None:
        fill(page)
    page.get_by_role("button", name=title, exact=True).click()
    expect(page.locator("h1")).to_have_text(f"Bevestig: {title.lower()}")
    _check(page, f"bevestigen {title.lower()}", found)
    page.get_by_role("button", name="Bevestig").click()
    expect(page.locator("[role=status]")).to_contain_text(done)
    _check(page, f"gedaan {title.lower()}", found)


def _phase(page: Page) -> Any:
    return page.locator(".fk-summary__row", has_text="Fase").locator("dd")


def _dossier(server: LiveServer, number: str) -> str:
    return f"{server.url}/behandeling/dossiers/{number}"


def _check(page: Page, name: str, found: Found, picture: str | None = None) -> None:
    """axe-core on the page as it is now; a picture of it for a person to look at."""
    found[name] = axe_violations(page)
    if picture is not None:
        screenshot(page, picture)
