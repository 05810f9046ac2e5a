"""Citizen sessions: rotated at login, ended by the idle and the absolute timeout, and logout."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from litestar.testing import TestClient
from tests.accounts.conftest import APP_URL, LogIn, citizen_rows
from tests.oidc.provider import CITIZEN_CLIENT_ID, Provider
from tests.web.conftest import Clock

from formkit.accounts import Citizen
from formkit.web.services import Services

HOME = "/mijn-dossiers"


def logged_in(client: TestClient[Any]) -> bool:
    return "Welkom" in client.get(HOME).text


def csrf_of(html: str) -> str:
    found = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_logging_in_again_rotates_the_session(
    client: TestClient[Any], log_in_citizen: LogIn, services: Services
) -> None:
    log_in_citizen("anna")
    first = client.cookies["formkit-citizen"]
    log_in_citizen("jan")
    second = client.cookies["formkit-citizen"]
    assert second != first
    assert [row["name"] for row in citizen_rows(services)] == ["Jan Janssens"]
    client.cookies.set("formkit-citizen", first)
    assert not logged_in(client)


def test_a_session_idle_longer_than_the_idle_timeout_ends(
    client: TestClient[Any], log_in_citizen: LogIn, clock: Clock, services: Services
) -> None:
    idle = services.settings.citizen_idle_timeout
    log_in_citizen("anna")
    for _ in range(3):  # each request moves the idle limit on
        clock.now += idle - timedelta(seconds=1)
        assert logged_in(client)
    clock.now += idle
    assert not logged_in(client)
    assert citizen_rows(services) == []  # removed when found expired


def test_a_session_ends_at_the_absolute_timeout_however_busy(
    client: TestClient[Any], log_in_citizen: LogIn, clock: Clock, services: Services
) -> None:
    settings = services.settings
    log_in_citizen("anna")
    started = clock.now
    step = settings.citizen_idle_timeout / 2
    while clock.now + step < started + settings.citizen_absolute_timeout:
        clock.now += step
        assert logged_in(client)
    clock.now = started + settings.citizen_absolute_timeout
    assert not logged_in(client)


def test_logging_out_ends_the_session_here_and_at_the_provider(
    client: TestClient[Any], log_in_citizen: LogIn, services: Services, provider: Provider
) -> None:
    log_in_citizen("anna")
    cookie = client.cookies["formkit-citizen"]
    token = csrf_of(client.get(HOME).text)
    response = client.post("/mijn-dossiers/afmelden", data={"_csrf": token}, follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/session/end"
    assert parse_qs(target.query) == {
        "client_id": [CITIZEN_CLIENT_ID],
        "post_logout_redirect_uri": [f"{APP_URL}/mijn-dossiers/afgemeld"],
    }
    assert citizen_rows(services) == []
    client.cookies.set("formkit-citizen", cookie)
    assert not logged_in(client)
    assert "U bent afgemeld" in client.get("/mijn-dossiers/afgemeld").text


def test_logging_out_needs_the_pages_csrf_token(
    client: TestClient[Any], log_in_citizen: LogIn, services: Services
) -> None:
    log_in_citizen("anna")
    response = client.post("/mijn-dossiers/afmelden", data={"_csrf": "geraden"})
    assert response.status_code == 403
    assert len(citizen_rows(services)) == 1
    assert logged_in(client)


def test_purging_removes_only_sessions_past_a_limit(services: Services, clock: Clock) -> None:
    sessions = services.citizens.sessions
    citizen = Citizen("s", "Anna Peeters", "85073003328", "")
    gone = sessions.start(citizen)
    clock.now += services.settings.citizen_idle_timeout / 2
    kept = sessions.start(citizen)
    clock.now += services.settings.citizen_idle_timeout / 2
    assert sessions.store.purge(clock.now) == 1
    assert sessions.current(gone) is None
    found = sessions.current(kept)
    assert found is not None
    assert found.principal == citizen
