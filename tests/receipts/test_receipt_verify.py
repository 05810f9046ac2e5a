"""Verification by anyone: what holds is said in plain Dutch, and any change is detected."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.receipts.receipt_support import FILES, NOW, Log, SealToken, build_log

from formkit.eid._testcard import TestCard
from formkit.eid._testpki import TestPKI
from formkit.filing._filing import canonical
from formkit.receipts import (
    CitizenSignature,
    Receipt,
    Report,
    Seal,
    SignatureEvidence,
    assemble_receipt,
    development_root,
    development_seal,
    issue_jws,
    issue_pdf,
    sign_tree_head,
    verify_receipt,
)
from formkit.receipts._merkle import InclusionProof, MerkleTree, TreeHead

Document = dict[str, Any]


def _ids(report: Report) -> list[str]:
    return [check.id for check in report.checks]


def _failed(report: Report) -> list[str]:
    return [check.id for check in report.failures]


def _answers(log: Log, index: int) -> bytes:
    return json.dumps(log.answers[index], indent=2).encode()


# What holds.


def test_a_jws_receipt_verifies(
    jws_receipt: str, seal_root: x509.Certificate, files_dir: Path, log: Log
) -> None:
    report = verify_receipt(
        jws_receipt.encode(), trust_roots=[seal_root], files_dir=files_dir, answers=_answers(log, 5)
    )
    assert report.ok, report.failures
    assert report.kind == "jws"
    assert _ids(report) == [
        "readable",
        "seal",
        "seal-certificate",
        "tree-head",
        "inclusion",
        "answers",
        "attachment",
        "attachment",
        "attachment",
    ]
    messages = [check.message for check in report.checks]
    assert "Het dossier staat in het openbare register, op plaats 6 van 7." in messages
    assert "De bijlage grondplan.pdf komt overeen." in messages
    assert "ontwikkelingszegel" in report.checks[2].message


def test_a_pdf_receipt_verifies(
    pdf_receipt: bytes, seal_root: x509.Certificate, files_dir: Path, log: Log
) -> None:
    report = verify_receipt(
        pdf_receipt, trust_roots=[seal_root], files_dir=files_dir, answers=_answers(log, 5)
    )
    assert report.ok, report.failures
    assert report.kind == "pdf"
    assert _ids(report)[:4] == ["readable", "seal", "seal-certificate", "pdf-receipt"]


def test_every_receipt_of_the_batch_verifies(log: Log, seal_root: x509.Certificate) -> None:
    for receipt in log.receipts:
        report = verify_receipt(
            issue_jws(receipt.to_dict(), log.seal).encode(), trust_roots=[seal_root]
        )
        assert report.ok, report.failures


def test_without_the_citys_root_the_seal_is_not_trusted(
    jws_receipt: str, pdf_receipt: bytes
) -> None:
    for data in (jws_receipt.encode(), pdf_receipt):
        report = verify_receipt(data)
        assert _failed(report) == ["seal-certificate"]
        assert "(--trust)" in report.failures[0].message
        assert "https://loket.mechelen.be/log/seal.pem" in report.failures[0].message
        assert "--trust-eid" not in report.failures[0].message  # not signed


def test_without_any_root_a_signed_receipt_names_both_options(signed_log: Log) -> None:
    token = issue_jws(signed_log.receipts[0].to_dict(), signed_log.seal)
    seal = verify_receipt(token.encode()).failures[0]
    assert seal.id == "seal-certificate"
    assert "/log/seal.pem" in seal.message
    assert "(--trust-eid)" in seal.message


def test_another_root_does_not_make_the_seal_trusted(
    jws_receipt: str, pdf_receipt: bytes, tmp_path: Path
) -> None:
    development_seal(tmp_path)
    other = x509.load_pem_x509_certificate(development_root(tmp_path).read_bytes())
    for data in (jws_receipt.encode(), pdf_receipt):
        assert _failed(verify_receipt(data, trust_roots=[other])) == ["seal-certificate"]


def test_a_receipt_sealed_on_an_hsm_verifies(seal_token: SealToken, files_dir: Path) -> None:
    log = _log_sealed_by(seal_token.seal)
    receipt = log.receipts[2]
    token = issue_jws(receipt.to_dict(), seal_token.seal)
    pdf = issue_pdf(receipt, seal_token.seal, jws=token)
    for data in (token.encode(), pdf):
        report = verify_receipt(data, trust_roots=[seal_token.root], files_dir=files_dir)
        assert report.ok, report.failures
        assert "formkit TEST seal (HSM)" in report.checks[2].message


def _log_sealed_by(seal: Seal) -> Log:
    return build_log(seal, 4)


# The citizen's eID signature.


def test_a_receipt_signed_with_the_eid_verifies_with_its_evidence(
    signed_log: Log, citizen_card: TestCard, seal_root: x509.Certificate
) -> None:
    receipt = signed_log.receipts[1]
    token = issue_jws(receipt.to_dict(), signed_log.seal)
    report = verify_receipt(
        token.encode(),
        trust_roots=[seal_root],
        eid_trust_roots=citizen_card.pki.trust_roots,
        answers=_answers(signed_log, 1),
        evidence=signed_log.evidence(1),
    )
    assert report.ok, report.failures
    assert "evidence" in _ids(report)
    citizen = next(check for check in report.checks if check.id == "citizen-signature")
    assert citizen.message.startswith(
        "De eID-handtekening van Anna Maria TEST Peeters (85.07.30-***.**) is echt"
    )
    answers = next(check for check in report.checks if check.id == "answers")
    assert "ondertekende precies deze antwoorden" in answers.message


def test_a_signed_receipt_names_no_full_national_number_and_carries_no_certificate(
    signed_log: Log, citizen_card: TestCard
) -> None:
    """The receipt is shown to others; the certificate's serialNumber is the full number."""
    number = citizen_card.citizen.national_number
    receipt = signed_log.receipts[0]
    token = issue_jws(receipt.to_dict(), signed_log.seal)
    pdf = issue_pdf(receipt, signed_log.seal, jws=token)
    written = json.dumps(receipt.to_dict())
    assert number not in written
    assert set(receipt.to_dict()["signer"]) == {
        "name",
        "national_number_masked",
        "certificate_sha256",
        "hash",
        "signed_digest",
        "signature_sha256",
    }
    assert number.encode() not in pdf
    assert base64.b64decode(token.split(".")[1] + "==").find(number.encode()) == -1
    certificate = json.loads(signed_log.evidence(0))["signer"]["certificate"]
    assert number.encode() in base64.b64decode(certificate)  # the holder's to give, apart


