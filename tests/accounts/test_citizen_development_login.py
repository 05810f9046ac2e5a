"""`make run`'s development login for citizens: test citizens on loopback without FAS only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import service_settings

from formkit.settings import Settings, SettingsError
from formkit.web.app import create_app
from formkit.web.services import Services


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return service_settings(tmp_path, database_url)  # 127.0.0.1, no citizen issuer


def offered(client: TestClient[Any]) -> str:
    page = client.get("/mijn-dossiers/aanmelden")
    assert page.status_code == 200
    found = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_on_loopback_without_fas_a_developer_logs_in_as_a_test_citizen(
    client: TestClient[Any],
) -> None:
    assert "Aanmelden met eID of itsme" in client.get("/mijn-dossiers").text
    page = client.get("/mijn-dossiers/aanmelden")
    assert "Ontwikkelaarsaanmelding voor burgers" in page.text
    assert "Alleen voor ontwikkeling" in page.text
    response = client.post(
        "/mijn-dossiers/aanmelden", data={"_csrf": offered(client), "burger": "anna"}
    )
    assert response.status_code == 200
    assert "Welkom, <strong>Anna Peeters</strong>" in response.text
    assert "85.07.30-***.**" in response.text
    assert "hoog (met uw eID-kaart of itsme)" in response.text


def test_a_citizen_not_in_the_list_is_refused(client: TestClient[Any]) -> None:
    response = client.post(
        "/mijn-dossiers/aanmelden", data={"_csrf": offered(client), "burger": "koning"}
    )
    assert response.status_code == 400
    assert "formkit-citizen" not in client.cookies


def test_a_server_others_can_reach_offers_no_citizen_login_without_fas(
    database_url: str, tmp_path: Path
) -> None:
    settings = service_settings(tmp_path, database_url, public_url="https://loket.mechelen.be")
    services = Services.build(settings)
    with TestClient(create_app(settings, services), base_url="http://127.0.0.1:8000") as client:
        home = client.get("/mijn-dossiers")
        assert "Aanmelden is hier nog niet mogelijk" in home.text
        assert "Aanmelden met eID of itsme" not in home.text
        assert client.get("/mijn-dossiers/aanmelden").status_code == 503
        posted = client.post("/mijn-dossiers/aanmelden", data={"burger": "anna"})
        assert posted.status_code == 403
        assert not any("formkit-citizen" in name for name in client.cookies)


def test_over_https_the_cookie_is_host_prefixed_and_secure(
    database_url: str, tmp_path: Path
) -> None:
    settings = service_settings(tmp_path, database_url, public_url="https://127.0.0.1:8443")
    services = Services.build(settings)
    with TestClient(create_app(settings, services), base_url="https://127.0.0.1:8443") as client:
        response = client.post(
            "/mijn-dossiers/aanmelden",
            data={"_csrf": offered(client), "burger": "jan"},
            follow_redirects=False,
        )
    [cookie] = [c for c in response.headers.get_list("set-cookie") if "formkit-citizen=" in c]
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert cookie.startswith("__Host-formkit-citizen=")
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= attributes
    assert not any(a.startswith("domain") for a in attributes)


def test_fas_needs_a_client_id_and_secret() -> None:
    with pytest.raises(SettingsError, match="FORMKIT_CITIZEN_CLIENT_ID"):
        Settings.from_env({"FORMKIT_CITIZEN_ISSUER": "https://idp.iamfas.belgium.be/fas/oauth2"})
