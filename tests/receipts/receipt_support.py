"""Filings for the receipt tests: a small log of receipts the way formkit issues them.

`build_log` files a few dossiers (bound answers, attachments by content address), puts every
receipt body in a MerkleTree, seals one tree head for the batch and assembles the receipts.
`citizen_signature` signs the answers with a TEST eID card on SoftHSM2. `qr_codes` reads the
QR codes printed on a PDF, as a phone's camera would.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import zxingcpp
from cryptography import x509
from PIL import Image

from formkit.eid import sign_digest, verify_signed_digest
from formkit.eid._testcard import TestCard
from formkit.filing._filing import Attachment
from formkit.receipts import (
    CitizenSignature,
    Issuer,
    Pkcs11Seal,
    Receipt,
    Seal,
    SignatureEvidence,
    assemble_receipt,
    filing_digest,
    receipt_body,
    sign_tree_head,
)
from formkit.receipts._document import RECEIPT_TYPE_V1
from formkit.receipts._merkle import InclusionProof, MerkleTree, TreeHead

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
"""When the test PKI issues, and when the test dossiers are filed."""
ISSUER = Issuer("Stad Mechelen", "https://loket.mechelen.be")
VERSION = "sha256:" + hashlib.sha256(b"evenement").hexdigest()
FILES = {
    "grondplan.pdf": b"%PDF-1.7 grondplan van het evenement " + bytes(range(40)),
    "situatieschets.png": b"\x89PNG\r\n\x1a\n situatieschets " + bytes(range(200, 240)),
    "verzekering.pdf": b"%PDF-1.7 polis burgerlijke aansprakelijkheid",
}
MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png"}
CITIZEN_TOKEN = "BELPIC-RECEIPTS"
SEAL_TOKEN, SEAL_KEY, SEAL_PIN = "FORMKIT-SEAL-TEST", "Seal", "4321"


@dataclass(frozen=True)
class Log:
    """A batch of filings under one sealed tree head, with what a citizen keeps of them."""

    seal: Seal
    receipts: tuple[Receipt, ...]
    answers: tuple[dict[str, Any], ...]
    tree: MerkleTree
    signatures: tuple[CitizenSignature | None, ...] = ()  # what the dossiers keep

    def evidence(self, index: int) -> bytes:
        """The signature evidence of receipt `index`, as the citizen downloads it."""
        signature = self.signatures[index]
        assert signature is not None
        return SignatureEvidence(self.receipts[index].body.number, signature).to_json()


@dataclass(frozen=True)
class SealToken:
    """The city's seal on a SoftHSM2 token, and the TEST root that certified it."""

    seal: Pkcs11Seal
    root: x509.Certificate


def attachments() -> tuple[Attachment, ...]:
    return tuple(
        Attachment(
            f"/bijlagen/{index}",
            hashlib.sha256(data).hexdigest(),
            len(data),
            MEDIA_TYPES[name.rsplit(".", 1)[1]],
            name,
        )
        for index, (name, data) in enumerate(FILES.items())
    )


def answers_of(number: int) -> dict[str, Any]:
    """Bound answers of dossier `number`: attachments as content addresses."""
    return {
        "organisator": {"naam": "Anna Peeters", "telefoon": "+32470123456"},
        "evenement": {"naam": f"Buurtfeest {number}", "datum": "2027-05-01", "bezoekers": 250},
        "bijlagen": [
            {"bestand": f"sha256:{attachment.sha256}", "naam": attachment.label}
            for attachment in attachments()
        ],
    }


def build_log(
    seal: Seal,
    size: int = 7,
    *,
    signer: TestCard | None = None,
    start: int = 1,
    v1: bool = False,
) -> Log:
    """`size` filings sealed by `seal`; every one signed with `signer`'s card when given.

    `v1`: receipts as formkit wrote them before v2, the whole signature inside."""
    bodies, answers, signatures = [], [], []
    for number in range(start, start + size):
        document = answers_of(number)
        signature = None if signer is None else citizen_signature(signer, document, VERSION)
        body = receipt_body(
            number=f"EVT-2026-{number:06d}",
            form_id="evenement",
            form_title="Evenement aanvragen",
            version=VERSION,
            filed_at=NOW + timedelta(seconds=number),
            answers=document,
            attachments=attachments(),
            issuer=ISSUER,
            signer=signature,
        )
        if v1:
            body = replace(body, type=RECEIPT_TYPE_V1, v1_signature=signature)
        bodies.append(body)
        answers.append(document)
        signatures.append(signature)
    tree = MerkleTree(body.leaf_hash() for body in bodies)
    head = TreeHead(
        tree.size, tree.root_hash(), int((NOW + timedelta(minutes=1)).timestamp() * 1000)
    )
    sealed = sign_tree_head(head, seal)
    receipts = tuple(
        assemble_receipt(body, _proof(tree, index), sealed) for index, body in enumerate(bodies)
    )
    return Log(seal, receipts, tuple(answers), tree, tuple(signatures))


def citizen_signature(card: TestCard, answers: dict[str, Any], version: str) -> CitizenSignature:
    """The card's signature over the filing, as formkit accepts and records it."""
    digest = filing_digest("evenement", version, answers, "SHA-384")
    signed = sign_digest(card.module, card.token_label, card.pin, digest, "SHA-384")
    identity = verify_signed_digest(
        digest,
        "SHA-384",
        signed.signature,
        signed.certificate,
        trust_roots=card.pki.trust_roots,
        intermediates=card.pki.intermediates,
        at=NOW,
        revocation_required=False,
    )
    return CitizenSignature.of(
        identity,
        certificate=signed.certificate,
        chain=signed.chain,
        hash_name="SHA-384",
        signed_digest=digest,
        signature=signed.signature,
    )


def _proof(tree: MerkleTree, index: int) -> InclusionProof:
    return InclusionProof(index, tree.size, tuple(tree.inclusion_proof(index)))


def qr_codes(pdf: bytes) -> list[str]:
    """The text of every QR code on the PDF's first page, rendered by poppler as a scan would."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.fail("pdftoppm is not installed: apt-get install poppler-utils", pytrace=False)
    command = [tool, "-png", "-r", "150", "-singlefile", "-"]  # the PNG on stdout
    page = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(page))
    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]