def test_without_its_evidence_a_signed_receipt_says_the_city_vouches(
    signed_log: Log, seal_root: x509.Certificate
) -> None:
    token = issue_jws(signed_log.receipts[0].to_dict(), signed_log.seal)
    report = verify_receipt(token.encode(), trust_roots=[seal_root])
    assert report.ok, report.failures
    citizen = next(check for check in report.checks if check.id == "citizen-signature")
    assert citizen.message.startswith("Volgens de stad ondertekende Anna Maria TEST Peeters")
    assert "--evidence" in citizen.message


def test_without_the_eid_roots_the_citizens_signature_is_not_vouched_for(
    signed_log: Log, seal_root: x509.Certificate
) -> None:
    token = issue_jws(signed_log.receipts[0].to_dict(), signed_log.seal)
    report = verify_receipt(
        token.encode(), trust_roots=[seal_root], evidence=signed_log.evidence(0)
    )
    assert _failed(report) == ["citizen-signature"]
    assert "--trust-eid" in report.failures[0].message


def test_an_eid_root_of_another_pki_is_refused(
    signed_log: Log, seal_root: x509.Certificate
) -> None:
    other = TestPKI.untrusted(now=NOW)
    token = issue_jws(signed_log.receipts[0].to_dict(), signed_log.seal)
    report = verify_receipt(
        token.encode(),
        trust_roots=[seal_root],
        eid_trust_roots=other.trust_roots,
        evidence=signed_log.evidence(0),
    )
    assert _failed(report) == ["citizen-signature"]
    assert "vertrouwd eID-basiscertificaat" in report.failures[0].message


