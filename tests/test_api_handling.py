"""The API for back-office systems, through the app, on SQLite and PostgreSQL: listing dossiers,
reading their handling and events, and acting on them with a `handle` key."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import NOW, answers, service_settings
from tests.test_api import auth, problem
from tests.test_api_uploads import evenement, file_json

from formkit.forms.catalogue import Catalogue
from formkit.handling.actions import Complete
from formkit.handling.deadlines import local_day
from formkit.handling.events import Actor, ActorKind
from formkit.web.app import create_app
from formkit.web.services import Services


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    settings = service_settings(tmp_path, database_url)
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


@pytest.fixture
def handler(services: Services) -> str:
    """A back-office system's key: reads and handles the evenement forms, nothing else."""
    return services.api_keys.create("backoffice", ["evenement"], ["read", "handle"])[1]


def filed(client: TestClient[Any], token: str) -> str:
    response = file_json(client, token, "evenement", evenement(client, token))
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def act(client: TestClient[Any], token: str, number: str, **body: Any) -> Any:
    headers = {name: body.pop(name) for name in ("If-Match", "Idempotency-Key") if name in body}
    return client.post(
        f"/api/v1/dossiers/{number}/actions", json=body, headers=auth(token, **headers)
    )


def acted(client: TestClient[Any], token: str, number: str, **body: Any) -> dict[str, Any]:
    response = act(client, token, number, **body)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{document["handling"]["version"]}"'
    return document


def test_a_dossier_carries_its_handling_and_its_version_as_etag(
    client: TestClient[Any], token: str
) -> None:
    number = filed(client, token)
    response = client.get(f"/api/v1/dossiers/{number}", headers=auth(token))
    assert response.headers["etag"] == '"1"'
    assert response.headers["cache-control"] == "no-store"
    document = response.json()
    handling = document["handling"]
    filed_on = local_day(datetime.fromisoformat(document["filed_at"]))
    assert handling["phase"] == "ingediend"
    assert handling["version"] == 1
    assert handling["handler"] is None
    completeness = {"due": str(filed_on + timedelta(days=10)), "status": "on-time"}
    assert handling["deadlines"]["completeness"] == completeness
    assert handling["deadlines"]["decision"]["due"] == "2027-10-09"
    assert handling["events_url"].endswith(f"/api/v1/dossiers/{number}/events")


def test_an_integrator_takes_a_dossier_from_filing_to_closed(
    client: TestClient[Any], token: str, handler: str
) -> None:
    number = filed(client, token)
    acted(client, handler, number, action="admissible", track="melding")
    acted(client, handler, number, action="assign", official="sub-an", name="An Peeters")
    asked = acted(client, handler, number, action="request-advice", departments=["politie"])
    assert asked["handling"]["phase"] == "advies"
    (request,) = asked["handling"]["advice"]
    assert request["department"] == "politie"
    assert request["status"] == "on-time"
    advice = {"department": "politie", "opinion": "gunstig", "motivation": "Geen bezwaar."}
    acted(client, handler, number, action="give-advice", **advice)
    decided = acted(
        client, handler, number, action="decide", outcome="toegestaan", motivation="Klein."
    )
    assert decided["handling"]["outcome"] == "toegestaan"
    assert decided["phase"] == "beslissing"
    closed = acted(client, handler, number, action="close", **{"If-Match": '"6"'})
    assert closed["handling"]["phase"] == closed["phase"] == "afgesloten"
    events = client.get(f"/api/v1/dossiers/{number}/events", headers=auth(handler)).json()
    kinds = [event["kind"] for event in events["events"]]
    assert kinds == [
        "ingediend",
        "found-admissible",
        "assigned",
        "advice-requested",
        "advice-given",
        "decided",
        "closed",
    ]
    actor = events["events"][-1]["actor"]
    assert actor == {"kind": "integration", "name": "backoffice", "department": None}


def test_an_action_the_procedure_refuses_answers_409_in_dutch_and_changes_nothing(
    client: TestClient[Any], token: str, handler: str
) -> None:
    number = filed(client, token)
    refused = problem(act(client, handler, number, action="close"), 409, "not-allowed-now")
    assert refused["detail"] == "Een dossier wordt afgesloten na de beslissing."
    assert client.get(f"/api/v1/dossiers/{number}", headers=auth(token)).headers["etag"] == '"1"'


