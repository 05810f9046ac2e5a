"""Citizens' way in to "Mijn dossiers", in Chromium: through the provider's own login pages (the
test provider standing in for FAS), and through the development login `make run` offers. The
/mijn-dossiers pages are axe-clean."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from tests.browser.conftest import (
    LiveServer,
    _free_port,
    _wait_until_up,
    axe_violations,
    live_stores,
    screenshot,
)
from tests.conftest import ROOT
from tests.oidc.provider import Provider, running_provider
from tests.web.bouwaanvraag import PDF
from tests.web.my_dossiers_support import Dossiers, dossiers

NEW_PLAN = PDF.replace(b"%%EOF", b"% het nieuwe inplantingsplan\n%%EOF")


@pytest.fixture(scope="module")
def fas_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Provider]]:
    """The app as a client of the test provider for its citizens, on the real clock."""
    data_dir = tmp_path_factory.mktemp("live-fas")
    port = _free_port("127.0.0.1")
    url = f"http://127.0.0.1:{port}"
    with running_provider(url) as provider:
        settings = provider.settings(url)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FORMKIT_")},
            "FORMKIT_DATA_DIR": str(data_dir),
            "FORMKIT_SCHEMAS_DIR": str(ROOT / "schemas"),
            "FORMKIT_RENDERERS_DIR": str(ROOT / "renderers"),
            "FORMKIT_HOST": "127.0.0.1",
            "FORMKIT_PORT": str(port),
            "FORMKIT_OUTBOX_WORKER": "0",
            **{f"FORMKIT_{k.upper()}": v for k, v in settings.items() if k.startswith("citizen")},
        }
        log = data_dir / "server.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.browser.serve"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(url, process, log)
            yield LiveServer(url, data_dir), provider
        finally:
            process.terminate()
            process.wait(timeout=10)


def _submit(page: Page) -> None:
    page.locator("form [type=submit]").first.click()


def at_the_provider(page: Page, server: LiveServer, provider: Provider, login: str) -> None:
    """The provider's own pages: sign in, consent to what formkit asks for, back at formkit."""
    page.wait_for_url(re.compile(re.escape(provider.issuer)))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("om het even")
    _submit(page)
    page.wait_for_url(re.compile(re.escape(provider.issuer) + "|" + re.escape(server.url)))
    if page.url.startswith(provider.issuer):
        _submit(page)  # consent
    page.wait_for_url(f"{server.url}/mijn-dossiers")


def test_a_citizen_logs_in_through_the_providers_pages_and_out_again(
    context: BrowserContext, fas_server: tuple[LiveServer, Provider]
) -> None:
    server, provider = fas_server
    page = context.new_page()
    found: dict[str, Any] = {}
    page.goto(f"{server.url}/mijn-dossiers")
    expect(page.locator("h1")).to_have_text("Mijn dossiers")
    found["aanmelden"] = axe_violations(page)
    page.get_by_role("link", name="Aanmelden met eID of itsme").click()
    at_the_provider(page, server, provider, "anna")
    main = page.locator("main")
    expect(main).to_contain_text("Welkom, Anna Peeters")
    expect(main).to_contain_text("85.07.30-***.**")
    expect(main).to_contain_text("hoog (met uw eID-kaart of itsme)")
    assert "85073003328" not in page.content()
    assert "85073003328" not in page.title()
    found["mijn-dossiers"] = axe_violations(page)
    screenshot(page, "mijn-dossiers")
    page.get_by_role("button", name="Afmelden").click()
    # The provider asks to confirm ending its session too, then sends the citizen back.
    page.wait_for_url(re.compile(re.escape(provider.issuer)))
    page.locator("button[name=logout]").click()
    page.wait_for_url(f"{server.url}/mijn-dossiers/afgemeld")
    expect(page.locator("h1")).to_have_text("U bent afgemeld")
    found["afgemeld"] = axe_violations(page)
    page.goto(f"{server.url}/mijn-dossiers")
    expect(page.get_by_role("link", name="Aanmelden met eID of itsme")).to_be_visible()
    assert {name: v for name, v in found.items() if v} == {}


def test_a_developer_logs_in_as_a_test_citizen(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/mijn-dossiers")
    page.get_by_role("link", name="Aanmelden met eID of itsme").click()
    expect(page.locator("h1")).to_have_text("Ontwikkelaarsaanmelding voor burgers")
    violations = axe_violations(page)
    screenshot(page, "mijn-dossiers-ontwikkelaar")
    page.get_by_label(re.compile("Jan Janssens")).check()
    page.get_by_role("button", name="Aanmelden als testburger").click()
    expect(page.locator("main")).to_contain_text("Welkom, Jan Janssens")
    expect(page.locator("main")).to_contain_text("substantieel")
    assert violations == []


@pytest.fixture(scope="module")
def fas_filed(fas_server: tuple[LiveServer, Provider]) -> Iterator[Dossiers]:
    """Anna's and Jan's dossiers in the FAS-connected server's own database, with its secret."""
    server, _ = fas_server
    with live_stores(server) as services:
        yield dossiers(services)


def test_through_the_providers_pages_a_citizen_follows_and_completes_a_dossier(
    context: BrowserContext, fas_server: tuple[LiveServer, Provider], fas_filed: Dossiers
) -> None:
    """The whole walk of the issue: log in at the provider, two dossiers in different phases,
    answer the city's question with a document, log out; every page axe-clean."""
    server, provider = fas_server
    page = context.new_page()
    found: dict[str, Any] = {}
    page.goto(f"{server.url}/mijn-dossiers")
    page.get_by_role("link", name="Aanmelden met eID of itsme").click()
    at_the_provider(page, server, provider, "anna")
    table = page.get_by_role("table")
    incomplete = table.get_by_role("row").filter(has_text=fas_filed.anna_incomplete)
    expect(incomplete).to_contain_text("Onvolledig")
    expect(table.get_by_role("row").filter(has_text=fas_filed.anna_in_progress)).to_contain_text(
        "In behandeling"
    )
    found["lijst"] = axe_violations(page)

    table.get_by_role("link", name=fas_filed.anna_incomplete).click()
    expect(page.locator("[aria-current=step]")).to_contain_text("Onvolledig")
    found["dossier"] = axe_violations(page)
    page.get_by_role("link", name="Vul uw aanvraag aan").click()
    expect(page.locator("h1")).to_have_text("Uw aanvraag aanvullen")
    page.get_by_label("Plannen").set_input_files(
        {"name": "nieuw-inplantingsplan.pdf", "mimeType": "application/pdf", "buffer": NEW_PLAN}
    )
    found["aanvullen"] = axe_violations(page)
    page.get_by_role("button", name="Verstuur uw aanvulling").click()
    expect(page.locator("h1")).to_have_text("Bedankt, uw aanvulling is ontvangen")
    found["ontvangen"] = axe_violations(page)

    page.goto(f"{server.url}/mijn-dossiers/{fas_filed.anna_incomplete}")
    expect(page.locator("[aria-current=step]")).to_contain_text("Ingediend")  # back to the city
    page.goto(f"{server.url}/mijn-dossiers")
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(re.compile(re.escape(provider.issuer)))
    page.locator("button[name=logout]").click()
    page.wait_for_url(f"{server.url}/mijn-dossiers/afgemeld")
    page.goto(f"{server.url}/mijn-dossiers/{fas_filed.anna_in_progress}")
    expect(page.get_by_role("link", name="Aanmelden met eID of itsme")).to_be_visible()
    assert {name: v for name, v in found.items() if v} == {}
