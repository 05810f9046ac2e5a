"""The OpenAPI document says what the API answers: real answers of every operation, the
successes that fuzzing with made-up numbers never reaches, checked against the served document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from litestar.testing import TestClient
from tests import live
from tests.conftest import FORM_IDS, NOW, answers, service_settings
from tests.test_api import auth
from tests.test_api_uploads import evenement, file_json, with_uploads

from formkit.forms.catalogue import Catalogue
from formkit.web.app import create_app
from formkit.web.services import Services


@pytest.fixture
def token(services: Services) -> str:
    return services.api_keys.create("test", ["*"], ["read", "write", "handle"])[1]


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    settings = service_settings(tmp_path, database_url)
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


def documented(client: TestClient[Any]) -> Any:
    return schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").json())


def test_every_operation_answers_as_documented(client: TestClient[Any], token: str) -> None:
    schema = documented(client)

    def check(method: str, path: str, response: Any, status: int) -> None:
        assert response.status_code == status, response.text
        schema[path][method].validate_response(response)

    def get(url: str) -> Any:
        return client.get(url, headers=auth(token))

    file = {"file": ("a.pdf", live.PDF, "application/pdf")}
    uploaded = client.post("/api/v1/uploads", files=file, headers=auth(token))
    check("POST", "/api/v1/uploads", uploaded, 201)
    document, once = evenement(client, token), {"Idempotency-Key": "k"}
    submissions = "/api/v1/forms/evenement/submissions"
    filed = file_json(client, token, "evenement", document, **once)
    check("POST", submissions, filed, 201)
    check("POST", submissions, file_json(client, token, "evenement", document, **once), 200)
    check("POST", submissions, file_json(client, token, "evenement", {}), 422)
    signing = with_uploads(client, token, answers("bouwaanvraag", "valid-minimal"))
    to_sign = "/api/v1/forms/bouwaanvraag/data-to-sign"
    check("POST", to_sign, client.post(to_sign, json=signing, headers=auth(token)), 200)
    url = filed.json()["url"]
    dossier = "/api/v1/dossiers/{number}"
    check("GET", dossier, get(url), 200)
    check("GET", dossier + "/attachments/{index}", get(f"{url}/attachments/0"), 200)
    check("GET", dossier + "/receipt", get(f"{url}/receipt"), 200)
    check("GET", dossier + "/receipt.pdf", get(f"{url}/receipt.pdf"), 200)
    check("GET", dossier, get("/api/v1/dossiers/EVT-2026-999999"), 404)
    check("GET", dossier + "/events", get(f"{url}/events"), 200)
    check("GET", "/api/v1/dossiers", get("/api/v1/dossiers?limit=1"), 200)
    check("GET", "/api/v1/dossiers", get("/api/v1/dossiers?after=x"), 400)
    actions = dossier + "/actions"

    def act(body: dict[str, Any], **headers: str) -> Any:
        return client.post(f"{url}/actions", json=body, headers=auth(token, **headers))

    check("POST", actions, act({"action": "close"}), 409)
    check("POST", actions, act({"action": "admissible"}, **{"If-Match": '"9"'}), 412)
    check("POST", actions, act({"action": "admit"}), 422)
    check("POST", actions, act({"action": "admissible"}), 200)
    check("GET", "/api/v1/events", get("/api/v1/events?limit=1"), 200)
    check("GET", "/api/v1/events", get("/api/v1/events"), 200)
    check("GET", "/api/v1/events", get("/api/v1/events?after=x"), 400)
    check("GET", "/api/v1/problems/{slug}", get("/api/v1/problems/too-many-requests"), 200)
    check("GET", "/api/v1/forms", get("/api/v1/forms"), 200)
    for form_id in FORM_IDS:
        check("GET", f"/api/v1/forms/{form_id}", get(f"/api/v1/forms/{form_id}"), 200)


def test_too_many_requests_answer_as_documented(
    database_url: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    settings = service_settings(tmp_path, database_url, rate_limit_anonymous=1)
    found = Services.build(settings, clock=lambda: NOW, catalogue=catalogue)
    with TestClient(create_app(settings, found)) as client:
        schema = documented(client)
        refused = client.get("/api/v1/forms")
        assert refused.status_code == 429
        assert refused.headers["retry-after"].isdigit()
        schema["/api/v1/forms"]["GET"].validate_response(refused)
