"""The receipt as a value: its JSON form, strict reading, the leaf, the proof and the tree head."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from dataclasses import replace
from typing import Any

import pytest
from tests.receipts.receipt_support import ISSUER, NOW, Log, answers_of, attachments

import formkit.receipts
from formkit.filing._filing import canonical
from formkit.receipts import (
    VERIFICATION_CODE,
    Receipt,
    ReceiptBody,
    ReceiptError,
    SignatureEvidence,
    SignedTreeHead,
    assemble_receipt,
    read_evidence,
    receipt_body,
    sign_tree_head,
    verification_code,
    verification_code_of,
    verification_url,
    verify_tree_head,
)
from formkit.receipts._merkle import InclusionProof, TreeHead, leaf_hash


def test_the_public_surface_is_what_all_names() -> None:
    for name in formkit.receipts.__all__:
        assert getattr(formkit.receipts, name) is not None
    assert sorted(formkit.receipts.__all__) == sorted(set(formkit.receipts.__all__))


def test_a_receipt_says_what_was_filed(receipt: Receipt) -> None:
    document = receipt.to_dict()
    assert document["type"] == "formkit.receipt.v2"
    assert document["number"] == "EVT-2026-000006"
    assert document["filed_at"] == "2026-11-28T10:00:06Z"
    assert document["answers_sha256"] == hashlib.sha256(canonical(answers_of(6))).hexdigest()
    names = [attachment["name"] for attachment in document["attachments"]]
    assert names == ["grondplan.pdf", "situatieschets.png", "verzekering.pdf"]
    assert document["signer"] is None
    assert document["authentication"] is None
    assert document["issuer"] == {"name": "Stad Mechelen", "url": "https://loket.mechelen.be"}
    code = verification_code_of(document["verify_url"])
    assert code is not None
    assert document["verify_url"] == f"https://loket.mechelen.be/verificatie?code={code}"
    assert set(document["log"]) == {"leaf_index", "tree_size", "audit_path", "tree_head"}
    assert document["log"]["leaf_index"] == 5
    assert set(document["log"]["tree_head"]) == {
        "tree_size",
        "root_hash",
        "timestamp_ms",
        "signature",
    }


def test_the_leaf_is_the_hash_of_the_canonical_body(receipt: Receipt) -> None:
    body = {k: v for k, v in receipt.to_dict().items() if k != "log"}
    assert receipt.body.leaf_hash() == leaf_hash(canonical(body))


def test_a_receipt_reads_back_as_itself(log: Log) -> None:
    for receipt in log.receipts:
        assert Receipt.from_dict(receipt.to_dict()) == receipt


def test_a_signed_receipt_reads_back_as_itself(signed_log: Log) -> None:
    receipt = signed_log.receipts[0]
    assert receipt.body.signer is not None
    assert receipt.body.signer.name == "Anna Maria TEST Peeters"
    assert receipt.body.signer.national_number_masked == "85.07.30-***.**"
    assert Receipt.from_dict(receipt.to_dict()) == receipt


def _mutations(receipt: Receipt) -> list[tuple[str, Any]]:
    return [
        ("type", "formkit.receipt.v3"),
        ("type", "formkit.receipt.v1"),
        ("number", 6),
        ("filed_at", "2026-11-28T11:00:06+01:00"),
        ("filed_at", "2026-11-28T10:00:06.000Z"),
        ("filed_at", "2026-11-28 10:00:06Z"),
        ("answers_sha256", "A" * 64),
        ("answers_sha256", "a" * 63),
        ("attachments", {}),
        ("issuer", {"name": "Stad Mechelen"}),
        ("verify_url", None),
        ("extra", "member"),
    ]


@pytest.mark.parametrize("index", range(12))
def test_reading_refuses_anything_formkit_does_not_write(receipt: Receipt, index: int) -> None:
    key, value = _mutations(receipt)[index]
    document = receipt.to_dict()
    document[key] = value
    with pytest.raises(ReceiptError):
        Receipt.from_dict(document)


def test_reading_refuses_a_missing_member(receipt: Receipt) -> None:
    for key in receipt.to_dict():
        document = receipt.to_dict()
        del document[key]
        with pytest.raises(ReceiptError):
            Receipt.from_dict(document)


def test_reading_refuses_a_bad_attachment(receipt: Receipt) -> None:
    for key, value in [("size", -1), ("size", True), ("size", 1.5), ("sha256", "z" * 64)]:
        document = receipt.to_dict()
        document["attachments"][0][key] = value
        with pytest.raises(ReceiptError):
            Receipt.from_dict(document)


def test_evidence_refuses_a_signer_whose_certificate_hash_is_not_its_certificate(
    signed_log: Log,
) -> None:
    document = json.loads(signed_log.evidence(0))
    assert SignatureEvidence.from_dict(document).signature == signed_log.signatures[0]
    document["signer"]["certificate_sha256"] = "0" * 64
    with pytest.raises(ReceiptError, match="certificate_sha256"):
        SignatureEvidence.from_dict(document)
    with pytest.raises(ReceiptError, match="type"):
        read_evidence(json.dumps({**document, "type": "formkit.receipt.v2"}).encode())


def test_reading_refuses_base64_with_stray_bits(signed_log: Log) -> None:
    document = signed_log.receipts[0].to_dict()
    document["signer"]["signed_digest"] = document["signer"]["signed_digest"] + "=="
    with pytest.raises(ReceiptError):
        Receipt.from_dict(document)
    evidence = json.loads(signed_log.evidence(0))
    signature = evidence["signer"]["signature"]  # 96 bytes: 128 characters, no padding
    evidence["signer"]["signature"] = signature + "=="
    with pytest.raises(ReceiptError):
        SignatureEvidence.from_dict(evidence)
    assert len(signature) == 128


def test_a_receipt_has_a_signer_or_an_authentication_not_both(signed_log: Log) -> None:
    document = signed_log.receipts[0].to_dict()
    document["authentication"] = {
        "name": "Anna Maria TEST Peeters",
        "national_number_masked": "85.07.30-***.**",
        "provider": "fas",
        "level": "urn:be:fedict:iam:fas:Level450",
        "assurance": "hoog",
        "at": "2026-11-28T09:58:00Z",
    }
    with pytest.raises(ReceiptError, match="not both"):
        Receipt.from_dict(document)
    document["signer"] = None
    assert Receipt.from_dict(document).body.authentication is not None


def test_reading_refuses_a_log_whose_sizes_differ(receipt: Receipt) -> None:
    document = copy.deepcopy(receipt.to_dict())
    document["log"]["tree_head"]["tree_size"] = 8
    with pytest.raises(ReceiptError, match="tree_size"):
        Receipt.from_dict(document)


def test_a_body_refuses_a_signature_over_other_answers(signed_log: Log) -> None:
    signer = signed_log.receipts[0].body.signer
    with pytest.raises(ReceiptError, match="signed digest"):
        receipt_body(
            number="EVT-2026-000999",
            form_id="evenement",
            form_title="Evenement aanvragen",
            version="sha256:0",
            filed_at=NOW,
            answers=answers_of(999),
            attachments=attachments(),
            issuer=ISSUER,
            signer=signer,
        )


def test_a_receipt_is_only_assembled_with_a_proof_that_leads_to_the_head(log: Log) -> None:
    receipt = log.receipts[2]
    other = log.receipts[3]
    with pytest.raises(ReceiptError, match="does not lead"):
        assemble_receipt(other.body, receipt.proof, receipt.tree_head)
    shorter = InclusionProof(2, 6, receipt.proof.audit_path)
    with pytest.raises(ReceiptError, match="tree size"):
        assemble_receipt(receipt.body, shorter, receipt.tree_head)


def test_a_moment_is_written_in_utc_with_a_z(receipt: Receipt) -> None:
    body = replace(receipt.body, filed_at=NOW.replace(microsecond=250))
    assert body.to_dict()["filed_at"] == "2026-11-28T10:00:00.000250Z"
    assert ReceiptBody.from_dict(body.to_dict()) == body


def test_every_receipt_gets_its_own_random_verification_code(log: Log) -> None:
    codes = [verification_code_of(r.body.verify_url) for r in log.receipts]
    assert all(code is not None and VERIFICATION_CODE.fullmatch(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert len(base64.urlsafe_b64decode(f"{codes[0]}==")) == 16  # 128 bits


def test_the_verification_code_is_read_back_from_the_link() -> None:
    code = verification_code()
    assert verification_url("https://x.be/", code) == f"https://x.be/verificatie?code={code}"
    assert verification_code_of(verification_url("https://x.be", code)) == code
    # The link of a receipt from before codes, and links that are no receipt's, carry none.
    assert verification_code_of("https://x.be/verificatie?dossier=EVT-2026-000001") is None
    assert verification_code_of(f"https://x.be/verificatie?code={code}&code={code}") is None
    assert verification_code_of("https://x.be/verificatie?code=short") is None


def test_a_tree_head_is_sealed_and_checked(log: Log) -> None:
    head = TreeHead(log.tree.size, log.tree.root_hash(), 1_795_000_000_000)
    signed = sign_tree_head(head, log.seal)
    assert verify_tree_head(signed, log.seal.certificate)
    assert SignedTreeHead.from_dict(signed.to_dict()) == signed
    for other in (
        TreeHead(head.tree_size, head.root_hash, head.timestamp_ms + 1),
        TreeHead(head.tree_size - 1, log.tree.root_hash(head.tree_size - 1), head.timestamp_ms),
    ):
        assert not verify_tree_head(SignedTreeHead(other, signed.signature), log.seal.certificate)


@pytest.mark.parametrize("signature", ["", "a+b", "AAAA=", "AB", 5])
def test_a_tree_head_signature_has_one_spelling(log: Log, signature: object) -> None:
    document = log.receipts[0].tree_head.to_dict()
    document["signature"] = signature
    with pytest.raises(ValueError, match="signature"):
        SignedTreeHead.from_dict(document)