def test_a_stale_if_match_answers_412_and_changes_nothing(
    client: TestClient[Any], token: str, handler: str
) -> None:
    number = filed(client, token)
    stale = act(client, handler, number, action="admissible", **{"If-Match": '"0"'})
    problem(stale, 412, "precondition-failed")
    assert stale.headers["etag"] == '"1"'
    problem(
        act(client, handler, number, action="admissible", **{"If-Match": "1"}),
        412,
        "precondition-failed",
    )
    assert acted(client, handler, number, action="admissible", **{"If-Match": '"1"'})
    events = client.get(f"/api/v1/dossiers/{number}/events", headers=auth(handler)).json()
    assert len(events["events"]) == 2


def test_an_idempotency_key_records_an_action_once(
    client: TestClient[Any], token: str, handler: str
) -> None:
    number = filed(client, token)
    once = {"Idempotency-Key": "a1", "If-Match": '"1"'}
    first = acted(client, handler, number, action="admissible", **once)
    again = acted(client, handler, number, action="admissible", **once)
    assert again["handling"]["version"] == first["handling"]["version"] == 2
    other = act(client, handler, number, action="assign", official="x", name="X", **once)
    problem(other, 409, "idempotency-conflict")
    events = client.get(f"/api/v1/dossiers/{number}/events", headers=auth(handler)).json()
    assert events["events"][1]["data"] == {"track": "vergunning"}  # the key stays inside


def test_a_key_acts_only_with_the_handle_scope_and_on_its_own_forms(
    services: Services, client: TestClient[Any], token: str
) -> None:
    number = filed(client, token)
    reader = services.api_keys.create("reader", ["evenement"], ["read"])[1]
    problem(act(client, reader, number, action="admissible"), 403, "forbidden")
    handles_other = services.api_keys.create("other", ["bouwaanvraag"], ["read", "handle"])[1]
    problem(act(client, handles_other, number, action="admissible"), 404, "not-found")
    problem(
        client.get(f"/api/v1/dossiers/{number}/events", headers=auth(handles_other)),
        404,
        "not-found",
    )
    with pytest.raises(ValueError, match="read"):
        services.api_keys.create("blind", ["evenement"], ["handle"])
    handles = services.api_keys.create("handles", ["evenement"], ["read", "handle"])[1]
    assert act(client, handles, number, action="admissible").status_code == 200
    problem(act(client, handles, "EVT-2026-999999", action="admissible"), 404, "not-found")


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        (b'{"action": "approve"}', 422, "invalid-action"),
        (b'{"action": "decide", "outcome": "toegestaan"}', 422, "invalid-action"),
        (b'{"action": "close", "extra": 1}', 422, "invalid-action"),
        (b'{"action": "incomplete", "message": "a\\u0000b"}', 422, "invalid-action"),
        (b'{"action": "close", "action": "close"}', 400, "malformed-json"),
        (b"close", 400, "malformed-json"),
    ],
)
def test_an_action_that_cannot_be_read_is_refused(
    client: TestClient[Any], token: str, handler: str, body: bytes, status: int, slug: str
) -> None:
    number = filed(client, token)
    answer = client.post(f"/api/v1/dossiers/{number}/actions", content=body, headers=auth(handler))
    problem(answer, status, slug)


def test_events_never_show_a_completion_s_answers(
    services: Services, client: TestClient[Any], token: str, handler: str
) -> None:
    number = filed(client, token)
    acted(client, handler, number, action="incomplete", message="Het grondplan ontbreekt.")
    citizen = Actor(ActorKind.CITIZEN, "web", "aanvrager")
    services.handling.act(number, Complete(answers("evenement", "valid-full")), citizen, NOW)
    events = client.get(f"/api/v1/dossiers/{number}/events", headers=auth(handler)).json()
    completed = events["events"][-1]
    assert completed["kind"] == "completed"
    assert completed["data"] == {"answersVersion": 2}


