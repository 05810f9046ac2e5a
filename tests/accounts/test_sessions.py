"""Staff sessions: rotated at login, ended by the idle and the absolute timeout, and logout."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from litestar.testing import TestClient
from tests.accounts.conftest import APP_URL, LogIn, session_rows
from tests.oidc.provider import CLIENT_ID, Provider
from tests.web.conftest import Clock

from formkit.accounts import Staff
from formkit.accounts._sessions import TOUCH_EVERY
from formkit.web.services import Services

LOGGED_IN = "/behandeling/"


def logged_in(client: TestClient[Any]) -> bool:
    return client.get(LOGGED_IN, follow_redirects=False).status_code == 200


def session_cookie(client: TestClient[Any]) -> str:
    return client.cookies["formkit-staff"]


def test_logging_in_again_rotates_the_session(
    client: TestClient[Any], log_in_as: LogIn, services: Services
) -> None:
    log_in_as("an")
    first = session_cookie(client)
    log_in_as("bert")
    second = session_cookie(client)
    assert second != first
    assert [row["subject"] for row in session_rows(services)] == ["bert"]
    client.cookies.set("formkit-staff", first)
    assert not logged_in(client)


def test_a_session_idle_longer_than_the_idle_timeout_ends(
    client: TestClient[Any], log_in_as: LogIn, clock: Clock, services: Services
) -> None:
    idle = services.settings.staff_idle_timeout
    log_in_as("an")
    for _ in range(3):  # each request moves the idle limit on
        clock.now += idle - timedelta(seconds=1)
        assert logged_in(client)
    clock.now += idle
    assert not logged_in(client)
    assert session_rows(services) == []  # removed when found expired


def test_requests_moments_apart_move_the_idle_limit_once(
    client: TestClient[Any], log_in_as: LogIn, clock: Clock, services: Services
) -> None:
    log_in_as("an")
    (row,) = session_rows(services)
    clock.now += TOUCH_EVERY - timedelta(seconds=1)
    assert logged_in(client)
    assert session_rows(services)[0]["idle_expires"] == row["idle_expires"]  # no write
    clock.now += timedelta(seconds=1)
    assert logged_in(client)
    assert session_rows(services)[0]["idle_expires"] > row["idle_expires"]


def test_a_session_ends_at_the_absolute_timeout_however_busy(
    client: TestClient[Any], log_in_as: LogIn, clock: Clock, services: Services
) -> None:
    settings = services.settings
    log_in_as("an")
    started = clock.now
    while clock.now + settings.staff_idle_timeout / 2 < started + settings.staff_absolute_timeout:
        clock.now += settings.staff_idle_timeout / 2
        assert logged_in(client)
    clock.now = started + settings.staff_absolute_timeout
    assert not logged_in(client)


def test_logging_out_ends_the_session_here_and_at_the_provider(
    client: TestClient[Any], log_in_as: LogIn, services: Services, provider: Provider
) -> None:
    log_in_as("an")
    cookie = session_cookie(client)
    token = csrf_of(client.get(LOGGED_IN).text)
    response = client.post("/behandeling/afmelden", data={"_csrf": token}, follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/session/end"
    assert parse_qs(target.query) == {
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": [f"{APP_URL}/behandeling/afgemeld"],
    }
    assert session_rows(services) == []
    client.cookies.set("formkit-staff", cookie)
    assert not logged_in(client)


def test_logging_out_needs_the_pages_csrf_token(
    client: TestClient[Any], log_in_as: LogIn, services: Services
) -> None:
    log_in_as("an")
    response = client.post("/behandeling/afmelden", data={"_csrf": "geraden"})
    assert response.status_code == 403
    assert len(session_rows(services)) == 1
    assert logged_in(client)


def csrf_of(html: str) -> str:
    found = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_purging_removes_only_sessions_past_a_limit(services: Services, clock: Clock) -> None:
    sessions = services.staff.sessions
    gone = sessions.start(Staff("an", "An", ()))
    clock.now += services.settings.staff_idle_timeout / 2
    kept = sessions.start(Staff("bert", "Bert", ()))
    clock.now += services.settings.staff_idle_timeout / 2
    assert sessions.store.purge(clock.now) == 1
    assert sessions.current(gone) is None
    assert sessions.current(kept) is not None
