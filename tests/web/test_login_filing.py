"""Filing a bouwaanvraag without a card reader: as a citizen logged in at a high level.

The bouwaanvraag says `"signature": "eid-or-login"`. Here the citizens log in with the
development login (loopback, no provider): Anna at FAS level 500 (eID card: high), Jan at
level 400 (an app: substantial). The login through a real provider is tested in
tests/accounts/test_citizen_login_filing.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography import x509
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.web.bouwaanvraag import bouwaanvraag, fill_to_review
from tests.web.conftest import draft_id, open_page
from tests.web.loopback import APP_URL, development_login
from tests.web.webforms import Page

from formkit.filing._login import MESSAGES
from formkit.receipts import Report, development_root, verify_receipt
from formkit.render import DECLARATION
from formkit.settings import Settings
from formkit.store import _tables as t
from formkit.web.app import create_app
from formkit.web.services import Services

ANNA, JAN = "85073003328", "90010100123"  # the development citizens' numbers
NUMBER = re.compile(r"BAV-\d{4}-\d{6}")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return service_settings(tmp_path, database_url)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services.settings, services), base_url=APP_URL) as test_client:
        yield test_client


def signing_page(client: TestClient[Any], applicant: str) -> Page:
    review = fill_to_review(open_page(client, "/formulieren/bouwaanvraag"), bouwaanvraag(applicant))
    page = review.choose(DECLARATION, "ja").press("indienen")
    assert page.title == "Ondertekenen", (page.status, page.errors)
    return page


def sign_url(page: Page) -> str:
    return f"/formulieren/bouwaanvraag/{draft_id(page)}/ondertekenen"


def log_in(client: TestClient[Any], citizen: str, back: str) -> Any:
    """The development login, started from the signing page's link."""
    return development_login(client, citizen, back)


def file_with_login(client: TestClient[Any], page: Page) -> Any:
    body = [("_csrf", (None, page.value("_csrf")))]
    return client.post(sign_url(page) + "/aanmelding", files=body)


def dossiers(services: Services) -> list[Any]:
    with services.engine.connect() as connection:
        return list(connection.execute(sa.select(t.Dossier.__table__)).mappings())  # type: ignore[attr-defined]


def test_the_signing_page_offers_logging_in_as_the_second_way(client: TestClient[Any]) -> None:
    page = signing_page(client, ANNA)
    assert "Geen kaartlezer? Dien in met itsme of uw eID" in page.html
    assert f'href="/mijn-dossiers/aanmelden?terug={sign_url(page)}"' in page.html
    # The extension first, the login second, the program last.
    html = page.html
    assert html.index("web-eid.eu") < html.index("Dien in met itsme") < html.index("formkit sign")


def test_a_citizen_logged_in_high_files_without_a_card_and_the_receipt_says_so(
    client: TestClient[Any], services: Services
) -> None:
    page = signing_page(client, ANNA)
    back = log_in(client, "anna", sign_url(page))
    assert back.status_code == 303
    assert back.headers["location"] == sign_url(page)  # back to the page the login began on
    again = Page(client, client.get(sign_url(page)))
    assert "U bent aangemeld als <strong>Anna Peeters</strong>" in again.html
    assert "Dien in als Anna Peeters" in again.html
    filed = file_with_login(client, again)
    assert filed.status_code == 200
    assert filed.url.path.endswith("/bevestiging")
    number = NUMBER.search(filed.text)
    assert number is not None
    (row,) = dossiers(services)
    assert row["signer"] is None
    assert row["authentication"]["provider"] == "fas"
    assert row["authentication"]["assurance"] == "hoog"
    assert row["authentication"]["national_number_masked"] == "85.07.30-***.**"
    receipt = client.get(sign_url(page).replace("/ondertekenen", "/ontvangstbewijs.jws")).text
    assert ANNA not in receipt
    report = verify(services, receipt.encode())
    assert report.ok, report.failures
    login = next(check for check in report.checks if check.id == "authentication")
    assert "Ingediend zonder eID-handtekening, door Anna Peeters (85.07.30-***.**)" in (
        login.message
    )
    assert "betrouwbaarheidsniveau hoog" in login.message
    mine = client.get("/mijn-dossiers")
    assert number.group(0) in mine.text  # the login is the dossier's signer: listed
    _, key = services.api_keys.create("backoffice", ["bouwaanvraag"], ["read"])
    headers = {"Authorization": f"Bearer {key}"}
    dossier = client.get(f"/api/v1/dossiers/{number.group(0)}", headers=headers)
    assert dossier.json()["signer"] is None
    assert dossier.json()["authentication"]["provider"] == "fas"
    assert ANNA not in json.dumps(dossier.json()["authentication"])  # the answers hold it
    assert (
        client.get(f"/api/v1/dossiers/{number.group(0)}/signature", headers=headers).status_code
        == 404
    )


