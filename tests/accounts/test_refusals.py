"""Refused logins: each gets a page saying why, status 400, and no session.

Tokens the provider would never issue reach the app the way an attacker would place them: in
the token endpoint's answer, swapped on the way (`Substitute`), the provider itself untouched.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey
from litestar.testing import TestClient
from tests.accounts.conftest import Substitute, callback_url, come_back, resigned, session_rows
from tests.oidc.provider import KID, Provider

from formkit.web.services import Services


@pytest.fixture
def staff_http(substitute: Substitute) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=substitute)


def assert_refused(response: httpx.Response, title: str, services: Services) -> None:
    assert response.status_code == 400, response.text
    assert title in response.text
    assert "U bent niet aangemeld" in response.text
    assert session_rows(services) == []
    assert not any(c.startswith("formkit-staff=") for c in response.headers.get_list("set-cookie"))


def test_a_callback_with_another_state_is_refused(
    client: TestClient[Any], browser: httpx.Client, services: Services
) -> None:
    url = callback_url(client, browser, "an")
    response = come_back(client, url.replace("state=", "state=x"))
    assert_refused(response, "Deze aanmelding is niet meer geldig", services)


def test_a_callback_in_a_browser_that_did_not_start_the_login_is_refused(
    client: TestClient[Any], browser: httpx.Client, services: Services
) -> None:
    url = callback_url(client, browser, "an")
    client.cookies.clear()
    assert_refused(come_back(client, url), "Deze aanmelding is niet meer geldig", services)


def test_a_replayed_code_is_refused_by_the_provider_and_starts_no_session(
    client: TestClient[Any], browser: httpx.Client, services: Services
) -> None:
    url = callback_url(client, browser, "an")
    pending = client.cookies["formkit-staff-login"]
    assert come_back(client, url).status_code == 303
    [first] = session_rows(services)
    client.cookies.clear()
    client.cookies.set("formkit-staff-login", pending)  # the attacker kept it too
    response = come_back(client, url)
    assert response.status_code == 400
    assert "Deze aanmelding werd al gebruikt" in response.text
    assert session_rows(services) == [first]


@pytest.mark.parametrize(
    ("change", "title"),
    [
        ({"aud": "een-andere-toepassing"}, "Deze aanmelding is niet voor ons bestemd"),
        ({"iss": "http://127.0.0.1:9/"}, "Deze aanmelding komt niet van onze identiteitsprovider"),
        ({"exp": int(time.time()) - 3600}, "Deze aanmelding is verlopen"),
        ({"iat": int(time.time()) + 3600}, "Deze aanmelding is verlopen"),
    ],
    ids=["audience", "issuer", "expired", "issued-later"],
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
    response = come_back(client, callback_url(client, browser, "an"))
    assert_refused(response, title, services)


def test_a_token_signed_with_another_key_is_refused(
    client: TestClient[Any], browser: httpx.Client, services: Services, substitute: Substitute
) -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": KID})  # the provider's kid, not key
    substitute.edit = lambda token: resigned(token, forger)
    response = come_back(client, callback_url(client, browser, "an"))
    assert_refused(response, "Deze aanmelding is niet echt", services)


def test_a_token_of_an_earlier_login_is_refused_for_its_nonce(
    client: TestClient[Any], browser: httpx.Client, services: Services, substitute: Substitute
) -> None:
    come_back(client, callback_url(client, browser, "an"))
    [earlier] = substitute.issued  # valid, signed by the provider, for formkit: but not now
    client.cookies.clear()
    with services.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM staff_session")
    substitute.edit = lambda token: earlier
    response = come_back(client, callback_url(client, browser, "an"))
    assert_refused(response, "Deze aanmelding hoort niet bij deze poging", services)


def test_a_redirect_naming_another_issuer_is_refused(
    client: TestClient[Any], browser: httpx.Client, services: Services
) -> None:
    """A code from another provider, sent to ours, would be a mix-up attack (RFC 9207)."""
    url = callback_url(client, browser, "an")
    response = come_back(client, url.replace("iss=", "iss=x"))
    assert_refused(response, "Deze aanmelding komt niet van onze identiteitsprovider", services)


def test_a_token_for_several_audiences_must_be_issued_to_us(
    client: TestClient[Any],
    browser: httpx.Client,
    services: Services,
    substitute: Substitute,
    provider: Provider,
) -> None:
    substitute.edit = lambda token: resigned(
        token, provider.key, aud=["een-andere-toepassing", "formkit"], azp="een-andere-toepassing"
    )
    response = come_back(client, callback_url(client, browser, "an"))
    assert_refused(response, "Deze aanmelding is niet voor ons bestemd", services)
