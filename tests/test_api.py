"""The integrators' API, end to end through the app, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import FORM_IDS, NOW, ROOT, SCHEMAS, answers

from formkit.catalogue import Catalogue
from formkit.settings import Settings
from formkit.web.app import create_app
from formkit.web.services import Services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        schemas_dir=SCHEMAS,
        renderers_dir=ROOT / "renderers",
    )
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services.settings, services)) as test_client:
        yield test_client


@pytest.fixture
def token(services: Services) -> str:
    return services.api_keys.create("test", ["*"], ["read", "write"])[1]


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    document: dict[str, Any] = response.json()
    assert document["type"].endswith(f"/api/v1/problems/{slug}")
    assert document["status"] == status
    assert document["detail"]
    return document


def test_forms_are_listed_with_their_versions(client: TestClient[Any]) -> None:
    listed = client.get("/api/v1/forms").json()["forms"]
    assert sorted(f["id"] for f in listed) == sorted(FORM_IDS)
    assert all(f["version"].startswith("sha256:") for f in listed)


def test_a_form_is_served_with_its_own_schema(client: TestClient[Any]) -> None:
    shown = client.get("/api/v1/forms/evenement").json()
    assert shown["schema"]["title"]
    assert shown["prefix"] == "EVT"


def file(client: TestClient[Any], token: str, form_id: str, document: Any, **headers: str) -> Any:
    """Post answers as an integrator would: multipart, a PDF (a PNG for photos) per attachment."""
    files = {ref: upload(ref) for ref in attachment_references(document)}
    return client.post(
        f"/api/v1/forms/{form_id}/submissions",
        headers=auth(token, **headers),
        **multipart_body(document, files),
    )


@pytest.mark.parametrize("example", ["valid-minimal", "valid-full"])
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_answers_with_their_files_file_a_dossier(
    client: TestClient[Any], token: str, form_id: str, example: str
) -> None:
    response = file(client, token, form_id, answers(form_id, example))
    assert response.status_code == 201, response.text
    filed = response.json()
    assert filed["number"].endswith("-000001")
    assert response.headers["location"] == filed["url"]
    dossier = client.get(filed["url"], headers=auth(token)).json()
    assert dossier["phase"] == "ingediend"
    assert dossier["form"] == form_id
    hashes = {hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()}
    assert {a["sha256"] for a in dossier["attachments"]} <= hashes


def test_json_answers_without_their_files_name_each_missing_file(
    client: TestClient[Any], token: str
) -> None:
    document = answers("evenement", "valid-minimal")
    response = client.post(
        "/api/v1/forms/evenement/submissions", json=document, headers=auth(token)
    )
    found = problem(response, 422, "invalid-answers")["problems"]
    assert [(p["pointer"], p["code"]) for p in found] == [
        ("/bijlagen/grondplan/bestand", "attachment-missing"),
        ("/bijlagen/programma/bestand", "attachment-missing"),
    ]


def test_schema_violations_list_each_problem_with_its_pointer(
    client: TestClient[Any], token: str
) -> None:
    response = client.post(
        "/api/v1/forms/bewonersinitiatief/submissions", json={}, headers=auth(token)
    )
    document = problem(response, 422, "invalid-answers")
    assert all(p["pointer"].startswith("/") for p in document["problems"])
    assert all(p["message"] for p in document["problems"])


@pytest.mark.parametrize(
    ("body", "content_type", "status", "slug"),
    [
        (b"{not json", "application/json", 400, "malformed-json"),
        (b"naam=x", "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
        (b"--x--", "multipart/form-data; boundary=y", 400, "malformed-request"),
    ],
)
def test_unreadable_bodies_are_refused_clearly(
    client: TestClient[Any], token: str, body: bytes, content_type: str, status: int, slug: str
) -> None:
    response = client.post(
        "/api/v1/forms/evenement/submissions",
        content=body,
        headers=auth(token, **{"Content-Type": content_type}),
    )
    problem(response, status, slug)


def test_unknown_form_is_404(client: TestClient[Any], token: str) -> None:
    response = client.post("/api/v1/forms/onbekend/submissions", json={}, headers=auth(token))
    problem(response, 404, "not-found")


def test_an_unknown_path_is_a_problem_too(client: TestClient[Any]) -> None:
    problem(client.get("/api/v1/nergens"), 404, "not-found")


def test_without_a_key_filing_is_refused(client: TestClient[Any]) -> None:
    response = client.post("/api/v1/forms/evenement/submissions", json={})
    problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")
    response = client.post(
        "/api/v1/forms/evenement/submissions", json={}, headers=auth("fk_nope_nope")
    )
    problem(response, 401, "unauthenticated")


def test_a_revoked_key_is_refused(client: TestClient[Any], services: Services, token: str) -> None:
    key_id = token.split("_")[1]
    assert services.api_keys.revoke(key_id)
    response = client.get("/api/v1/dossiers/EVT-2026-000001", headers=auth(token))
    problem(response, 401, "unauthenticated")


def test_a_key_sees_only_its_own_forms(
    client: TestClient[Any], services: Services, token: str
) -> None:
    filed = file(client, token, "evenement", answers("evenement", "valid-minimal")).json()
    _, other = services.api_keys.create("buurt", ["bewonersinitiatief"], ["read", "write"])
    problem(client.get(filed["url"], headers=auth(other)), 404, "not-found")
    response = file(client, other, "evenement", answers("evenement", "valid-minimal"))
    problem(response, 403, "forbidden")
    _, writer = services.api_keys.create("schrijver", ["*"], ["write"])
    problem(client.get(filed["url"], headers=auth(writer)), 404, "not-found")


def test_an_idempotency_key_files_once(client: TestClient[Any], token: str) -> None:
    document = answers("evenement", "valid-minimal")
    first = file(client, token, "evenement", document, **{"Idempotency-Key": "order-1"})
    again = file(client, token, "evenement", document, **{"Idempotency-Key": "order-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    changed = json.loads(json.dumps(document))
    changed["evenement"]["naam"] += " bis"
    conflict = file(client, token, "evenement", changed, **{"Idempotency-Key": "order-1"})
    assert problem(conflict, 409, "idempotency-conflict")["number"] == first.json()["number"]


def upload(ref: str) -> tuple[str, bytes, str]:
    if ref.startswith("foto"):
        return f"{ref}.png", PNG, "image/png"
    return f"{ref}.pdf", PDF, "application/pdf"


def multipart_body(document: Any, files: dict[str, tuple[str, bytes, str]]) -> dict[str, Any]:
    return {
        "files": {
            "answers": (None, json.dumps(document).encode(), "application/json"),
            **files,
        }
    }


def test_attachments_are_served_with_their_hash(client: TestClient[Any], token: str) -> None:
    document = answers("evenement", "valid-full")
    response = file(client, token, "evenement", document)
    assert response.status_code == 201, response.text
    dossier = client.get(response.json()["url"], headers=auth(token)).json()
    assert len(dossier["attachments"]) == len(attachment_references(document)) == 4
    first = dossier["attachments"][0]
    download = client.get(first["url"], headers=auth(token))
    assert download.content == PDF
    assert download.headers["x-content-sha256"] == hashlib.sha256(PDF).hexdigest()
    assert first["name"] == "grondplan-veemarkt.pdf"


def attachment_references(document: Any) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("bestand"), str):
                found.append(node["bestand"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return found