def verify(services: Services, receipt: bytes) -> Report:
    root = x509.load_pem_x509_certificate(development_root(services.settings.data_dir).read_bytes())
    return verify_receipt(receipt, trust_roots=[root])


def test_a_citizen_logged_in_lower_is_asked_to_log_in_again_or_sign(
    client: TestClient[Any], services: Services
) -> None:
    page = signing_page(client, JAN)
    log_in(client, "jan", sign_url(page))
    again = Page(client, client.get(sign_url(page)))
    assert "betrouwbaarheidsniveau substantieel" in again.html
    assert "meld u opnieuw aan met itsme of met uw eID" in again.html
    assert "Dien in als" not in again.html
    forged = Page(client, file_with_login(client, again))  # the button is not there; post anyway
    assert forged.status == 422
    assert forged.errors == [MESSAGES["login-assurance-too-low"]]
    assert dossiers(services) == []


def test_a_login_of_someone_else_than_the_applicant_is_refused(
    client: TestClient[Any], services: Services
) -> None:
    page = signing_page(client, JAN)  # Jan is the applicant; Anna logs in
    log_in(client, "anna", sign_url(page))
    refused = Page(client, file_with_login(client, Page(client, client.get(sign_url(page)))))
    assert refused.status == 422
    assert refused.errors == [MESSAGES["login-applicant-mismatch"]]
    assert dossiers(services) == []


def test_without_a_login_the_post_leads_back_to_the_page_and_files_nothing(
    client: TestClient[Any], services: Services
) -> None:
    page = signing_page(client, ANNA)
    answer = file_with_login(client, page)
    assert answer.url.path == sign_url(page)
    assert dossiers(services) == []


def test_the_post_needs_its_csrf_token(client: TestClient[Any], services: Services) -> None:
    page = signing_page(client, ANNA)
    log_in(client, "anna", sign_url(page))
    forged = client.post(sign_url(page) + "/aanmelding", files=[("_csrf", (None, "vervalst"))])
    assert forged.status_code == 403
    assert dossiers(services) == []


@pytest.mark.parametrize(
    "back",
    [
        "https://elders.example/x",
        "//elders.example/x",
        "/mijn-dossiers/afmelden",
        "/formulieren/a/b",
    ],
)
def test_the_login_returns_only_to_a_signing_page(client: TestClient[Any], back: str) -> None:
    answer = log_in(client, "anna", back)
    assert answer.headers["location"] == "/mijn-dossiers"


def test_filing_twice_with_the_login_files_once(
    client: TestClient[Any], services: Services
) -> None:
    page = signing_page(client, ANNA)
    log_in(client, "anna", sign_url(page))
    ready = Page(client, client.get(sign_url(page)))
    first, second = file_with_login(client, ready), file_with_login(client, ready)
    assert NUMBER.findall(first.text)[:1] == NUMBER.findall(second.text)[:1]
    assert len(dossiers(services)) == 1
    assert json.dumps(dossiers(services)[0]["authentication"]).count(ANNA) == 1  # for parties
