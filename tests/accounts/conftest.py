"""Staff and citizens logging in: the app as a client of a real OpenID Connect provider on
loopback (staff as the city's provider, citizens as FAS would log them in)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from joserfc import jws, jwt
from joserfc.jwk import RSAKey
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.oidc.provider import KID, Provider, log_in, running_provider
from tests.web.conftest import Clock

from formkit.forms.catalogue import Catalogue
from formkit.settings import Settings
from formkit.store import _tables as t
from formkit.web.app import create_app
from formkit.web.services import Services

APP_URL = "http://127.0.0.1:8000"
CALLBACK = f"{APP_URL}/behandeling/terug"
CITIZEN_CALLBACK = f"{APP_URL}/mijn-dossiers/terug"


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
def citizen_http() -> httpx.AsyncClient | None:
    """How the app reaches the citizens' provider: directly, unless a test puts something
    between."""
    return None


@pytest.fixture
def services(
    settings: Settings,
    clock: Clock,
    catalogue: Catalogue,
    staff_http: httpx.AsyncClient | None,
    citizen_http: httpx.AsyncClient | None,
) -> Iterator[Services]:
    built = Services.build(
        settings,
        clock=clock,
        catalogue=catalogue,
        staff_http=staff_http,
        citizen_http=citizen_http,
    )
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


def start_login(client: TestClient[Any], path: str = "/behandeling/aanmelden") -> httpx.Response:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def callback_url(client: TestClient[Any], browser: httpx.Client, login: str) -> str:
    """Start a login at formkit and sign in at the provider: the callback URL to visit."""
    started = start_login(client)
    return log_in(browser, started.headers["location"], login, CALLBACK)


def citizen_callback_url(client: TestClient[Any], browser: httpx.Client, login: str) -> str:
    """The same for a citizen, from /mijn-dossiers/aanmelden."""
    started = start_login(client, "/mijn-dossiers/aanmelden")
    return log_in(browser, started.headers["location"], login, CITIZEN_CALLBACK)


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


@pytest.fixture
def log_in_citizen(client: TestClient[Any]) -> LogIn:
    """Log in as the test citizen `login`, from a browser new to the provider."""

    def run(login: str) -> httpx.Response:
        with httpx.Client(follow_redirects=False, timeout=30) as browser:
            return come_back(client, citizen_callback_url(client, browser, login))

    return run


def session_rows(services: Services) -> list[Any]:
    with services.engine.connect() as connection:
        return list(connection.execute(sa.select(t.StaffSession.__table__)).mappings())  # type: ignore[attr-defined]


def citizen_rows(services: Services) -> list[Any]:
    with services.engine.connect() as connection:
        return list(connection.execute(sa.select(t.CitizenSession.__table__)).mappings())  # type: ignore[attr-defined]


Edit = Callable[[str], str]


class Substitute(httpx.AsyncBaseTransport):
    """Passes everything to the provider, and lets a test swap the ID token it answers.

    Tokens the provider would never issue reach the app the way an attacker would place
    them: in the token endpoint's answer, the provider itself untouched.
    """

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.edit: Edit = lambda token: token
        self.issued: list[str] = []  # the ID tokens the provider really sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path != "/token" or response.status_code != 200:
            return response
        body = json.loads(await response.aread())
        self.issued.append(body["id_token"])
        body["id_token"] = self.edit(body["id_token"])
        return httpx.Response(200, json=body)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def substitute() -> Substitute:
    return Substitute()


def claims_of(token: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(jws.extract_compact(token.encode()).payload)
    return payload


def resigned(token: str, key: RSAKey, **changes: Any) -> str:
    return jwt.encode({"alg": "RS256", "kid": KID}, claims_of(token) | changes, key)
