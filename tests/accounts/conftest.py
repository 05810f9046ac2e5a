"""Staff logging in: the app as a client of a real OpenID Connect provider on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.oidc.provider import Provider, log_in, running_provider
from tests.web.conftest import Clock

from formkit.forms.catalogue import Catalogue
from formkit.settings import Settings
from formkit.store import _tables as t
from formkit.web.app import create_app
from formkit.web.services import Services

APP_URL = "http://127.0.0.1:8000"
CALLBACK = f"{APP_URL}/behandeling/terug"


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    with running_provider(APP_URL) as running:
        yield running


@pytest.fixture
def clock() -> Clock:
    """Real time to begin with: the provider signs with its own clock. Tests move it on."""
    return Clock(datetime.now(UTC))


@pytest.fixture
def settings(database_url: str, tmp_path: Path, provider: Provider) -> Settings:
    return service_settings(tmp_path, database_url, **provider.settings(APP_URL))


@pytest.fixture
def staff_http() -> httpx.AsyncClient | None:
    """How the app reaches the provider: directly, unless a test puts something between."""
    return None


@pytest.fixture
def services(
    settings: Settings, clock: Clock, catalogue: Catalogue, staff_http: httpx.AsyncClient | None
) -> Iterator[Services]:
    built = Services.build(settings, clock=clock, catalogue=catalogue, staff_http=staff_http)
    yield built
    built.engine.dispose()  # a test without the app's lifespan leaves no connection open


@pytest.fixture
def client(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services.settings, services), base_url=APP_URL) as test_client:
        yield test_client


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    """The staff member's browser at the provider's pages (its own cookies)."""
    with httpx.Client(follow_redirects=False, timeout=30) as at_provider:
        yield at_provider


def start_login(client: TestClient[Any]) -> httpx.Response:
    response = client.get("/behandeling/aanmelden", follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def callback_url(client: TestClient[Any], browser: httpx.Client, login: str) -> str:
    """Start a login at formkit and sign in at the provider: the callback URL to visit."""
    started = start_login(client)
    return log_in(browser, started.headers["location"], login, CALLBACK)


def come_back(client: TestClient[Any], url: str) -> httpx.Response:
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


LogIn = Callable[[str], httpx.Response]


@pytest.fixture
def log_in_as(client: TestClient[Any]) -> LogIn:
    """Log in as `login` from a browser new to the provider (it would remember the last one)."""

    def run(login: str) -> httpx.Response:
        with httpx.Client(follow_redirects=False, timeout=30) as browser:
            return come_back(client, callback_url(client, browser, login))

    return run


def session_rows(services: Services) -> list[Any]:
    with services.engine.connect() as connection:
        return list(connection.execute(sa.select(t.StaffSession.__table__)).mappings())  # type: ignore[attr-defined]
