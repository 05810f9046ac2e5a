"""`formkit verify`: plain words, ✓ and ✗, and an exit status scripts can trust."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from tests.receipts.receipt_support import Log

from formkit.eid._testcard import TestCard
from formkit.eid.signing import pem
from formkit.receipts import add_verify_command, issue_jws


@pytest.fixture
def receipts(
    tmp_path: Path, jws_receipt: str, pdf_receipt: bytes, seal_root: x509.Certificate
) -> Path:
    (tmp_path / "ontvangstbewijs.jws").write_text(jws_receipt + "\n", encoding="ascii")
    (tmp_path / "ontvangstbewijs.pdf").write_bytes(pdf_receipt)
    (tmp_path / "root.pem").write_bytes(seal_root.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "root.der").write_bytes(seal_root.public_bytes(serialization.Encoding.DER))
    return tmp_path


def _verify(*arguments: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="formkit")
    add_verify_command(parser.add_subparsers(required=True))
    parsed = parser.parse_args(["verify", *map(str, arguments)])
    status: int = parsed.command(parsed)
    return status


@pytest.mark.parametrize("name", ["ontvangstbewijs.jws", "ontvangstbewijs.pdf"])
def test_a_good_receipt_is_confirmed_check_by_check(
    name: str, receipts: Path, files_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _verify(receipts / name, "--trust", receipts / "root.pem", "--files", files_dir)
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert lines[0] == (
        "Ontvangstbewijs EVT-2026-000006: Evenement aanvragen, ingediend op "
        "28 november 2026 om 11:00 bij Stad Mechelen"
    )
    assert (
        lines[1] == "Bewijs van indiening: geen: niet ondertekend, en niet ingediend na aanmelding"
    )
    assert all(line.startswith("✓ ") for line in lines[2:-1])
    assert "✓ De bijlage grondplan.pdf komt overeen." in lines
    assert lines[-1] == "Alles klopt."


def test_a_changed_receipt_is_refused_with_the_reason(
    receipts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = (receipts / "ontvangstbewijs.pdf").read_bytes()
    (receipts / "ontvangstbewijs.pdf").write_bytes(pdf.replace(b"/Count 1", b"/Count 2", 1))
    status = _verify(receipts / "ontvangstbewijs.pdf", "--trust", receipts / "root.der")
    out = capsys.readouterr().out
    assert status == 1
    assert "✗ Het zegel klopt niet: het ontvangstbewijs werd gewijzigd na het verzegelen." in out
    assert out.splitlines()[-1].startswith("Niet alles klopt: ")


def test_without_a_trust_root_it_says_what_to_add(
    receipts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _verify(receipts / "ontvangstbewijs.jws") == 1
    assert "(--trust)" in capsys.readouterr().out


def test_json_output_lists_the_checks(receipts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = _verify(receipts / "ontvangstbewijs.jws", "--trust", receipts / "root.pem", "--json")
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    assert document["ok"] is True
    assert document["kind"] == "jws"
    assert document["number"] == "EVT-2026-000006"
    assert [check["id"] for check in document["checks"]][:3] == [
        "readable",
        "seal",
        "seal-certificate",
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        ["missing.jws"],
        ["ontvangstbewijs.jws", "--trust", "missing.pem"],
        ["ontvangstbewijs.jws", "--trust", "ontvangstbewijs.jws"],
        ["ontvangstbewijs.jws", "--files", "missing"],
        ["ontvangstbewijs.jws", "--answers", "missing.json"],
    ],
)
def test_files_that_cannot_be_used_are_a_usage_error(
    arguments: list[str],
    receipts: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(receipts)
    assert _verify(*arguments) == 2
    assert capsys.readouterr().err.startswith("formkit verify: ")


def test_garbage_is_a_failed_check_not_a_crash(
    receipts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (receipts / "rommel.txt").write_bytes(b"\x00\x01 geen ontvangstbewijs")
    assert _verify(receipts / "rommel.txt", "--trust", receipts / "root.pem") == 1
    assert "✗ Dit is geen leesbaar ontvangstbewijs" in capsys.readouterr().out


def test_a_signed_receipt_is_checked_with_its_evidence(
    tmp_path: Path,
    signed_log: Log,
    citizen_card: TestCard,
    seal_root: x509.Certificate,
    capsys: pytest.CaptureFixture[str],
) -> None:
    receipt = tmp_path / "ontvangstbewijs.jws"
    receipt.write_text(issue_jws(signed_log.receipts[0].to_dict(), signed_log.seal))
    (tmp_path / "root.pem").write_bytes(seal_root.public_bytes(serialization.Encoding.PEM))
    eid_root = tmp_path / "eid.pem"
    eid_root.write_bytes(b"".join(pem(root) for root in citizen_card.pki.trust_roots))
    evidence = tmp_path / "handtekeningbewijs.json"
    evidence.write_bytes(signed_log.evidence(0))
    trust = ("--trust", tmp_path / "root.pem", "--trust-eid", eid_root)
    status = _verify(receipt, *trust, "--evidence", evidence, "--json")
    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report["filed_by"] == "signature"
    assert [c["id"] for c in report["checks"]][-2:] == ["evidence", "citizen-signature"]
    evidence.write_bytes(signed_log.evidence(1))
    assert _verify(receipt, *trust, "--evidence", evidence) == 1
    out = capsys.readouterr().out
    assert "Bewijs van indiening: de eID-handtekening van Anna Maria TEST Peeters" in out
    assert "✗ Het handtekeningbewijs is dat van dossier EVT-2026-000102" in out
    assert _verify(receipt, *trust, "--evidence", tmp_path / "missing.json") == 2
    assert "missing.json" in capsys.readouterr().err
