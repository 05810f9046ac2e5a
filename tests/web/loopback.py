"""The development login, which the service offers only on loopback without a provider: how
the web tests log in as the test citizens (Anna at the eID's level, Jan at an app's)."""

from __future__ import annotations

import re
from typing import Any

import httpx
from litestar.testing import TestClient

APP_URL = "http://127.0.0.1:8000"  # a client of this base URL is on loopback


def development_login(
    client: TestClient[Any], citizen: str, back: str | None = None
) -> httpx.Response:
    """Log in as `citizen` ("anna", "jan"); `back`: the page the login began on (`?terug=`).
    The answer is the login's redirect, not followed."""
    start = client.get("/mijn-dossiers/aanmelden" + (f"?terug={back}" if back else ""))
    token = re.search(r'name="_csrf" value="([^"]+)"', start.text)
    assert token is not None, start.text[:300]
    return client.post(
        "/mijn-dossiers/aanmelden",
        data={"_csrf": token.group(1), "burger": citizen},
        follow_redirects=False,
    )
