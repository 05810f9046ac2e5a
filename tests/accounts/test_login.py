"""Logging in at the provider: the code flow end to end, and what the session looks like."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

from litestar.testing import TestClient
from tests.accounts.conftest import CALLBACK, LogIn, session_rows, start_login
from tests.oidc.provider import CLIENT_ID

from formkit.web.services import Services


def test_an_anonymous_visitor_is_sent_to_the_login(client: TestClient[Any]) -> None:
    response = client.get("/behandeling/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/behandeling/aanmelden"


def test_the_login_asks_for_a_code_with_pkce_state_and_nonce(client: TestClient[Any]) -> None:
    location = start_login(client).headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert all(len(query[name][0]) >= 43 for name in ("state", "nonce", "code_challenge"))


def test_staff_log_in_and_see_who_they_are_with_their_roles(
    client: TestClient[Any], log_in_as: LogIn
) -> None:
    back = log_in_as("an")
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/behandeling/"
    page = client.get("/behandeling/")
    assert page.status_code == 200
    assert "An Peeters" in page.text
    assert "Behandelaar van het formulier bouwaanvraag" in page.text
    assert "Adviseur voor de dienst omgeving" in page.text
    assert "Beslisser" not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_groups_the_settings_do_not_name_give_no_role(
    client: TestClient[Any], log_in_as: LogIn, services: Services
) -> None:
    log_in_as("bert")
    [row] = session_rows(services)
    assert row["roles"] == ["beslisser"]  # "sportclub" maps to nothing


def test_the_session_cookie_is_http_only_same_site_and_only_its_hash_is_kept(
    log_in_as: LogIn, services: Services
) -> None:
    back = log_in_as("an")
    cookies = back.headers.get_list("set-cookie")
    [session] = [c for c in cookies if c.startswith("formkit-staff=")]
    attributes = {part.strip().lower() for part in session.split(";")}
    assert {"httponly", "samesite=lax", "path=/"} <= attributes
    assert "secure" not in attributes  # http on loopback: a browser would drop a Secure cookie
    session_id = session.split(";")[0].split("=", 1)[1]
    [row] = session_rows(services)
    assert row["id_hash"] == hashlib.sha256(session_id.encode()).hexdigest()
    assert row["subject"] == "an"
    assert session_id not in str(dict(row))
    # The login under way is forgotten with it.
    assert any(c.startswith("formkit-staff-login=") and "Max-Age=0" in c for c in cookies)