def test_the_evidence_of_another_receipt_is_refused(
    signed_log: Log, citizen_card: TestCard, seal_root: x509.Certificate
) -> None:
    token = issue_jws(signed_log.receipts[0].to_dict(), signed_log.seal)
    roots = citizen_card.pki.trust_roots
    other = signed_log.evidence(1)
    report = verify_receipt(
        token.encode(), trust_roots=[seal_root], eid_trust_roots=roots, evidence=other
    )
    assert _failed(report) == ["evidence"]
    assert "dossier EVT-2026-000102, niet van EVT-2026-000101" in report.failures[0].message
    renumbered = json.loads(other)
    renumbered["number"] = signed_log.receipts[0].body.number
    report = verify_receipt(
        token.encode(),
        trust_roots=[seal_root],
        eid_trust_roots=roots,
        evidence=json.dumps(renumbered).encode(),
    )
    assert _failed(report) == ["evidence"]
    assert "hoort niet bij dit ontvangstbewijs (signed_digest verschilt)" in (
        report.failures[0].message
    )


@pytest.mark.parametrize("evidence", [b"", b"{", b'{"type": "x"}', b"[]"])
def test_unreadable_evidence_is_said(
    signed_log: Log, seal_root: x509.Certificate, evidence: bytes
) -> None:
    token = issue_jws(signed_log.receipts[0].to_dict(), signed_log.seal)
    report = verify_receipt(token.encode(), trust_roots=[seal_root], evidence=evidence)
    assert _failed(report) == ["evidence"]
    assert report.failures[0].message.startswith("Het handtekeningbewijs is onleesbaar")


def test_evidence_for_an_unsigned_receipt_is_refused(
    jws_receipt: str, signed_log: Log, seal_root: x509.Certificate
) -> None:
    report = verify_receipt(
        jws_receipt.encode(), trust_roots=[seal_root], evidence=signed_log.evidence(0)
    )
    assert _failed(report) == ["evidence"]


def test_a_wrong_citizen_signature_is_refused(
    signed_log: Log, citizen_card: TestCard, seal_root: x509.Certificate
) -> None:
    """Even sealed by the city and in the log: the signature of other answers does not pass."""
    first, second = signed_log.signatures[0], signed_log.signatures[1]
    assert first is not None
    assert second is not None
    swapped = replace(first, signature=second.signature)
    report = _resealed_signed(signed_log, 0, swapped, citizen_card)
    assert _failed(report) == ["citizen-signature"]
    assert "hoort niet bij deze gegevens" in report.failures[0].message


def test_a_signature_with_the_authentication_key_is_refused(
    signed_log: Log, citizen_card: TestCard, seal_root: x509.Certificate
) -> None:
    signature = signed_log.signatures[0]
    assert signature is not None
    authentication = citizen_card.authentication.public_bytes(Encoding.DER)
    wrong: CitizenSignature = replace(signature, certificate=authentication)
    report = _resealed_signed(signed_log, 0, wrong, citizen_card)
    assert _failed(report) == ["citizen-signature"]


def test_a_receipt_of_the_first_version_still_verifies(
    seal: Seal, citizen_card: TestCard, seal_root: x509.Certificate
) -> None:
    """Receipts issued before v2 carried the whole signature: they verify as they did."""
    log = build_log(seal, 2, signer=citizen_card, start=201, v1=True)
    receipt = log.receipts[1]
    assert receipt.to_dict()["type"] == "formkit.receipt.v1"
    assert "certificate" in receipt.to_dict()["signer"]
    assert Receipt.from_dict(receipt.to_dict()) == receipt
    token = issue_jws(receipt.to_dict(), log.seal)
    for data in (token.encode(), issue_pdf(receipt, log.seal, jws=token)):
        report = verify_receipt(
            data,
            trust_roots=[seal_root],
            eid_trust_roots=citizen_card.pki.trust_roots,
            answers=_answers(log, 1),
        )
        assert report.ok, report.failures
        citizen = next(check for check in report.checks if check.id == "citizen-signature")
        assert "is echt" in citizen.message


