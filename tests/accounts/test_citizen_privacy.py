"""The national register number appears in no URL, Location header, page title or log record
while a citizen logs in, looks at their page, fails to log in, and logs out."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from tests.accounts.conftest import citizen_callback_url, come_back
from tests.oidc.provider import CITIZENS

NUMBER = str(CITIZENS["anna"]["egovNRN"])
SPELLINGS = (NUMBER, "85.07.30-033.28", "850730-033-28", "033.28")  # also the hidden part alone


@pytest.fixture
def seen() -> list[httpx.Response]:
    return []


@pytest.fixture
def browser(seen: list[httpx.Response]) -> Iterator[httpx.Client]:
    """The citizen's browser at the provider's pages, keeping every answer it gets."""
    with httpx.Client(
        follow_redirects=False, timeout=30, event_hooks={"response": [seen.append]}
    ) as at_provider:
        yield at_provider


def test_the_national_number_is_in_no_url_location_title_or_log_record(
    client: TestClient[Any],
    browser: httpx.Client,
    seen: list[httpx.Response],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ours: list[httpx.Response] = []
    back = come_back(client, citizen_callback_url(client, browser, "anna"))
    ours.append(back)
    page = client.get("/mijn-dossiers")
    ours.append(page)
    assert "85.07.30-***.**" in page.text  # it is this citizen's page, masked
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert token
    ours.append(client.post("/mijn-dossiers/afmelden", data={"_csrf": token.group(1)}))
    ours.append(
        come_back(
            client, citizen_callback_url(client, browser, "anna").replace("state=", "state=x")
        )
    )
    ours.append(client.get("/mijn-dossiers/afgemeld"))
    for response in ours + seen:
        urls = [str(response.url), *(r.url for r in response.history)]
        headers = [value for _, value in response.headers.multi_items()]
        titles = re.findall(r"<title>(.*?)</title>", response.text, re.S)
        for text in [*map(str, urls), *headers, *titles]:
            assert not any(spelling in text for spelling in SPELLINGS), text
    assert caplog.records, "the login logs what happened"
    for record in caplog.records:
        assert not any(spelling in record.getMessage() for spelling in SPELLINGS), record
