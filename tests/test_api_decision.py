"""`GET /api/v1/dossiers/{number}/decision` through the app, on SQLite and PostgreSQL: 404 until
the dossier is decided and outside the key's forms, 202 while the outbox makes the letter, then
the sealed PDF, each answer as the OpenAPI document says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from litestar.testing import TestClient
from tests.conftest import NOW, service_settings
from tests.test_api import auth, problem
from tests.test_api_handling import acted, filed
from tests.test_openapi import documented

from formkit.forms.catalogue import Catalogue
from formkit.receipts import verify_receipt
from formkit.store.outbox import Job
from formkit.web.services import Services
from formkit.work import DECISION_LETTER, DecisionLetterPdf

DECISION = "/api/v1/dossiers/{number}/decision"


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    """No outbox worker: the test runs the letter's job itself, when it chooses."""
    settings = service_settings(tmp_path, database_url, outbox_worker="0")
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


@pytest.fixture
def handler(services: Services) -> str:
    return services.api_keys.create("backoffice", ["evenement"], ["read", "handle"])[1]


def _decide(client: TestClient[Any], handler: str, number: str) -> None:
    acted(client, handler, number, action="admissible", track="melding")
    acted(client, handler, number, action="decide", outcome="toegestaan", motivation="Klein.")


def test_the_letter_is_404_until_decided_202_while_made_then_the_sealed_pdf(
    client: TestClient[Any], services: Services, token: str, handler: str
) -> None:
    schema = documented(client)
    number = filed(client, token)
    url = f"/api/v1/dossiers/{number}/decision"

    def get(key: str) -> Any:
        response = client.get(url, headers=auth(key))
        schema[DECISION]["GET"].validate_response(response)
        return response

    refused = problem(get(token), 404, "not-found")
    assert refused["detail"] == f"Over dossier {number} is (nog) niet beslist."
    _decide(client, handler, number)
    pending = get(token)
    assert pending.status_code == 202
    assert pending.headers["retry-after"] == "5"
    assert pending.json()["status"] == "in-aanmaak"

    job = Job(1, DECISION_LETTER, {"number": number}, datetime.now(UTC), 1)
    anyio.run(DecisionLetterPdf(services.letter_work()).handle, job)
    letter = get(handler)
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert (
        letter.headers["content-disposition"] == f'attachment; filename="beslissing-{number}.pdf"'
    )
    report = verify_receipt(letter.content, trust_roots=list(services.seal.chain))
    assert report.ok, report.checks
    assert report.letter is not None
    assert report.letter.body.number == number
    assert get(token).content == letter.content  # made once, the same bytes every time


def test_a_key_without_read_on_the_form_finds_no_letter(
    client: TestClient[Any], services: Services, token: str, handler: str
) -> None:
    number = filed(client, token)
    _decide(client, handler, number)
    other_form = services.api_keys.create("bouw", ["bouwaanvraag"], ["read"])[1]
    write_only = services.api_keys.create("loket", ["*"], ["write"])[1]
    for key in (other_form, write_only):
        response = client.get(f"/api/v1/dossiers/{number}/decision", headers=auth(key))
        problem(response, 404, "not-found")
    problem(client.get(f"/api/v1/dossiers/{number}/decision"), 401, "unauthenticated")