def _resealed_signed(log: Log, index: int, signature: CitizenSignature, card: TestCard) -> Report:
    """Reseal receipt `index` naming `signature` (as if the city accepted it), with evidence."""
    number = log.receipts[index].body.number
    report = _resealed(
        log,
        index,
        lambda body: replace(body, signer=signature.summary()),
        card,
        evidence=SignatureEvidence(number, signature).to_json(),
    )
    assert "evidence" not in _failed(report)
    return report


def _resealed(
    log: Log,
    index: int,
    change: Callable[[Any], Any],
    card: TestCard | None = None,
    evidence: bytes | None = None,
) -> Report:
    """Change a body, put it in a fresh log and seal it: only the changed part can fail."""
    bodies = [receipt.body for receipt in log.receipts]
    bodies[index] = change(bodies[index])
    tree = MerkleTree(body.leaf_hash() for body in bodies)
    head = sign_tree_head(TreeHead(tree.size, tree.root_hash(), 1_795_000_000_000), log.seal)
    proof = InclusionProof(index, tree.size, tuple(tree.inclusion_proof(index)))
    receipt = assemble_receipt(bodies[index], proof, head)
    roots = [] if card is None else list(card.pki.trust_roots)
    token = issue_jws(receipt.to_dict(), log.seal)
    return verify_receipt(
        token.encode(), trust_roots=[_root(log)], eid_trust_roots=roots, evidence=evidence
    )


def _root(log: Log) -> x509.Certificate:
    chain = log.seal.chain
    return x509.load_der_x509_certificate(chain[-1])


# Changes to the answers and the attachments.


def test_changed_answers_are_detected(
    log: Log, jws_receipt: str, seal_root: x509.Certificate
) -> None:
    original = log.answers[5]
    for path, value in _leaves(original):
        changed = copy.deepcopy(original)
        _set(changed, path, _other(value))
        report = verify_receipt(
            jws_receipt.encode(), trust_roots=[seal_root], answers=json.dumps(changed).encode()
        )
        assert _failed(report) == ["answers"], path


def test_answers_as_sent_are_asked_for_as_stored(
    log: Log, jws_receipt: str, seal_root: x509.Certificate
) -> None:
    """The receipt covers the stored answers: files as `sha256:…`, not the names sent."""
    stored = json.dumps(log.answers[5])
    assert "sha256:" in stored
    sent = re.sub(r'"sha256:[0-9a-f]{64}"', '"grondplan-1"', stored)
    report = verify_receipt(jws_receipt.encode(), trust_roots=[seal_root], answers=sent.encode())
    assert _failed(report) == ["answers"]
    assert "met elke bijlage als sha256:" in report.failures[0].message


@pytest.mark.parametrize(
    "answers",
    [b"{'a': 1}", b"[" * 100_000 + b"]" * 100_000, b'{"a": 1, "a": 2}'],
    ids=["not JSON", "nested deep", "a key twice"],
)
def test_answers_that_are_no_json_are_detected(
    jws_receipt: str, seal_root: x509.Certificate, answers: bytes
) -> None:
    report = verify_receipt(jws_receipt.encode(), trust_roots=[seal_root], answers=answers)
    assert _failed(report) == ["answers"]


def test_changing_any_byte_of_an_attachment_is_detected(
    jws_receipt: str, seal_root: x509.Certificate, tmp_path: Path
) -> None:
    name, data = "verzekering.pdf", FILES["verzekering.pdf"]
    for other_name, other in FILES.items():
        (tmp_path / other_name).write_bytes(other)
    for position in range(len(data)):
        changed = bytearray(data)
        changed[position] ^= 0x01
        (tmp_path / name).write_bytes(changed)
        report = verify_receipt(jws_receipt.encode(), trust_roots=[seal_root], files_dir=tmp_path)
        assert [check.subject for check in report.failures] == [name], position
        assert "verschilt" in report.failures[0].message


