"""`make run`'s development login: offered on loopback without a provider, nowhere else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, Request, get
from litestar.testing import TestClient
from tests.conftest import service_settings

from formkit.settings import Settings, SettingsError
from formkit.web._staff_auth import current_staff, require_role
from formkit.web.app import create_app
from formkit.web.pages import error_response
from formkit.web.services import Services


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return service_settings(tmp_path, database_url)  # 127.0.0.1, no staff issuer


def offered(client: TestClient[Any]) -> str:
    page = client.get("/behandeling/aanmelden")
    assert page.status_code == 200
    found = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_on_loopback_without_a_provider_a_developer_chooses_a_role(
    client: TestClient[Any],
) -> None:
    page = client.get("/behandeling/aanmelden")
    assert "Ontwikkelaarsaanmelding" in page.text
    assert "Alleen voor ontwikkeling" in page.text
    response = client.post(
        "/behandeling/aanmelden", data={"_csrf": offered(client), "rol": "beslisser"}
    )
    assert response.status_code == 200
    assert "Ontwikkelaar" in response.text
    assert "Beslisser" in response.text


def test_a_role_not_in_the_list_is_refused(client: TestClient[Any]) -> None:
    response = client.post(
        "/behandeling/aanmelden", data={"_csrf": offered(client), "rol": "koning"}
    )
    assert response.status_code == 400
    assert "formkit-staff" not in client.cookies


@pytest.mark.parametrize(
    "overrides",
    [{"host": "0.0.0.0"}, {"public_url": "https://loket.mechelen.be"}],
    ids=["listening-beyond-loopback", "public-address"],
)
def test_a_server_others_can_reach_offers_no_development_login(
    database_url: str, tmp_path: Path, overrides: dict[str, str]
) -> None:
    settings = service_settings(tmp_path, database_url, **overrides)
    services = Services.build(settings)
    with TestClient(create_app(settings, services), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/behandeling/aanmelden")
        assert page.status_code == 503
        assert "Ontwikkelaarsaanmelding" not in page.text
        posted = client.post("/behandeling/aanmelden", data={"rol": "beheerder"})
        assert posted.status_code == 403
        assert "formkit-staff" not in client.cookies


@pytest.mark.parametrize(
    "headers",
    [{"host": "loket.mechelen.be"}, {"x-forwarded-for": "203.0.113.9"}, {"forwarded": "for=x"}],
    ids=["another-host", "x-forwarded-for", "forwarded"],
)
def test_a_request_through_a_proxy_gets_no_development_login(
    client: TestClient[Any], headers: dict[str, str]
) -> None:
    """A proxy in front of a server left on its loopback defaults must not open it up."""
    token = offered(client)
    assert client.get("/behandeling/aanmelden", headers=headers).status_code == 503
    posted = client.post(
        "/behandeling/aanmelden", data={"_csrf": token, "rol": "beheerder"}, headers=headers
    )
    assert posted.status_code == 403
    assert "formkit-staff" not in client.cookies


def test_over_https_the_cookie_is_host_prefixed_and_secure(
    database_url: str, tmp_path: Path
) -> None:
    settings = service_settings(tmp_path, database_url, public_url="https://127.0.0.1:8443")
    services = Services.build(settings)
    with TestClient(create_app(settings, services), base_url="https://127.0.0.1:8443") as client:
        response = client.post(
            "/behandeling/aanmelden",
            data={"_csrf": offered(client), "rol": "beheerder"},
            follow_redirects=False,
        )
    [cookie] = [c for c in response.headers.get_list("set-cookie") if "formkit-staff=" in c]
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert cookie.startswith("__Host-formkit-staff=")
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= attributes
    assert not any(a.startswith("domain") for a in attributes)


@get("/behandeling/beslissen")
async def decide_page(request: Request[Any, Any, Any]) -> str:
    staff = await require_role(request, "beslisser")
    return f"beslissen door {staff.name}"


@get("/behandeling/wie")
async def who(request: Request[Any, Any, Any]) -> str:
    staff = await current_staff(request)
    return "niemand" if staff is None else staff.subject


@pytest.fixture
def guarded(services: Services) -> Iterator[TestClient[Any]]:
    """A tiny app of handlers that use the guards, beside the staff routes."""
    from formkit.web import staff

    app = Litestar(
        [decide_page, who, staff.router(services.settings)],
        exception_handlers={Exception: error_response},
    )
    app.state.services = services
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client


def test_guards_tell_who_is_logged_in_and_refuse_a_missing_role(
    guarded: TestClient[Any],
) -> None:
    assert guarded.get("/behandeling/wie").text == "niemand"
    assert guarded.get("/behandeling/beslissen").status_code == 401
    for role, status in (("adviseur:omgeving", 403), ("beslisser", 200)):
        guarded.post("/behandeling/aanmelden", data={"_csrf": offered(guarded), "rol": role})
        assert guarded.get("/behandeling/beslissen").status_code == status
    assert guarded.get("/behandeling/wie").text == "ontwikkelaar-beslisser"


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ("[1]", "not a JSON object"),
        ('{"team": "beslisser"}', "give a list of roles"),
        ('{"team": ["koning"]}', "koning is no role"),
        ('{"team": ["behandelaar:"]}', "is no role"),
    ],
)
def test_a_wrong_role_mapping_stops_the_start(roles: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"FORMKIT_STAFF_ROLES": roles})


def test_a_provider_needs_a_client_id_and_secret() -> None:
    with pytest.raises(SettingsError, match="FORMKIT_STAFF_CLIENT_ID"):
        Settings.from_env({"FORMKIT_STAFF_ISSUER": "https://login.mechelen.be"})
