"""The PDF receipt: what people read on it, what it carries, and its PAdES seal."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from tests.receipts.receipt_support import NOW, Log, qr_codes

from formkit.receipts import (
    EMBEDDED_JSON,
    EMBEDDED_JWS,
    Receipt,
    ReceiptAttachment,
    ReceiptLayout,
    Seal,
    issue_pdf,
    read_jws,
    read_layout,
    render_receipt_pdf,
    verify_receipt,
)
from formkit.receipts._pades import read_sealed_pdf

ROOT = Path(__file__).resolve().parents[2]


def _text(pdf: bytes) -> str:
    """What a reader sees: the text of every page, as poppler's pdftotext extracts it."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils", pytrace=False)
    result = subprocess.run([tool, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def _pages(pdf: bytes) -> int:
    count: int = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"]
    return count


def test_the_pdf_says_what_the_receipt_says(pdf_receipt: bytes, receipt: Receipt) -> None:
    text = " ".join(_text(pdf_receipt).split())
    body = receipt.body
    assert "Ontvangstbewijs" in text
    assert "Dossier EVT-2026-000006" in text
    assert "Evenement aanvragen" in text
    assert "28 november 2026 om 11:00 (Belgische tijd)" in text
    assert body.answers_sha256 in text
    for attachment in body.attachments:
        assert attachment.name in text
        assert f"SHA-256 {attachment.sha256}" in text
    assert "Niet ondertekend met de eID." in text
    assert "plaats 6 van 7" in text
    assert body.verify_url in text
    assert _pages(pdf_receipt) == 1


def test_the_qr_code_leads_to_the_verification_page_by_code_not_number(
    pdf_receipt: bytes, receipt: Receipt
) -> None:
    assert qr_codes(pdf_receipt) == [receipt.body.verify_url]
    assert receipt.body.verify_url.startswith("https://loket.mechelen.be/verificatie?code=")
    assert receipt.body.number not in receipt.body.verify_url


def test_the_pdf_names_the_citizen_who_signed_with_a_masked_number(
    signed_log: Log, seal: Seal
) -> None:
    pdf = issue_pdf(signed_log.receipts[1], seal)
    text = " ".join(_text(pdf).split())
    assert "Anna Maria TEST Peeters, rijksregisternummer 85.07.30-***.**" in text
    assert "85073003328" not in text


def test_the_pdf_carries_the_receipt_and_its_jws(
    pdf_receipt: bytes, receipt: Receipt, jws_receipt: str, seal_root: x509.Certificate
) -> None:
    root = seal_root.public_bytes(serialization.Encoding.DER)
    embedded = read_sealed_pdf(pdf_receipt, [root]).embedded
    assert set(embedded) == {EMBEDDED_JSON, EMBEDDED_JWS}
    assert json.loads(embedded[EMBEDDED_JSON]) == receipt.to_dict()
    assert embedded[EMBEDDED_JWS].decode() == jws_receipt
    assert read_jws(embedded[EMBEDDED_JWS])[0] == receipt.to_dict()


def test_the_seal_validates_with_pyhankos_validator(
    pdf_receipt: bytes, seal_root: x509.Certificate
) -> None:
    root = asn1_x509.Certificate.load(seal_root.public_bytes(serialization.Encoding.DER))

    async def validate() -> bool:
        signature = PdfFileReader(io.BytesIO(pdf_receipt)).embedded_signatures[0]
        context = ValidationContext(trust_roots=[root], allow_fetching=False)
        status = await async_validate_pdf_signature(signature, context)
        return bool(status.bottom_line and status.md_algorithm == "sha384")

    assert asyncio.run(validate())


def test_the_seal_validates_with_the_pyhanko_command(
    pdf_receipt: bytes, seal_root: x509.Certificate, tmp_path: Path
) -> None:
    command = Path(sys.executable).with_name("pyhanko")
    if not command.is_file():
        pytest.skip("pyhanko-cli is not installed")
    (tmp_path / "root.pem").write_bytes(seal_root.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "ontvangstbewijs.pdf").write_bytes(pdf_receipt)
    arguments = [str(command), "sign", "validate", "--trust", "root.pem", "--trust-replace"]
    arguments += ["--executive-summary", "ontvangstbewijs.pdf"]
    valid = subprocess.run(arguments, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert ":VALID" in valid.stdout
    changed = pdf_receipt.replace(b"EVT-2026-000006", b"EVT-2026-000009", 1)
    (tmp_path / "ontvangstbewijs.pdf").write_bytes(changed)
    invalid = subprocess.run(arguments, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert invalid.returncode != 0


def test_many_attachments_flow_onto_a_second_page(receipt: Receipt, seal: Seal) -> None:
    many = tuple(
        ReceiptAttachment(f"/bijlagen/{n}", f"foto-{n}.jpg", 2_345_678, "image/jpeg", "ab" * 32)
        for n in range(14)
    )
    longer = Receipt(replace(receipt.body, attachments=many), receipt.proof, receipt.tree_head)
    pdf = render_receipt_pdf(longer, "x.y.z", ReceiptLayout())
    assert _pages(pdf) == 2
    text = _text(pdf)
    assert "foto-13.jpg" in text
    assert "image/jpeg, 2,3 MB" in text
    assert "pagina 2/2" in text


def test_every_receipt_embeds_its_fonts_and_prints_letters_beyond_western_european(
    receipt: Receipt,
) -> None:
    layout = ReceiptLayout()
    if layout.regular_font is None or not layout.regular_font.is_file():
        pytest.skip("DejaVu fonts are not installed (fonts-dejavu-core)")
    titled = Receipt(
        replace(receipt.body, form_title="Feest van Łukasz Wałęsa"),
        receipt.proof,
        receipt.tree_head,
    )
    pdf = render_receipt_pdf(titled, "x.y.z", layout)
    assert b"/FontFile2" in pdf
    assert "Feest van Łukasz Wałęsa" in _text(pdf)
    plain = render_receipt_pdf(receipt, "x.y.z", layout)
    assert b"/FontFile2" in plain  # PDF/UA: even Western European text, in embedded fonts
    assert b"/Helvetica" not in plain
    assert b"/Courier" not in plain


def test_without_a_unicode_font_such_letters_print_as_question_marks(receipt: Receipt) -> None:
    titled = Receipt(
        replace(receipt.body, form_title="Feest van Łukasz"), receipt.proof, receipt.tree_head
    )
    pdf = render_receipt_pdf(titled, "x.y.z", ReceiptLayout(regular_font=None, bold_font=None))
    assert "Feest van ?ukasz" in _text(pdf)


def test_the_shipped_layout_file_is_the_default_look() -> None:
    assert read_layout(ROOT / "renderers" / "receipt" / "layout.json") == ReceiptLayout()


@pytest.fixture(scope="module")
def timestamp_authority() -> tuple[DummyTimeStamper, x509.Certificate]:
    """A TEST TSA: RSA (pyHanko's in-process TSA signs with RSA), EKU timeStamping, critical."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "formkit TEST TSA root")])
    tsa_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "formkit TEST TSA")])

    def builder(subject: x509.Name, key: object) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(root_name)
            .public_key(key)  # type: ignore[arg-type]
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=3650))
        )

    root = (
        builder(root_name, root_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    tsa = (
        builder(tsa_name, tsa_key.public_key())
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    key_info = tsa_key.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key_info),
    )
    return stamper, root


def test_with_a_timestamp_authority_the_seal_is_b_t(
    receipt: Receipt,
    seal: Seal,
    seal_root: x509.Certificate,
    timestamp_authority: tuple[DummyTimeStamper, x509.Certificate],
) -> None:
    stamper, tsa_root = timestamp_authority
    pdf = issue_pdf(receipt, seal, timestamper=stamper)
    report = verify_receipt(pdf, trust_roots=[seal_root, tsa_root])
    assert report.ok, report.failures
    assert [check.id for check in report.checks if check.id == "timestamp"] == ["timestamp"]
    untrusted_tsa = verify_receipt(pdf, trust_roots=[seal_root])
    assert [check.id for check in untrusted_tsa.failures] == ["timestamp"]
    # The timestamp token is a CMS object of its own; its unsigned parts count too.
    placeholder = pdf.index(b"/Contents <") + len(b"/Contents <")
    contents = bytes.fromhex(pdf[placeholder : pdf.index(b">", placeholder)].decode())
    info = cms.ContentInfo.load(contents)
    attribute = info["content"]["signer_infos"][0]["unsigned_attrs"][0]
    token = attribute["values"][0]
    version = token["content"]["version"]
    assert version.native == "v3"  # RFC 5652: encapsulated TSTInfo
    at = info.dump().index(token.dump()) + token.dump().index(version.dump()) + 2
    changed = pdf[: placeholder + 2 * at + 1] + b"4" + pdf[placeholder + 2 * at + 2 :]
    assert not verify_receipt(changed, trust_roots=[seal_root, tsa_root]).ok
