"""A real OpenID Connect provider (the npm package oidc-provider) on loopback, for the tests.

Its signing key is made here, so that tests can also sign tokens as the provider would with
claims it would never issue (another audience, an expired token): the relying party must
refuse those for the claims alone.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
from joserfc.jwk import RSAKey
from tests.live import START_TIMEOUT, free_port

HERE = Path(__file__).resolve().parent
CLIENT_ID = "formkit"
CLIENT_SECRET = "geheim-geheim-geheim-geheim-geheim-0123"
# Formkit as the citizens' provider (FAS) knows it: another client of the same test provider.
CITIZEN_CLIENT_ID = "formkit-burgers"
CITIZEN_CLIENT_SECRET = "burgergeheim-burgergeheim-burgergeheim-42"
KID = "provider-1"
EID_LEVEL = "urn:be:fedict:iam:fas:Level500"
APP_LEVEL = "urn:be:fedict:iam:fas:Level400"
# The test staff and the groups the provider puts in their ID token.
STAFF = {
    "an": {"name": "An Peeters", "groups": ["omgeving-team"]},
    "bert": {"name": "Bert Claes", "groups": ["college", "sportclub"]},
}
# The test citizens, with the claims FAS releases (national number, names) and their level.
CITIZENS = {
    "anna": {
        "givenName": "Anna",
        "surname": "Peeters",
        "egovNRN": "85073003328",
        "acr": EID_LEVEL,
    },
    "jan": {"givenName": "Jan", "surname": "Janssens", "egovNRN": "90010100123", "acr": APP_LEVEL},
    "zonder-nummer": {"givenName": "Piet", "surname": "Pieters", "acr": EID_LEVEL},
}
ACCOUNTS = STAFF | CITIZENS
ROLES = (
    '{"omgeving-team": ["behandelaar:bouwaanvraag", "adviseur:omgeving"], "college": ["beslisser"]}'
)


@dataclass(frozen=True)
class Provider:
    issuer: str
    key: RSAKey  # the private signing key the provider publishes in its JWKS

    def settings(self, app_url: str) -> dict[str, Any]:
        """The formkit settings that make `app_url` a client of this provider."""
        return {
            "public_url": app_url,
            "staff_issuer": self.issuer,
            "staff_client_id": CLIENT_ID,
            "staff_client_secret": CLIENT_SECRET,
            "staff_roles": ROLES,
            "staff_scope": "openid profile groups",
            "citizen_issuer": self.issuer,
            "citizen_client_id": CITIZEN_CLIENT_ID,
            "citizen_client_secret": CITIZEN_CLIENT_SECRET,
        }


@contextmanager
def running_provider(app_url: str) -> Iterator[Provider]:
    """The provider on a free loopback port, knowing formkit at `app_url` as its client."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
    config = {
        "port": port,
        "issuer": issuer,
        "jwks": {"keys": [key.as_dict(private=True)]},
        "accounts": ACCOUNTS,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{app_url}/behandeling/terug"],
                "post_logout_redirect_uris": [f"{app_url}/behandeling/afgemeld"],
            },
            {
                "client_id": CITIZEN_CLIENT_ID,
                "client_secret": CITIZEN_CLIENT_SECRET,
                "redirect_uris": [f"{app_url}/mijn-dossiers/terug"],
                "post_logout_redirect_uris": [f"{app_url}/mijn-dossiers/afgemeld"],
                # oidc-provider puts acr in an ID token only when asked for; FAS always does.
                "default_acr_values": [EID_LEVEL, APP_LEVEL],
            },
        ],
    }
    environment = {**os.environ, "OIDC_CONFIG": json.dumps(config)}
    process = subprocess.Popen(
        ["node", str(HERE / "provider.js")],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        _wait_until_listening(process)
        yield Provider(issuer, key)
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def _wait_until_listening(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    # readline blocks; the provider prints its line within a second, or dies.
    line = process.stdout.readline()
    if not line.startswith("listening"):
        process.wait(timeout=START_TIMEOUT)
        raise RuntimeError(f"the OIDC provider did not start (exit {process.returncode})")


def log_in(browser: httpx.Client, authorization_url: str, login: str, redirect_uri: str) -> str:
    """Follow the provider's pages as a browser would, signing in as `login`, and consenting.

    Returns the URL the provider sends the browser back to (our callback, with code and state).
    """
    response = browser.get(authorization_url)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if location.startswith(redirect_uri):
                return location
            response = browser.get(location)
            continue
        action, fields = _form(response.text)
        if "login" in fields:
            fields |= {"login": login, "password": "om het even"}
        response = browser.post(urljoin(str(response.url), action), data=fields)
    raise AssertionError(f"the provider's pages did not lead back: {response.text[:500]}")


def _form(html: str) -> tuple[str, dict[str, str]]:
    parser = _FormParser()
    parser.feed(html)
    if parser.action is None:
        raise AssertionError(f"no form on the provider's page: {html[:500]}")
    return parser.action, parser.fields


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = found.get("action") or ""
        elif tag == "input" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""
