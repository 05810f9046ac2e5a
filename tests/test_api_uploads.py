"""Two-phase attachments: files uploaded first, then named by JSON answers, used at most once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from litestar.testing import TestClient
from tests import live
from tests.conftest import FORM_IDS, NOW, answers, service_settings, trust_folder
from tests.test_api import SIGNED_FORMS, auth, problem, signature_part, signed_by, stored_files
from tests.web.conftest import Clock

from formkit.eid._testcard import TestCard
from formkit.forms.catalogue import Catalogue
from formkit.web.pages import purge_stores
from formkit.web.services import Services

UPLOADS = "/api/v1/uploads"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(
    database_url: str, tmp_path: Path, catalogue: Catalogue, ec_card: TestCard, clock: Clock
) -> Services:
    trust = trust_folder(ec_card.pki, tmp_path / "eid-trust")
    settings = service_settings(tmp_path, database_url, eid_trust_dir=trust)
    return Services.build(settings, clock=clock, catalogue=catalogue)


def upload(client: TestClient[Any], token: str, content: bytes, name: str = "plan.pdf") -> Any:
    files = {"file": (name, content, "application/octet-stream")}
    response = client.post(UPLOADS, files=files, headers=auth(token))
    assert response.status_code == 201, response.text
    return response.json()


def with_uploads(
    client: TestClient[Any],
    token: str,
    document: Any,
    content: Callable[[str], bytes] = lambda r: b"",
) -> Any:
    """The answers with each file reference replaced by an upload of that file."""
    document = json.loads(json.dumps(document))
    for node in _attachments(document):
        data = content(node["bestand"]) or (
            live.PNG if node["bestand"].startswith("foto") else live.PDF
        )
        node["bestand"] = upload(client, token, data)["reference"]
    return document


def _attachments(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if isinstance(node.get("bestand"), str) else []
        return own + [found for value in node.values() for found in _attachments(value)]
    if isinstance(node, list):
        return [found for item in node for found in _attachments(item)]
    return []


def file_json(
    client: TestClient[Any], token: str, form_id: str, document: Any, **headers: str
) -> Any:
    return client.post(
        f"/api/v1/forms/{form_id}/submissions", json=document, headers=auth(token, **headers)
    )


def test_an_upload_answers_with_its_reference_digest_and_expiry(
    client: TestClient[Any], token: str
) -> None:
    found = upload(client, token, live.PDF, "grondplan.pdf")
    assert found["upload"].startswith("upl_")
    assert found["reference"] == f"upload:{found['upload']}"
    assert found["sha256"] == hashlib.sha256(live.PDF).hexdigest()
    assert (found["size"], found["media_type"], found["name"]) == (
        len(live.PDF),
        "application/pdf",
        "grondplan.pdf",
    )
    assert datetime.fromisoformat(found["expires"]) == NOW + timedelta(days=1)


def test_a_raw_body_uploads_under_the_name_in_its_content_disposition(
    client: TestClient[Any], token: str
) -> None:
    headers = auth(
        token,
        **{
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="a.pdf"',
        },
    )
    response = client.post(UPLOADS, content=live.PDF, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "a.pdf"


@pytest.mark.parametrize(
    ("content", "status", "slug"),
    [
        (live.PDF + b"\0" * 50_000_001, 413, "too-large"),  # over the widest slot's 50 MB
        (b"plain text, not a PDF", 415, "unsupported-media-type"),
    ],
)
def test_a_refused_upload_leaves_nothing(
    client: TestClient[Any], services: Services, token: str, content: bytes, status: int, slug: str
) -> None:
    files = {"file": ("x.pdf", content, "application/pdf")}
    problem(client.post(UPLOADS, files=files, headers=auth(token)), status, slug)
    assert stored_files(services) == []


def test_an_upload_is_one_file_in_the_part_named_file(
    client: TestClient[Any], services: Services, token: str
) -> None:
    files = [("file", ("a.pdf", live.PDF, "application/pdf"))] * 2
    problem(client.post(UPLOADS, files=files, headers=auth(token)), 400, "malformed-request")
    files = [("bestand", ("a.pdf", live.PDF, "application/pdf"))]
    problem(client.post(UPLOADS, files=files, headers=auth(token)), 400, "malformed-request")
    assert stored_files(services) == []


def test_a_read_only_key_may_not_upload(client: TestClient[Any], services: Services) -> None:
    reader = services.api_keys.create("reader", ["*"], ["read"])[1]
    files = {"file": ("a.pdf", live.PDF, "application/pdf")}
    problem(client.post(UPLOADS, files=files, headers=auth(reader)), 403, "forbidden")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_json_answers_naming_uploads_file_a_dossier_with_the_files(
    client: TestClient[Any], token: str, form_id: str, ec_card: TestCard
) -> None:
    document = with_uploads(client, token, signed_by(answers(form_id, "valid-full"), ec_card))
    if form_id in SIGNED_FORMS:  # the signature needs a part of its own: answers as a part too
        body = {"files": {"answers": (None, json.dumps(document).encode(), "application/json")}}
        body["files"]["signature"] = signature_part(client, token, form_id, body, ec_card)
        url = f"/api/v1/forms/{form_id}/submissions"
        response = client.post(url, headers=auth(token), **body)
    else:
        response = file_json(client, token, form_id, document)
    assert response.status_code == 201, response.text
    dossier = client.get(response.json()["url"], headers=auth(token)).json()
    uploaded = {hashlib.sha256(live.PDF).hexdigest(), hashlib.sha256(live.PNG).hexdigest()}
    assert len(dossier["attachments"]) == len(_attachments(document))
    assert {a["sha256"] for a in dossier["attachments"]} <= uploaded
    for attachment in dossier["attachments"]:
        assert client.get(attachment["url"], headers=auth(token)).status_code == 200
    assert all(n["bestand"].startswith("sha256:") for n in _attachments(dossier["answers"]))


def evenement(client: TestClient[Any], token: str) -> Any:
    return with_uploads(client, token, answers("evenement", "valid-minimal"))


def test_an_upload_is_used_at_most_once(client: TestClient[Any], token: str) -> None:
    document = evenement(client, token)
    assert file_json(client, token, "evenement", document).status_code == 201
    found = problem(file_json(client, token, "evenement", document), 422, "invalid-answers")
    assert {(p["pointer"], p["code"]) for p in found["problems"]} == {
        ("/bijlagen/grondplan/bestand", "upload-unusable"),
        ("/bijlagen/programma/bestand", "upload-unusable"),
    }


def test_a_retry_with_the_same_idempotency_key_answers_the_first_dossier(
    client: TestClient[Any], token: str
) -> None:
    document = evenement(client, token)
    first = file_json(client, token, "evenement", document, **{"Idempotency-Key": "k1"})
    again = file_json(client, token, "evenement", document, **{"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]


def test_a_refused_filing_gives_its_uploads_back(client: TestClient[Any], token: str) -> None:
    document = evenement(client, token)
    broken = {**document, "organisator": {}}
    problem(file_json(client, token, "evenement", broken), 422, "invalid-answers")
    assert file_json(client, token, "evenement", document).status_code == 201


def test_another_keys_or_an_unknown_upload_is_refused_at_its_pointer(
    client: TestClient[Any], services: Services, token: str
) -> None:
    other = services.api_keys.create("other", ["*"], ["read", "write"])[1]
    document = evenement(client, other)
    document["bijlagen"]["programma"]["bestand"] = "upload:upl_nosuchupload"
    found = problem(file_json(client, token, "evenement", document), 422, "invalid-answers")
    assert {(p["pointer"], p["code"]) for p in found["problems"]} == {
        ("/bijlagen/grondplan/bestand", "upload-unusable"),
        ("/bijlagen/programma/bestand", "upload-unusable"),
    }


def test_an_upload_expires_unused_and_is_purged_with_its_bytes(
    client: TestClient[Any], services: Services, token: str, clock: Clock
) -> None:
    document = evenement(client, token)
    clock.now = NOW + services.settings.upload_ttl + timedelta(seconds=1)
    found = problem(file_json(client, token, "evenement", document), 422, "invalid-answers")
    assert {p["code"] for p in found["problems"]} == {"upload-unusable"}
    purged = anyio.run(purge_stores, services.drafts, services.blobs, clock.now)
    assert (purged.uploads, len(purged.blobs)) == (2, 1)  # two uploads of the same PDF
    assert stored_files(services) == []


def test_a_used_upload_is_kept_by_its_dossier_through_the_purge(
    client: TestClient[Any], services: Services, token: str, clock: Clock
) -> None:
    response = file_json(client, token, "evenement", evenement(client, token))
    assert response.status_code == 201, response.text
    clock.now = NOW + 10 * services.settings.upload_ttl
    purged = anyio.run(purge_stores, services.drafts, services.blobs, clock.now)
    assert (purged.uploads, purged.blobs) == (0, ())
    dossier = client.get(response.json()["url"], headers=auth(token)).json()
    for attachment in dossier["attachments"]:
        assert client.get(attachment["url"], headers=auth(token)).content == live.PDF


def test_an_upload_taken_by_a_filing_under_way_outlives_its_expiry(
    client: TestClient[Any], services: Services, clock: Clock
) -> None:
    key, _ = services.api_keys.create("k", ["*"], ["write"])
    made = services.uploads.record(key.id, "0" * 64, 1, "application/pdf", "a.pdf", NOW)
    taken_at = NOW + services.settings.upload_ttl - timedelta(seconds=1)
    assert services.uploads.take(key.id, [made.record.ref], taken_at)
    assert not services.uploads.take(key.id, [made.record.ref], taken_at)  # at most once
    purged = services.drafts.purge(NOW + services.settings.upload_ttl + timedelta(minutes=5))
    assert purged.uploads == 0
    assert services.drafts.purge(taken_at + services.settings.upload_ttl).uploads == 1