def test_dossiers_are_listed_a_page_at_a_time_in_a_stable_order(
    services: Services, client: TestClient[Any], token: str, handler: str
) -> None:
    numbers = [filed(client, token) for _ in range(5)]
    acted(client, handler, numbers[0], action="admissible")
    seen: list[str] = []
    url: str | None = "/api/v1/dossiers?limit=2"
    while url is not None:
        page = client.get(url, headers=auth(handler)).json()
        assert len(page["dossiers"]) <= 2
        seen += [item["number"] for item in page["dossiers"]]
        url = page["next_url"]
    # The earliest deadline first: the four filed wait for completeness (10 days), the admitted
    # one for its decision, the week before the event.
    assert seen == [*numbers[1:], numbers[0]]
    admitted = client.get("/api/v1/dossiers?phase=ontvankelijk", headers=auth(handler)).json()
    assert [item["number"] for item in admitted["dossiers"]] == [numbers[0]]
    assert admitted["dossiers"][0]["status"] == "on-time"
    assert admitted["next"] is None
    acted(client, handler, numbers[0], action="request-advice", departments=["politie"])
    asked = client.get("/api/v1/dossiers?department=politie", headers=auth(handler)).json()
    assert [item["number"] for item in asked["dossiers"]] == [numbers[0]]
    overdue = client.get("/api/v1/dossiers?status=overdue", headers=auth(handler)).json()
    assert overdue["dossiers"] == []
    found = client.get(f"/api/v1/dossiers?q={numbers[2][-3:]}", headers=auth(handler)).json()
    assert numbers[2] in [item["number"] for item in found["dossiers"]]


def test_the_listing_filters_on_when_a_dossier_was_filed_or_last_changed(
    client: TestClient[Any], token: str, handler: str
) -> None:
    first, second = filed(client, token), filed(client, token)
    listed = client.get("/api/v1/dossiers", headers=auth(handler)).json()["dossiers"]
    moments = {item["number"]: item["filed_at"] for item in listed}
    since = client.get(
        "/api/v1/dossiers", params={"filed_since": moments[second]}, headers=auth(handler)
    ).json()
    assert [item["number"] for item in since["dossiers"]] == [second]
    future = {"changed_since": "2099-01-01T00:00:00+01:00"}
    none = client.get("/api/v1/dossiers", params=future, headers=auth(handler)).json()
    assert none["dossiers"] == []
    assert first in moments


def test_the_listing_shows_a_key_only_its_own_forms(
    services: Services, client: TestClient[Any], token: str
) -> None:
    filed(client, token)
    other = services.api_keys.create("other", ["bouwaanvraag"], ["read"])[1]
    assert client.get("/api/v1/dossiers", headers=auth(other)).json()["dossiers"] == []
    problem(client.get("/api/v1/dossiers?form=evenement", headers=auth(other)), 403, "forbidden")
    writer = services.api_keys.create("writer", ["*"], ["write"])[1]
    problem(client.get("/api/v1/dossiers", headers=auth(writer)), 403, "forbidden")


@pytest.mark.parametrize(
    "query",
    [
        "after=bm90IGEgY3Vyc29y",
        "after=MjAyNi0wMS0wMXw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
        "limit=0",
        "limit=201",
        "limit=ten",
        "phase=klaar",
        "status=late",
        "department=nergens",
        "form=onbekend",
        "q=%00",
        "filed_since=2026-03-02",  # a day, not a moment: which midnight?
        "changed_since=2026-03-02T09:30:00",  # no offset
        "changed_since=gisteren",
    ],
)
def test_a_bad_cursor_or_filter_is_refused(client: TestClient[Any], token: str, query: str) -> None:
    problem(client.get(f"/api/v1/dossiers?{query}", headers=auth(token)), 400, "malformed-request")


def test_the_running_service_records_advice_not_given_in_time(
    client: TestClient[Any], token: str, handler: str, services: Services
) -> None:
    number = filed(client, token)
    acted(client, handler, number, action="admissible", track="melding")
    acted(client, handler, number, action="request-advice", departments=["politie"])
    later = Services.build(services.settings, clock=lambda: NOW + timedelta(days=30))
    with TestClient(create_app(later.settings, later)) as restarted:  # its sweep runs at start
        for _ in range(100):  # the sweep runs beside the first requests
            shown = restarted.get(f"/api/v1/dossiers/{number}", headers=auth(handler)).json()
            if shown["handling"]["advice"][0]["late"]:
                break
            time.sleep(0.1)
    (request,) = shown["handling"]["advice"]
    assert request["late"] is True
    assert shown["handling"]["phase"] == "in-behandeling"
