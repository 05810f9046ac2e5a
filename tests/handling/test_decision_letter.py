"""The decision letter: queued with the decision, made once by the outbox, sealed with PAdES,
logged beside the receipts, and checked offline by `formkit verify`, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from tests.conftest import ROOT, SCHEMAS, answers, receipts_for_tests, seal_for_tests

import formkit
from formkit.filing._filing import Filing
from formkit.filing.blobs import FileBlobStore
from formkit.handling.actions import Assign, Decide, FindAdmissible, GiveAdvice, RequestAdvice
from formkit.handling.events import Actor, ActorKind
from formkit.handling.letters import addressee
from formkit.handling.organisation import load_organisation
from formkit.receipts import (
    Addressee,
    Issuer,
    LetterTemplate,
    add_verify_command,
    verify_receipt,
)
from formkit.receipts._pades import read_sealed_pdf
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.handling import HandlingStore
from formkit.store.letters import LetterStore
from formkit.store.log import FilingLog
from formkit.store.outbox import Job
from formkit.store.receipts import ReceiptStore
from formkit.work import DECISION_LETTER, DecisionLetterPdf, LetterWork

FORM = formkit.load_form(SCHEMAS / "bouwaanvraag.json")
ORGANISATION = load_organisation(SCHEMAS / "organisatie.json")
DEPARTMENTS = frozenset(d.id for d in ORGANISATION.departments)
OFFICIAL = Actor(ActorKind.STAFF, "sub-an", "An Peeters", "omgeving")
FIRE = Actor(ActorKind.STAFF, "sub-brandweer", "Adviseur brandweer", "brandweer")
SOON = datetime.now(UTC) + timedelta(days=1)
MOTIVATION = "De aanbouw past in de straat.\nDe brandweer vraagt een tweede vluchtweg."
NATIONAL_NUMBERS = ("92010705723", "96022509818")


@dataclass
class Decided:
    number: str
    work: LetterWork
    engine: sa.Engine

    def run_job(self) -> None:
        job = Job(1, DECISION_LETTER, {"number": self.number}, datetime.now(UTC), 1)
        anyio.run(DecisionLetterPdf(self.work).handle, job)

    def pdf(self) -> bytes:
        stored = self.work.letters.get(self.number)
        assert stored is not None
        sha256 = stored.pdf_sha256
        assert sha256 is not None

        async def read() -> bytes:
            return b"".join([chunk async for chunk in self.work.blobs.open(sha256)])

        return anyio.run(read)

    def rows(self, model: type, **where: object) -> list[sa.Row[tuple[object, ...]]]:
        table: sa.Table = model.__table__  # type: ignore[attr-defined]
        query = sa.select(table).where(*(table.c[k] == v for k, v in where.items()))
        with self.engine.connect() as connection:
            return list(connection.execute(query))


def _filing() -> Filing:
    return Filing(
        form_id=FORM.id,
        form_title=FORM.title,
        prefix=FORM.prefix,
        version=FORM.version,
        answers=answers("bouwaanvraag", "valid-full"),
        attachments=(),
        channel="web",
        idempotency_key=None,
        request_digest="d",
    )


@pytest.fixture
def decided(database_url: str, tmp_path: Path) -> Iterator[Decided]:
    """A bouwaanvraag taken through advice to a decision, its letter job not yet run."""
    engine = open_database(database_url)
    receipts = receipts_for_tests()
    (filed,) = DossierStore(engine, receipts).file([_filing()], {FORM.version: FORM.schema})
    handling = HandlingStore(engine, {FORM.id: FORM.annotations.procedure}.get, DEPARTMENTS)
    number = filed.number
    handling.act(number, Assign("sub-an", "An Peeters"), OFFICIAL, SOON)
    handling.act(number, FindAdmissible("regulier"), OFFICIAL, SOON)
    handling.act(number, RequestAdvice(("brandweer",)), OFFICIAL, SOON)
    advice = GiveAdvice("brandweer", "voorwaardelijk-gunstig", "Een tweede vluchtweg.")
    handling.act(number, advice, FIRE, SOON)
    handling.act(number, Decide("vergund-onder-voorwaarden", MOTIVATION), OFFICIAL, SOON)
    work = LetterWork(
        letters=LetterStore(engine, FilingLog(seal_for_tests())),  # another process's log
        handling=handling,
        receipts=ReceiptStore(engine),
        organisation=lambda: ORGANISATION,
        issuer=Issuer("Stad Mechelen", "https://loket.test"),
        seal=seal_for_tests(),
        blobs=FileBlobStore(tmp_path / "blobs"),
        template=LetterTemplate.read(ROOT / "renderers" / "letter"),
    )
    yield Decided(number, work, engine)
    engine.dispose()


def _roots() -> list[bytes]:
    return list(seal_for_tests().chain)


def test_the_decision_queues_the_letter_and_the_job_makes_it_once(decided: Decided) -> None:
    (queued,) = decided.rows(t.Outbox, topic=DECISION_LETTER)
    assert queued.payload == {"number": decided.number}
    assert decided.work.letters.get(decided.number) is None
    decided.run_job()
    first = decided.work.letters.get(decided.number)
    assert first is not None
    assert first.ready
    decided.run_job()  # the outbox may hand a job out twice: nothing is made again
    again = decided.work.letters.get(decided.number)
    assert again == first
    leaves = decided.rows(t.LogLeaf, document="decision")
    assert len(leaves) == 1
    assert len(decided.rows(t.TreeHead)) == 2  # the filing's batch, and the letter


def test_the_letter_is_sealed_and_verifies_with_its_place_in_the_log(decided: Decided) -> None:
    decided.run_job()
    pdf = decided.pdf()
    (seal,) = read_sealed_pdf(pdf, _roots()).seals
    assert seal.holds
    assert seal.signer_certificate == seal_for_tests().certificate
    report = verify_receipt(pdf, trust_roots=_roots())
    assert report.ok, report.checks
    assert report.receipt is None
    assert report.letter is not None
    assert report.letter.body.outcome.id == "vergund-onder-voorwaarden"
    inclusion = next(check for check in report.checks if check.id == "inclusion")
    assert inclusion.message == "De beslissing staat in het openbare register, op plaats 2 van 2."
    assert [check.id for check in report.checks] == [
        "readable",
        "seal",
        "seal-certificate",
        "pdf-letter",
        "tree-head",
        "inclusion",
    ]


def test_the_letter_says_the_outcome_and_motivation_but_no_national_number(
    decided: Decided,
) -> None:
    decided.run_job()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=decided.pdf(), capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = " ".join(text.split())
    assert "Beslissing: Vergund onder voorwaarden" in flat
    assert "De aanbouw past in de straat." in flat
    assert "De brandweer vraagt een tweede vluchtweg." in flat
    assert "Brandweer Zone Rivierenland, dienst preventie: voorwaardelijk gunstig" in flat
    assert "Youssef El Amrani Brusselsesteenweg 210 bus 5 2800 Mechelen" in flat
    assert "College van burgemeester en schepenen" in flat
    assert "beroep" in flat  # what the applicant can do next
    embedded = b"".join(data for data in read_sealed_pdf(decided.pdf(), _roots()).embedded.values())
    info = subprocess.run(
        ["pdfinfo", "-"], input=decided.pdf(), capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert f"Beslissing {decided.number}" in info
    for number in NATIONAL_NUMBERS:
        assert number not in flat
        assert number.encode() not in embedded
        assert number not in info


def _verify(*arguments: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="formkit")
    add_verify_command(parser.add_subparsers(required=True))
    parsed = parser.parse_args(["verify", *map(str, arguments)])
    status: int = parsed.command(parsed)
    return status


def test_formkit_verify_accepts_the_letter_and_refuses_a_tampered_copy(
    decided: Decided, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decided.run_job()
    root = tmp_path / "root.pem"
    root.write_bytes(x509.load_der_x509_certificate(_roots()[0]).public_bytes(Encoding.PEM))
    letter = tmp_path / "beslissing.pdf"
    letter.write_bytes(decided.pdf())
    assert _verify(letter, "--trust", root) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"Beslissing over dossier {decided.number} ")
    assert "✓ De beslissing staat in het openbare register, op plaats 2 van 2." in out
    assert out.splitlines()[-1] == "Alles klopt."

    data = bytearray(decided.pdf())
    at = data.index(b"/Title (")  # the letter's title, inside what the seal covers
    data[at + 8 : at + 18] = b"Vergunning"
    tampered = tmp_path / "gewijzigd.pdf"
    tampered.write_bytes(bytes(data))
    assert _verify(tampered, "--trust", root) == 1
    out = capsys.readouterr().out
    assert "✗ Het zegel klopt niet: de beslissing werd gewijzigd na het verzegelen." in out
    assert out.splitlines()[-1].startswith("Niet alles klopt: ")


def test_receipts_made_after_a_letter_still_verify(decided: Decided) -> None:
    """The filing writer's log catches up with the letter another process appended."""
    decided.run_job()
    receipts = receipts_for_tests()
    store = DossierStore(decided.engine, receipts)
    (later,) = store.file([_filing()], {FORM.version: FORM.schema})
    stored = ReceiptStore(decided.engine).get(later.number)
    assert stored is not None
    assert stored.document["log"]["leaf_index"] == 2
    pdf = formkit.receipts.issue_pdf(
        formkit.receipts.Receipt.from_dict(stored.document), seal_for_tests()
    )
    assert verify_receipt(pdf, trust_roots=_roots()).ok


def test_a_dossier_not_decided_gets_no_letter(decided: Decided) -> None:
    receipts = receipts_for_tests()
    (other,) = DossierStore(decided.engine, receipts).file([_filing()], {FORM.version: FORM.schema})
    assert decided.work.compose(other.number) is None
    job = Job(2, DECISION_LETTER, {"number": other.number}, datetime.now(UTC), 1)
    with pytest.raises(formkit.work.UndeliverableError):
        anyio.run(DecisionLetterPdf(decided.work).handle, job)
    assert decided.work.letters.get(other.number) is None


def test_the_addressee_is_the_first_person_or_organisation_answered() -> None:
    pointers = FORM.annotations.procedure.addressee  # type: ignore[union-attr]
    person = addressee(pointers, answers("bouwaanvraag", "valid-full"))
    assert person == Addressee(
        "Youssef El Amrani", ("Brusselsesteenweg 210 bus 5", "2800 Mechelen")
    )
    company = addressee(pointers, answers("bouwaanvraag", "valid-rechtspersoon"))
    assert company is not None
    assert company.name == answers("bouwaanvraag", "valid-rechtspersoon")["aanvragers"]["naam"]
    assert len(company.address) == 2
    assert addressee(pointers, {}) is None