def test_an_attachment_is_found_by_its_content_under_another_name(
    jws_receipt: str, seal_root: x509.Certificate, tmp_path: Path
) -> None:
    for number, data in enumerate(FILES.values()):
        (tmp_path / f"scan-{number}.bin").write_bytes(data)
    report = verify_receipt(jws_receipt.encode(), trust_roots=[seal_root], files_dir=tmp_path)
    assert report.ok, report.failures
    assert "komt overeen met het bestand scan-0.bin" in report.checks[-3].message


def test_a_missing_attachment_is_named(
    jws_receipt: str, seal_root: x509.Certificate, tmp_path: Path
) -> None:
    (tmp_path / "grondplan.pdf").write_bytes(FILES["grondplan.pdf"])
    report = verify_receipt(jws_receipt.encode(), trust_roots=[seal_root], files_dir=tmp_path)
    assert [check.subject for check in report.failures] == ["situatieschets.png", "verzekering.pdf"]
    assert report.failures[0].message == f"De bijlage situatieschets.png ontbreekt in {tmp_path}."


# Changes to the receipt, the proof and the tree head, even when the city seals them again.


BODY_CHANGES: dict[str, Callable[[Document], None]] = {
    "number": lambda d: d.update(number="EVT-2026-000005"),
    "form": lambda d: d.update(form="bouwaanvraag"),
    "form_title": lambda d: d.update(form_title="Bouwaanvraag"),
    "version": lambda d: d.update(version=d["version"][:-1] + "0"),
    "filed_at": lambda d: d.update(filed_at="2026-11-28T10:00:07Z"),
    "answers_sha256": lambda d: d.update(answers_sha256="0" * 64),
    "attachment name": lambda d: d["attachments"][0].update(name="plan.pdf"),
    "attachment size": lambda d: d["attachments"][1].update(size=1),
    "attachment sha256": lambda d: d["attachments"][2].update(sha256="f" * 64),
    "attachment media type": lambda d: d["attachments"][2].update(media_type="text/plain"),
    "attachment pointer": lambda d: d["attachments"][2].update(pointer="/x"),
    "attachment removed": lambda d: d["attachments"].pop(),
    "issuer": lambda d: d["issuer"].update(name="Stad Lier"),
    "verify_url": lambda d: d.update(verify_url="https://example.org/"),
}


@pytest.mark.parametrize("change", BODY_CHANGES)
def test_a_changed_receipt_resealed_by_the_city_still_fails_the_log(
    change: str, receipt: Receipt, seal: Seal, seal_root: x509.Certificate
) -> None:
    """The log pins the body: not even the seal key can change a receipt unnoticed."""
    document = receipt.to_dict()
    BODY_CHANGES[change](document)
    report = verify_receipt(issue_jws(document, seal).encode(), trust_roots=[seal_root])
    assert _failed(report) == ["inclusion"]


def test_changing_any_byte_of_the_audit_path_is_detected(
    receipt: Receipt, seal: Seal, seal_root: x509.Certificate
) -> None:
    path = receipt.proof.audit_path
    for node, digest in enumerate(path):
        for position in range(len(digest)):
            changed = bytearray(digest)
            changed[position] ^= 0x80
            audit_path = (*path[:node], bytes(changed), *path[node + 1 :])
            forged = Receipt(
                receipt.body, replace(receipt.proof, audit_path=audit_path), receipt.tree_head
            )
            report = verify_receipt(
                issue_jws(forged.to_dict(), seal).encode(), trust_roots=[seal_root]
            )
            assert _failed(report) == ["inclusion"], (node, position)


@pytest.mark.parametrize(
    ("member", "value"),
    [("leaf_index", 4), ("leaf_index", 6), ("audit_path", []), ("tree_size", 6)],
)
def test_a_changed_proof_is_detected(
    member: str, value: object, receipt: Receipt, seal: Seal, seal_root: x509.Certificate
) -> None:
    document = receipt.to_dict()
    document["log"][member] = value
    report = verify_receipt(issue_jws(document, seal).encode(), trust_roots=[seal_root])
    assert not report.ok
    assert set(_failed(report)) <= {"readable", "inclusion"}


