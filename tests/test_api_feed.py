"""The change feed through the app, on SQLite and PostgreSQL: a key catches up on its own
forms' events by following `next_url`, sees what the dossier's events show, and a made-up
cursor or limit is refused as a problem."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient
from tests.conftest import NOW, service_settings
from tests.handling.test_feed import WAIT
from tests.test_api import auth, problem
from tests.test_api_handling import acted, filed

from formkit.forms.catalogue import Catalogue
from formkit.handling.actions import FindAdmissible, RefusedError
from formkit.handling.events import Actor, ActorKind
from formkit.web.services import Services

ADVISER = Actor(ActorKind.STAFF, "sub-bw", "Bert Wouters", "brandweer")


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    settings = service_settings(tmp_path, database_url)
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


@pytest.fixture
def handler(services: Services) -> str:
    """A back-office system's key: reads and handles the evenement forms, nothing else."""
    return services.api_keys.create("backoffice", ["evenement"], ["read", "handle"])[1]


def caught_up(
    client: TestClient[Any], token: str, expected: int, url: str = "/api/v1/events?limit=2"
) -> tuple[list[dict[str, Any]], str]:
    """Follow `next_url` while `more`; then poll it until `expected` events came (PostgreSQL
    holds events back while an older write transaction on the server runs)."""
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + WAIT
    while True:
        page = client.get(url, headers=auth(token)).json()
        assert len(page["events"]) <= 2
        events += page["events"]
        next_url = urlsplit(page["next_url"])
        url = f"{next_url.path}?{next_url.query}"
        if not page["more"] and (len(events) >= expected or time.monotonic() > deadline):
            return events, url
        if not page["more"]:
            time.sleep(0.05)


def test_a_key_catches_up_on_its_forms_events_in_order(
    services: Services, client: TestClient[Any], token: str, handler: str
) -> None:
    first, second = filed(client, token), filed(client, token)
    acted(client, handler, second, action="admissible", **{"Idempotency-Key": "k1"})
    acted(client, handler, first, action="assign", official="sub-an", name="An Peeters")
    other = services.api_keys.create("other", ["bouwaanvraag"], ["read"])[1]
    events, following = caught_up(client, handler, 4)
    seen = [(e["number"], e["version"], e["kind"]) for e in events]
    assert seen == [
        (first, 1, "ingediend"),
        (second, 1, "ingediend"),
        (second, 2, "found-admissible"),
        (first, 2, "assigned"),
    ]
    assert events[2]["data"] == {"track": "vergunning"}  # the idempotency key stays inside
    assert events[3]["actor"] == {"kind": "integration", "name": "backoffice", "department": None}
    assert events[0]["form"] == "evenement"
    assert events[0]["url"].endswith(f"/api/v1/dossiers/{first}")
    own = client.get(f"/api/v1/dossiers/{second}/events", headers=auth(handler)).json()
    assert [{k: e[k] for k in own["events"][0]} for e in events[1:3]] == own["events"]
    assert caught_up(client, other, 0)[0] == []  # no bouwaanvraag filed
    with pytest.raises(RefusedError):  # recorded nothing, so nothing in the feed
        services.handling.act(second, FindAdmissible(), ADVISER, NOW)
    acted(client, handler, first, action="admissible")
    later, _ = caught_up(client, handler, 1, following)
    assert [(e["number"], e["version"], e["kind"]) for e in later] == [
        (first, 3, "found-admissible")
    ]


@pytest.mark.parametrize("query", ["after=x", "after=MS41=", "limit=0", "limit=201", "limit=a"])
def test_a_made_up_cursor_or_limit_is_refused(
    client: TestClient[Any], handler: str, query: str
) -> None:
    problem(client.get(f"/api/v1/events?{query}", headers=auth(handler)), 400, "malformed-request")


def test_the_feed_needs_a_key_with_the_read_scope(
    services: Services, client: TestClient[Any]
) -> None:
    problem(client.get("/api/v1/events"), 401, "unauthenticated")
    writer = services.api_keys.create("writer", ["evenement"], ["write"])[1]
    problem(client.get("/api/v1/events", headers=auth(writer)), 403, "forbidden")
