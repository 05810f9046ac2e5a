"""The decision letter on the staff's dossier page, on SQLite and PostgreSQL: none before the
decision, "being made" until the outbox made it, then the sealed PDF to download, seen only by
who may see the dossier and recorded in the read audit as every attachment is."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.staff import desk

from formkit.receipts import verify_receipt
from formkit.settings import Settings
from formkit.store.outbox import Job
from formkit.web.services import Services
from formkit.work import DECISION_LETTER, DecisionLetterPdf

BEHANDELAAR = "behandelaar:bouwaanvraag"
MAKING = "De beslissingsbrief wordt gemaakt en verzegeld."


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """No outbox worker: the test makes the letter itself, when it chooses."""
    return service_settings(tmp_path, database_url, outbox_worker="0")


def url(number: str, rest: str = "") -> str:
    return f"/behandeling/dossiers/{number}{rest}"


def make_letter(services: Services, number: str) -> None:
    job = Job(1, DECISION_LETTER, {"number": number}, datetime.now(UTC), 1)
    anyio.run(DecisionLetterPdf(services.letter_work()).handle, job)


def letter_reads(services: Services) -> list[tuple[str, str, str | None]]:
    return [
        (r["subject"], r["what"], r["pointer"])
        for r in desk.reads(services)
        if r["what"] != "dossier"
    ]


def test_before_the_decision_there_is_no_letter(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVISED)
    desk.log_in(client, services, BEHANDELAAR)
    page = client.get(url(number))
    assert page.status_code == 200
    assert "Beslissingsbrief" not in page.text
    missing = client.get(url(number, "/beslissingsbrief"))
    assert missing.status_code == 404
    assert "Dit dossier heeft (nog) geen beslissingsbrief" in missing.text
    assert letter_reads(services) == []


def test_the_letter_is_offered_once_made_and_downloads_sealed(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.DECIDED)
    desk.log_in(client, services, BEHANDELAAR, name="An Peeters")
    waiting = client.get(url(number)).text
    assert MAKING in waiting
    assert "/beslissingsbrief" not in waiting
    assert client.get(url(number, "/beslissingsbrief")).status_code == 404  # not made yet

    make_letter(services, number)
    page = client.get(url(number)).text
    assert MAKING not in page
    assert f'href="/behandeling/dossiers/{number}/beslissingsbrief" download' in page
    assert "Download de beslissingsbrief</a> (PDF, " in page
    letter = client.get(url(number, "/beslissingsbrief"))
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.headers["content-disposition"].startswith(
        f'attachment; filename="beslissing-{number}.pdf"'
    )
    assert letter.headers["x-content-type-options"] == "nosniff"
    assert letter.headers["cache-control"] == "no-store"
    report = verify_receipt(letter.content, trust_roots=list(services.seal.chain))
    assert report.ok, report.checks
    assert report.letter is not None
    assert report.letter.body.number == number
    assert letter_reads(services) == [("sub-behandelaarbouwaanvraag", "beslissingsbrief", None)]


def test_the_letter_needs_the_same_permission_as_the_page(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.DECIDED)
    make_letter(services, number)
    assert client.get(url(number, "/beslissingsbrief")).status_code == 401  # not logged in
    for role in ("adviseur:mobiliteit", "behandelaar:evenement", "beheerder"):
        desk.log_in(client, services, role)
        assert client.get(url(number, "/beslissingsbrief")).status_code == 404, role
    assert desk.reads(services) == []
    desk.log_in(client, services, "adviseur:brandweer")  # asked, so they see the dossier
    assert client.get(url(number, "/beslissingsbrief")).status_code == 200
    desk.log_in(client, services, "beslisser")
    assert client.get(url(number, "/beslissingsbrief")).status_code == 200
    assert [who for who, _, _ in letter_reads(services)] == [
        "sub-adviseurbrandweer",
        "sub-beslisser",
    ]


def test_the_beheerder_reads_who_downloaded_the_letter(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.DECIDED)
    make_letter(services, number)
    desk.log_in(client, services, BEHANDELAAR, name="An Peeters")
    client.get(url(number, "/beslissingsbrief"))
    desk.log_in(client, services, "beheerder", name="Bea Beheer")
    audit = client.get("/behandeling/inzage", params={"dossier": number})
    assert audit.status_code == 200
    assert "de beslissingsbrief" in audit.text
    assert "An Peeters" in audit.text


def test_the_beheerders_start_page_links_to_the_read_audit(
    client: TestClient[Any], services: Services
) -> None:
    desk.log_in(client, services, "beheerder")
    assert 'href="/behandeling/inzage"' in client.get("/behandeling/").text
    desk.log_in(client, services, BEHANDELAAR)
    assert 'href="/behandeling/inzage"' not in client.get("/behandeling/").text
