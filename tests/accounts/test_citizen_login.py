"""Citizens logging in at the federal authentication service (here: the test provider as FAS).

The session holds who logged in, their national number and the level of their login; the
database holds the number only as a keyed hash and sealed under the browser's session id.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import TestClient
from tests.accounts.conftest import (
    CITIZEN_CALLBACK,
    LogIn,
    citizen_rows,
    session_rows,
    start_login,
)
from tests.oidc.provider import CITIZEN_CLIENT_ID, CITIZENS, Provider

from formkit.accounts import data_key, hash_id, unseal
from formkit.web.services import Services

HOME = "/mijn-dossiers"


def test_an_anonymous_citizen_reads_how_logging_in_works(client: TestClient[Any]) -> None:
    page = client.get(HOME)
    assert page.status_code == 200
    assert "federale authenticatiedienst" in page.text
    assert "Aanmelden met eID of itsme" in page.text
    assert 'href="/mijn-dossiers/aanmelden"' in page.text
    assert "Welkom" not in page.text


def test_the_login_asks_fas_for_a_code_with_pkce_state_and_nonce(client: TestClient[Any]) -> None:
    location = start_login(client, "/mijn-dossiers/aanmelden").headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CITIZEN_CLIENT_ID]
    assert query["redirect_uri"] == [CITIZEN_CALLBACK]
    assert query["scope"] == ["openid profile egovnrn"]
    assert query["code_challenge_method"] == ["S256"]
    assert all(len(query[name][0]) >= 43 for name in ("state", "nonce", "code_challenge"))


@pytest.mark.parametrize(
    ("login", "name", "masked", "level"),
    [
        ("anna", "Anna Peeters", "85.07.30-***.**", "hoog (met uw eID-kaart of itsme)"),
        ("jan", "Jan Janssens", "90.01.01-***.**", "substantieel"),
    ],
)
def test_a_citizen_logs_in_and_sees_their_name_masked_number_and_level(
    client: TestClient[Any], log_in_citizen: LogIn, login: str, name: str, masked: str, level: str
) -> None:
    back = log_in_citizen(login)
    assert back.status_code == 303, back.text
    assert back.headers["location"] == HOME
    page = client.get(HOME)
    assert page.status_code == 200
    assert f"Welkom, <strong>{name}</strong>" in page.text
    assert masked in page.text
    assert level in page.text
    assert CITIZENS[login]["egovNRN"] not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_the_logout_form_may_send_the_browser_on_to_the_provider(
    client: TestClient[Any], provider: Provider
) -> None:
    """A browser holds a form's redirects to `form-action` too: logging out ends at FAS."""
    policy = client.get(HOME).headers["content-security-policy"]
    assert f"form-action 'self' {provider.issuer};" in policy


def test_the_session_keeps_the_number_only_hashed_and_sealed_under_the_browsers_id(
    client: TestClient[Any], log_in_citizen: LogIn, services: Services
) -> None:
    back = log_in_citizen("anna")
    [cookie] = [c for c in back.headers.get_list("set-cookie") if c.startswith("formkit-citizen=")]
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax", "path=/"} <= attributes
    session_id = cookie.split(";")[0].split("=", 1)[1]
    [row] = citizen_rows(services)
    number = CITIZENS["anna"]["egovNRN"]
    assert row["id_hash"] == hashlib.sha256(session_id.encode()).hexdigest()
    assert row["name"] == "Anna Peeters"
    assert row["level"] == CITIZENS["anna"]["acr"]
    assert number not in str(dict(row))
    assert session_id not in str(dict(row))
    expected_key = hmac.new(
        services.secret, b"formkit-national-number\x00" + number.encode(), "sha256"
    )
    assert row["national_number_key"] == expected_key.hexdigest()
    # Only the browser's session id opens the sealed identity; a copy of the table does not.
    opened = unseal(data_key(session_id), row["identity_sealed"], row["id_hash"])
    assert opened is not None
    assert number in opened
    assert unseal(data_key("geraden"), row["identity_sealed"], row["id_hash"]) is None
    assert unseal(data_key(session_id), row["identity_sealed"], hash_id("ander")) is None
    assert session_rows(services) == []  # not a staff session
    assert client.get("/behandeling/", follow_redirects=False).status_code == 303


def test_a_citizen_the_provider_gives_no_national_number_is_refused(
    client: TestClient[Any], log_in_citizen: LogIn, services: Services
) -> None:
    response = log_in_citizen("zonder-nummer")
    assert response.status_code == 400
    assert "Deze aanmelding is onvolledig" in response.text
    assert "U bent niet aangemeld" in response.text
    assert citizen_rows(services) == []
    assert "Welkom" not in client.get(HOME).text


def test_a_staff_session_is_no_citizen_session(
    client: TestClient[Any], log_in_as: LogIn, services: Services
) -> None:
    log_in_as("an")
    assert "Welkom" not in client.get(HOME).text
    assert citizen_rows(services) == []
