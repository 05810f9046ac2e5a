"""The integrators' API, end to end through the app, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from litestar.testing import TestClient
from tests import live
from tests.conftest import FORM_IDS, NOW, answers, service_settings, trust_folder

from formkit.eid import sign_digest
from formkit.eid._testcard import TestCard
from formkit.forms.catalogue import Catalogue
from formkit.receipts import SignedTreeHead, development_root, read_jws, verify_receipt
from formkit.receipts._merkle import decode_hash, verify_consistency
from formkit.web.app import _as_problem
from formkit.web.services import Services

SIGNED_FORMS = {"bouwaanvraag"}  # those whose schema asks for an eID signature


@pytest.fixture
def services(
    database_url: str, tmp_path: Path, catalogue: Catalogue, ec_card: TestCard
) -> Services:
    trust = trust_folder(ec_card.pki, tmp_path / "eid-trust")
    settings = service_settings(tmp_path, database_url, eid_trust_dir=trust)
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


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


def file(
    client: TestClient[Any],
    token: str,
    form_id: str,
    document: Any,
    card: TestCard | None = None,
    **headers: str,
) -> Any:
    """Post answers as an integrator would: multipart, a PDF (a PNG for photos) per attachment,
    and for a form that needs one, the eID signature of `card` over the data to sign."""
    body = live.multipart(document)
    if card is not None and form_id in SIGNED_FORMS:
        body["files"]["signature"] = signature_part(client, token, form_id, body, card)
    return client.post(
        f"/api/v1/forms/{form_id}/submissions", headers=auth(token, **headers), **body
    )


def signature_part(
    client: TestClient[Any], token: str, form_id: str, body: Any, card: TestCard, **sign: Any
) -> tuple[None, bytes, str]:
    """Ask the API what to sign, sign it on the card, and return the `signature` part."""
    response = client.post(f"/api/v1/forms/{form_id}/data-to-sign", headers=auth(token), **body)
    assert response.status_code == 200, response.text
    digest = base64.b64decode(response.json()["digest"])
    signed = sign_digest(card.module, card.token_label, card.pin, digest, "SHA-384", **sign)
    document = {
        "hash": "SHA-384",
        "signature": base64.b64encode(signed.signature).decode(),
        "certificate": base64.b64encode(signed.certificate).decode(),
    }
    return None, json.dumps(document).encode(), "application/json"


def signed_by(document: Any, card: TestCard) -> Any:
    """The answers with the card's holder as the applicant the form wants to sign."""
    document = json.loads(json.dumps(document))
    people = document.get("aanvragers", {}).get("personen")
    if people:
        people[0]["rijksregisternummer"] = card.citizen.national_number
    return document


@pytest.mark.parametrize("example", ["valid-minimal", "valid-full"])
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_answers_with_their_files_file_a_dossier(
    client: TestClient[Any], token: str, form_id: str, example: str, ec_card: TestCard
) -> None:
    response = file(client, token, form_id, signed_by(answers(form_id, example), ec_card), ec_card)
    assert response.status_code == 201, response.text
    filed = response.json()
    assert filed["number"].endswith("-000001")
    assert response.headers["location"] == filed["url"]
    dossier = client.get(filed["url"], headers=auth(token)).json()
    assert dossier["phase"] == "ingediend"
    assert dossier["form"] == form_id
    hashes = {hashlib.sha256(live.PDF).hexdigest(), hashlib.sha256(live.PNG).hexdigest()}
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


def test_attachments_are_served_with_their_hash(client: TestClient[Any], token: str) -> None:
    document = answers("evenement", "valid-full")
    response = file(client, token, "evenement", document)
    assert response.status_code == 201, response.text
    dossier = client.get(response.json()["url"], headers=auth(token)).json()
    assert len(dossier["attachments"]) == len(live.references(document)) == 4
    first = dossier["attachments"][0]
    download = client.get(first["url"], headers=auth(token))
    assert download.content == live.PDF
    assert download.headers["x-content-sha256"] == hashlib.sha256(live.PDF).hexdigest()
    assert first["name"] == "grondplan-veemarkt.pdf"


# The eID signature of forms that need one (bouwaanvraag): each refusal has its own type.


def bouwaanvraag(card: TestCard) -> Any:
    return signed_by(answers("bouwaanvraag", "valid-minimal"), card)


