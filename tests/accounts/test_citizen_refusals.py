"""Refused citizen logins: each gets a page saying why, status 400, and no session.

As for staff (`test_refusals`): tokens the provider would never issue are swapped into the
token endpoint's answer on the way (`Substitute`), the provider itself untouched.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey
from litestar.testing import TestClient
from tests.accounts.conftest import (
    Substitute,
    citizen_callback_url,
    citizen_rows,
    come_back,
    resigned,
    start_login,
)
from tests.oidc.provider import KID, Provider

from formkit.web.services import Services


@pytest.fixture
def citizen_http(substitute: Substitute) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=substitute)


def assert_refused(response: httpx.Response, title: str, services: Services) -> None:
    assert response.status_code == 400, response.text
    assert title in response.text
    assert "U bent niet aangemeld" in response.text
    assert citizen_rows(services) == []
    cookies = response.headers.get_list("set-cookie")
    assert not any(c.startswith("formkit-citizen=") for c in cookies)
    assert any(c.startswith("formkit-citizen-login=") and "Max-Age=0" in c for c in cookies)


@pytest.mark.parametrize(
    ("change", "title"),
    [
        ({"aud": "een-andere-toepassing"}, "Deze aanmelding is niet voor ons bestemd"),
        ({"iss": "http://127.0.0.1:9/"}, "Deze aanmelding komt niet van onze identiteitsprovider"),
        ({"exp": int(time.time()) - 3600}, "Deze aanmelding is verlopen"),
        ({"egovNRN": "85073003329"}, "Deze aanmelding is onvolledig"),  # a wrong check digit
    ],
    ids=["audience", "issuer", "expired", "invalid-national-number"],
)
def test_a_token_the_provider_signed_with_wrong_claims_is_refused(
    change: dict[str, Any],
    title: str,
    client: TestClient[Any],
    browser: httpx.Client,
    services: Services,
    substitute: Substitute,
    provider: Provider,
) -> None:
    substitute.edit = lambda token: resigned(token, provider.key, **change)
    response = come_back(client, citizen_callback_url(client, browser, "anna"))
    assert_refused(response, title, services)


def test_a_token_signed_with_another_key_is_refused(
    client: TestClient[Any], browser: httpx.Client, services: Services, substitute: Substitute
) -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": KID})  # the provider's kid, not key
    substitute.edit = lambda token: resigned(token, forger)
    response = come_back(client, citizen_callback_url(client, browser, "anna"))
    assert_refused(response, "Deze aanmelding is niet echt", services)


def test_a_token_of_an_earlier_login_is_refused_for_its_nonce(
    client: TestClient[Any], browser: httpx.Client, services: Services, substitute: Substitute
) -> None:
    come_back(client, citizen_callback_url(client, browser, "anna"))
    [earlier] = substitute.issued  # valid, signed by the provider, for formkit: but not now
    client.cookies.clear()
    with services.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM citizen_session")
    substitute.edit = lambda token: earlier
    response = come_back(client, citizen_callback_url(client, browser, "anna"))
    assert_refused(response, "Deze aanmelding hoort niet bij deze poging", services)


def test_a_replayed_code_is_refused_by_the_provider_and_starts_no_session(
    client: TestClient[Any], browser: httpx.Client, services: Services
) -> None:
    url = citizen_callback_url(client, browser, "anna")
    pending = client.cookies["formkit-citizen-login"]
    assert come_back(client, url).status_code == 303
    [first] = citizen_rows(services)
    client.cookies.clear()
    client.cookies.set("formkit-citizen-login", pending)  # the attacker kept it too
    response = come_back(client, url)
    assert response.status_code == 400
    assert "Deze aanmelding werd al gebruikt" in response.text
    assert citizen_rows(services) == [first]


def test_a_callback_with_another_state_is_refused(
    client: TestClient[Any], browser: httpx.Client, services: Services
) -> None:
    url = citizen_callback_url(client, browser, "anna")
    response = come_back(client, url.replace("state=", "state=x"))
    assert_refused(response, "Deze aanmelding is niet meer geldig", services)


def test_a_staff_login_under_way_cannot_finish_a_citizen_login(
    client: TestClient[Any], services: Services
) -> None:
    """The login cookies are sealed for their kind: the staff one's state opens no citizen
    login, even handed in under the citizen cookie's name."""
    started = start_login(client)  # the staff login
    state = dict(p.split("=", 1) for p in started.headers["location"].split("?")[1].split("&"))
    client.cookies.set("formkit-citizen-login", client.cookies["formkit-staff-login"])
    response = client.get(
        f"/mijn-dossiers/terug?code=x&state={state['state']}", follow_redirects=False
    )
    assert_refused(response, "Deze aanmelding is niet meer geldig", services)