@settings(max_examples=60, deadline=None)
@given(member=st.sampled_from(["root_hash", "signature"]), bit=st.integers(min_value=0))
def test_changing_any_bit_of_the_tree_head_is_detected(
    receipt: Receipt, seal: Seal, seal_root: x509.Certificate, member: str, bit: int
) -> None:
    head = receipt.tree_head
    raw = bytearray(head.head.root_hash if member == "root_hash" else head.signature)
    bit %= len(raw) * 8
    raw[bit // 8] ^= 1 << (bit % 8)
    if member == "root_hash":
        changed = replace(head, head=replace(head.head, root_hash=bytes(raw)))
    else:
        changed = replace(head, signature=bytes(raw))
    forged = Receipt(receipt.body, receipt.proof, changed)
    report = verify_receipt(issue_jws(forged.to_dict(), seal).encode(), trust_roots=[seal_root])
    expected = {"tree-head", "inclusion"} if member == "root_hash" else {"tree-head"}
    assert set(_failed(report)) == expected


@pytest.mark.parametrize("member", ["tree_size", "timestamp_ms"])
def test_a_changed_tree_head_number_is_detected(
    member: str, receipt: Receipt, seal: Seal, seal_root: x509.Certificate
) -> None:
    document = receipt.to_dict()
    document["log"]["tree_head"][member] += 1
    if member == "tree_size":
        document["log"]["tree_size"] += 1
    report = verify_receipt(issue_jws(document, seal).encode(), trust_roots=[seal_root])
    assert "tree-head" in _failed(report)


def test_changing_any_byte_of_the_receipt_json_breaks_the_seal(
    jws_receipt: str, seal_root: x509.Certificate
) -> None:
    """Every byte of the sealed JSON, changed without the seal key: never accepted."""
    header, payload, signature = jws_receipt.split(".")
    data = _b64url_decode(payload)
    for position in range(0, len(data), 7):
        changed = bytearray(data)
        changed[position] ^= 0x01
        token = f"{header}.{_b64url(bytes(changed))}.{signature}"
        report = verify_receipt(token.encode(), trust_roots=[seal_root])
        assert not report.ok, position
        assert {"readable", "seal"} & set(_failed(report)), position


# The sealed PDF, byte by byte.


def _regions(pdf: bytes) -> dict[str, int]:
    """Positions in each part of a sealed PDF that a tamperer might aim at."""
    placeholder = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", placeholder)
    contents = bytes.fromhex(pdf[placeholder:end].decode())
    der_end = placeholder + 2 * len(cms.ContentInfo.load(contents).dump())
    return {
        "header": 3,
        "first object": pdf.index(b" obj") + 2,
        "page content": pdf.index(b"stream", pdf.index(b"/Contents")) + 12,
        "embedded file": pdf.index(b"/EmbeddedFile") + 3,
        "catalog": pdf.index(b"/Catalog") + 2,
        "first xref": pdf.index(b"xref") + 10,
        "byte range": pdf.index(b"/ByteRange") + 13,
        "signature dictionary": pdf.index(b"/SubFilter") + 4,
        "cms start": placeholder + 1,
        "cms certificates": placeholder + 700,
        "cms signature value": der_end - 40,
        "cms padding": der_end + 10,
        "placeholder end": end - 1,
        "last xref": pdf.rindex(b"xref") + 10,
        "trailer": pdf.rindex(b"trailer") + 3,
        "end of file": len(pdf) - 3,
    }


@pytest.mark.parametrize("region", range(16))
def test_changing_a_byte_anywhere_in_the_pdf_is_detected(
    pdf_receipt: bytes, seal_root: x509.Certificate, region: int
) -> None:
    name, position = list(_regions(pdf_receipt).items())[region]
    for replacement in (b"0", b"7", b"A", b"a", b" "):
        if pdf_receipt[position : position + 1] == replacement:
            continue
        changed = pdf_receipt[:position] + replacement + pdf_receipt[position + 1 :]
        report = verify_receipt(changed, trust_roots=[seal_root])
        assert not report.ok, (name, replacement)


def _cms_parts(pdf: bytes) -> dict[str, int]:
    """Where, in the PDF, the parts of the CMS object lie that its signature does not cover."""
    placeholder = pdf.index(b"/Contents <") + len(b"/Contents <")
    contents = bytes.fromhex(pdf[placeholder : pdf.index(b">", placeholder)].decode())
    info = cms.ContentInfo.load(contents)
    der = info.dump()
    signed_data = info["content"]
    signer_info = signed_data["signer_infos"][0]

    def at(part: bytes, offset: int) -> int:
        return placeholder + 2 * (der.index(part) + offset)

    return {
        "SignedData version": at(b"\x02\x01\x01\x31", 2),
        "digest algorithms": at(signed_data["digest_algorithms"].dump(), 6),
        "digest algorithm parameters": at(signed_data["digest_algorithms"].dump(), 15),
        "encapsulated content type": at(signed_data["encap_content_info"].dump(), 12),
        "certificate": at(signed_data["certificates"].dump(), 40),
        "signer identifier": at(signer_info["sid"].dump(), 30),
        "signer serial number": at(signer_info["sid"].dump(), len(signer_info["sid"].dump()) - 2),
        "signer info version": at(signer_info.dump(), 6),
        "signature algorithm": at(signer_info["signature_algorithm"].dump(), 4),
    }


@pytest.mark.parametrize("part", range(9))
def test_the_unsigned_parts_of_the_cms_are_accounted_for(
    pdf_receipt: bytes, seal_root: x509.Certificate, part: int
) -> None:
    """Outside the signed attributes a validator reads leniently: formkit does not."""
    name, position = list(_cms_parts(pdf_receipt).items())[part]
    digit = pdf_receipt[position : position + 1]
    for other in (b"0", b"7", b"E"):
        if other == digit:
            continue
        changed = pdf_receipt[:position] + other + pdf_receipt[position + 1 :]
        report = verify_receipt(changed, trust_roots=[seal_root])
        assert not report.ok, (name, other)


def test_a_hex_digit_in_another_case_is_detected(
    pdf_receipt: bytes, seal_root: x509.Certificate
) -> None:
    placeholder = pdf_receipt.index(b"/Contents <") + len(b"/Contents <")
    position = next(
        i for i in range(placeholder, placeholder + 400) if pdf_receipt[i : i + 1].isalpha()
    )
    lower = pdf_receipt[position : position + 1].lower()
    changed = pdf_receipt[:position] + lower + pdf_receipt[position + 1 :]
    report = verify_receipt(changed, trust_roots=[seal_root])
    assert _failed(report) == ["seal"]


def test_bytes_appended_to_the_pdf_are_detected(
    pdf_receipt: bytes, seal_root: x509.Certificate
) -> None:
    report = verify_receipt(pdf_receipt + b"\n%extra\n", trust_roots=[seal_root])
    assert not report.ok


@settings(max_examples=25, deadline=None)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_changing_a_random_byte_of_the_pdf_is_detected(
    pdf_receipt: bytes, seal_root: x509.Certificate, position: int, flip: int
) -> None:
    position %= len(pdf_receipt)
    changed = bytearray(pdf_receipt)
    changed[position] ^= flip
    assert not verify_receipt(bytes(changed), trust_roots=[seal_root]).ok


def test_garbage_is_unreadable_not_an_error() -> None:
    for data in (b"", b"%PDF-1.7\n%%EOF", b"\x00" * 64, "ë".encode(), b"a.b.c"):
        report = verify_receipt(data)
        assert _failed(report) == ["readable"]


# Helpers.


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _leaves(value, (*path, i))]
    return [(path, node)]


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def _other(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return value[:-1] + ("x" if value[-1:] != "x" else "y")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_answers_digest_is_over_the_canonical_answers(log: Log, receipt: Receipt) -> None:
    assert receipt.body.answers_sha256 == hashlib.sha256(canonical(log.answers[5])).hexdigest()