def test_a_signed_filing_records_its_signer(
    client: TestClient[Any], token: str, ec_card: TestCard
) -> None:
    response = file(client, token, "bouwaanvraag", bouwaanvraag(ec_card), ec_card)
    assert response.status_code == 201, response.text
    dossier = client.get(response.json()["url"], headers=auth(token)).json()
    certificate = ec_card.signature.public_bytes(Encoding.DER)
    assert dossier["signer"] == {
        "name": "Anna Maria TEST Peeters",
        "national_number_masked": "85.07.30-***.**",
        "certificate_sha256": hashlib.sha256(certificate).hexdigest(),
    }
    assert "85073003328" not in response.text  # the answers hold it; the reply does not


def test_an_unsigned_filing_is_refused(
    client: TestClient[Any], token: str, ec_card: TestCard
) -> None:
    response = file(client, token, "bouwaanvraag", bouwaanvraag(ec_card))
    problem(response, 422, "signature-missing")


def signed_body(
    client: TestClient[Any], token: str, document: Any, card: TestCard, **sign: Any
) -> dict[str, Any]:
    body = live.multipart(document)
    body["files"]["signature"] = signature_part(client, token, "bouwaanvraag", body, card, **sign)
    return body


def submit(client: TestClient[Any], token: str, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/forms/bouwaanvraag/submissions", headers=auth(token), **body)


def test_the_authentication_key_cannot_sign(
    client: TestClient[Any], token: str, ec_card: TestCard
) -> None:
    body = signed_body(client, token, bouwaanvraag(ec_card), ec_card, key_label="Authentication")
    problem(submit(client, token, body), 422, "signature-wrong-key")


def test_a_signature_over_other_answers_is_refused(
    client: TestClient[Any], token: str, ec_card: TestCard
) -> None:
    signed = signed_body(client, token, bouwaanvraag(ec_card), ec_card)
    changed = bouwaanvraag(ec_card)
    changed["werken"]["omschrijving"] = changed["werken"]["omschrijving"] + "."
    body = live.multipart(changed)
    body["files"]["signature"] = signed["files"]["signature"]
    problem(submit(client, token, body), 422, "signature-bad-signature")


def test_the_signer_must_be_the_applicant(
    client: TestClient[Any], token: str, ec_card: TestCard
) -> None:
    document = answers("bouwaanvraag", "valid-minimal")  # another person's number
    body = signed_body(client, token, document, ec_card)
    problem(submit(client, token, body), 422, "signature-applicant-mismatch")


def test_a_card_of_an_untrusted_issuer_is_refused(
    client: TestClient[Any], token: str, rsa_card: TestCard
) -> None:
    body = signed_body(client, token, bouwaanvraag(rsa_card), rsa_card)
    problem(submit(client, token, body), 422, "signature-untrusted")


def test_an_unreadable_signature_is_refused(
    client: TestClient[Any], token: str, ec_card: TestCard
) -> None:
    document = bouwaanvraag(ec_card)
    body = live.multipart(document)
    body["files"]["signature"] = (None, b'{"signature": "@@"}', "application/json")
    problem(submit(client, token, body), 422, "signature-malformed")


# Receipts and the public log of filings.


def seal_root(services: Services) -> bytes:
    return development_root(services.settings.data_dir).read_bytes()


def test_a_filing_has_a_sealed_receipt_that_verifies(
    client: TestClient[Any], services: Services, token: str, ec_card: TestCard
) -> None:
    document = signed_by(answers("bouwaanvraag", "valid-minimal"), ec_card)
    filed = file(client, token, "bouwaanvraag", document, ec_card).json()
    response = client.get(filed["receipt_url"], headers=auth(token))
    assert response.headers["content-type"].startswith("application/jose")
    again = client.get(filed["receipt_url"], headers=auth(token))
    assert again.content == response.content  # issued once, then kept
    roots = [x509.load_pem_x509_certificate(seal_root(services))]
    eid_roots = list(ec_card.pki.trust_roots)
    report = verify_receipt(response.content, trust_roots=roots, eid_trust_roots=eid_roots)
    assert report.ok, [c for c in report.checks if not c.ok]
    receipt = read_jws(response.text)[0]
    assert receipt["number"] == filed["number"]
    assert receipt["signer"]["national_number_masked"] == "85.07.30-***.**"
    assert ec_card.citizen.national_number not in response.text  # the receipt is shown around
    pdf = client.get(filed["receipt_url"] + ".pdf", headers=auth(token))
    assert pdf.headers["content-type"] == "application/pdf"
    assert verify_receipt(pdf.content, trust_roots=roots, eid_trust_roots=eid_roots).ok


def test_a_signed_dossiers_evidence_verifies_with_its_receipt(
    client: TestClient[Any], services: Services, token: str, ec_card: TestCard
) -> None:
    document = signed_by(answers("bouwaanvraag", "valid-minimal"), ec_card)
    filed = file(client, token, "bouwaanvraag", document, ec_card).json()
    receipt = client.get(filed["receipt_url"], headers=auth(token)).content
    evidence = client.get(f"{filed['url']}/signature", headers=auth(token))
    assert evidence.status_code == 200
    assert evidence.headers["content-type"].startswith("application/json")
    assert evidence.headers["cache-control"] == "no-store"
    assert f"handtekeningbewijs-{filed['number']}.json" in evidence.headers["content-disposition"]
    report = verify_receipt(
        receipt,
        trust_roots=[x509.load_pem_x509_certificate(seal_root(services))],
        eid_trust_roots=list(ec_card.pki.trust_roots),
        evidence=evidence.content,
    )
    assert report.ok, report.failures
    assert [c.id for c in report.checks][-2:] == ["evidence", "citizen-signature"]
    unsigned = file(client, token, "evenement", answers("evenement", "valid-minimal")).json()
    problem(client.get(f"{unsigned['url']}/signature", headers=auth(token)), 404, "not-found")
    _, other = services.api_keys.create("buurt", ["evenement"], ["read"])
    problem(client.get(f"{filed['url']}/signature", headers=auth(other)), 404, "not-found")


def test_a_receipt_is_for_authorised_callers_only(
    client: TestClient[Any], services: Services, token: str
) -> None:
    filed = file(client, token, "evenement", answers("evenement", "valid-minimal")).json()
    problem(client.get(filed["receipt_url"]), 401, "unauthenticated")
    _, other = services.api_keys.create("buurt", ["bewonersinitiatief"], ["read"])
    problem(client.get(filed["receipt_url"], headers=auth(other)), 404, "not-found")


def test_no_cache_keeps_an_answer_about_a_filing_or_a_dossier(
    client: TestClient[Any], token: str
) -> None:
    document = answers("evenement", "valid-full")
    key = {"Idempotency-Key": "cache-1"}
    filed = file(client, token, "evenement", document, **key)
    url = filed.json()["url"]
    changed = json.loads(json.dumps(document))
    changed["evenement"]["naam"] += " bis"
    body = live.multipart(document)
    private = {
        "filed": (filed, 201),
        "filed again": (file(client, token, "evenement", document, **key), 200),
        "conflict": (file(client, token, "evenement", changed, **key), 409),
        "refused": (file(client, token, "evenement", {"evenement": {}}), 422),
        "data to sign": (
            client.post("/api/v1/forms/evenement/data-to-sign", headers=auth(token), **body),
            200,
        ),
        "dossier": (client.get(url, headers=auth(token)), 200),
        "attachment": (client.get(f"{url}/attachments/0", headers=auth(token)), 200),
        "receipt": (client.get(f"{url}/receipt", headers=auth(token)), 200),
        "receipt pdf": (client.get(f"{url}/receipt.pdf", headers=auth(token)), 200),
        "no such dossier": (client.get(f"{url}9", headers=auth(token)), 404),
        "no key": (client.get(url), 401),
    }
    assert {name: r.status_code for name, (r, _) in private.items()} == {
        name: status for name, (_, status) in private.items()
    }
    cached = {name: r.headers.get("cache-control") for name, (r, _) in private.items()}
    assert cached == dict.fromkeys(private, "no-store")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/forms",
        "/api/v1/forms/evenement",
        "/api/v1/openapi.json",
        "/api/v1/problems/not-found",
        "/log/seal.pem",
    ],
)
def test_public_documents_may_be_cached(client: TestClient[Any], path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "cache-control" not in response.headers


def test_a_problem_types_page_names_it_by_the_uri_problems_carry(
    client: TestClient[Any], token: str
) -> None:
    refused = problem(client.get("/api/v1/dossiers/X-1", headers=auth(token)), 404, "not-found")
    described = client.get(refused["type"]).json()
    assert described["type"] == refused["type"]
    assert (described["status"], described["title"]) == (404, refused["title"])


@pytest.mark.parametrize("path", ["/log/", "/log"])
def test_an_empty_log_has_no_tree_head_to_show(client: TestClient[Any], path: str) -> None:
    problem(client.get(path), 404, "not-found")


def test_the_log_publishes_signed_heads_and_proves_it_only_grows(
    client: TestClient[Any], services: Services, token: str
) -> None:
    for _ in range(3):
        assert file(client, token, "evenement", answers("evenement", "valid-minimal")).is_success
    latest = client.get("/log/").json()
    assert latest["tree_size"] == 3
    certificate = x509.load_pem_x509_certificate(seal_root(services))
    first = client.get("/log/tree-heads/1").json()
    for head in (latest, first):
        assert SignedTreeHead.from_dict(head).holds(services.seal.certificate)
    proof = client.get("/log/consistency", params={"first": 1, "second": 3}).json()["proof"]
    assert verify_consistency(
        1,
        3,
        decode_hash(first["root_hash"]),
        decode_hash(latest["root_hash"]),
        [decode_hash(h) for h in proof],
    )
    assert certificate.subject  # the published root names the development seal
    problem(client.get("/log/consistency", params={"first": 2, "second": 9}), 404, "not-found")
    problem(client.get("/log/tree-heads/99"), 404, "not-found")


def test_the_outbox_seals_the_pdf_receipt_after_the_filing(
    client: TestClient[Any], services: Services, token: str
) -> None:
    filed = file(client, token, "evenement", answers("evenement", "valid-minimal")).json()
    deadline = time.monotonic() + 30
    while (stored := services.receipts.get(filed["number"])) is None or not stored.pdf_sha256:
        assert time.monotonic() < deadline, "the outbox did not seal the PDF receipt"
        time.sleep(0.1)
    pdf = client.get(filed["receipt_url"] + ".pdf", headers=auth(token))
    assert hashlib.sha256(pdf.content).hexdigest() == stored.pdf_sha256


def test_a_database_outage_is_a_503_to_retry_not_a_500() -> None:
    error = sa.exc.OperationalError("INSERT ...", {}, Exception("database is locked"))
    problem = _as_problem(error)
    assert (problem.status, problem.type.slug) == (503, "unavailable")
    assert problem.headers["Retry-After"]


# Refusals of files and parts: each has its type, and leaves no row and no blob behind.


def stored_files(services: Services) -> list[Path]:
    return [p for p in (services.settings.data_dir / "blobs").rglob("*") if p.is_file()]


def assert_nothing_left(services: Services) -> None:
    assert stored_files(services) == []
    with services.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM dossier")).scalar() == 0


@pytest.mark.parametrize(
    ("content", "status", "slug"),
    [
        (live.PDF + b"\0" * 20_000_001, 413, "too-large"),  # over the field's 20 MB
        (b"plain text, not a PDF", 415, "unsupported-media-type"),
    ],
)
def test_a_refused_file_is_named_and_leaves_nothing(
    client: TestClient[Any], services: Services, token: str, content: bytes, status: int, slug: str
) -> None:
    document = answers("evenement", "valid-minimal")
    body = live.multipart(document, {"grondplan-1": content})
    response = client.post("/api/v1/forms/evenement/submissions", headers=auth(token), **body)
    problem(response, status, slug)
    assert_nothing_left(services)


def test_a_file_the_answers_do_not_name_is_refused(
    client: TestClient[Any], services: Services, token: str
) -> None:
    body = live.multipart(answers("evenement", "valid-minimal"))
    body["files"]["los-bestand"] = ("los.pdf", live.PDF, "application/pdf")
    response = client.post("/api/v1/forms/evenement/submissions", headers=auth(token), **body)
    assert "los-bestand" in problem(response, 400, "malformed-request")["detail"]
    assert_nothing_left(services)


def test_multipart_without_answers_is_refused(
    client: TestClient[Any], services: Services, token: str
) -> None:
    files = {"grondplan-1": ("plan.pdf", live.PDF, "application/pdf")}
    response = client.post("/api/v1/forms/evenement/submissions", headers=auth(token), files=files)
    assert "answers" in problem(response, 400, "malformed-request")["detail"]
    assert_nothing_left(services)


def test_answers_refused_after_their_files_arrived_leave_no_blob(
    client: TestClient[Any], services: Services, token: str
) -> None:
    document = answers("evenement", "valid-minimal")
    document["organisator"] = {}
    response = client.post(
        "/api/v1/forms/evenement/submissions", headers=auth(token), **live.multipart(document)
    )
    problem(response, 422, "invalid-answers")
    assert_nothing_left(services)


def test_the_wrong_method_and_a_bad_key_header_get_problems(
    client: TestClient[Any], token: str
) -> None:
    problem(client.get("/api/v1/forms/evenement/submissions"), 405, "method-not-allowed")
    headers = auth(token, **{"Idempotency-Key": "x" * 256})
    response = client.post(
        "/api/v1/forms/evenement/submissions",
        headers=headers,
        **live.multipart(answers("evenement", "valid-minimal")),
    )
    problem(response, 400, "malformed-request")
