"""The city's seal: the development default, a PKCS#12 file, a key on a token."""

from __future__ import annotations

import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from tests.receipts.receipt_support import NOW, SEAL_KEY, SEAL_TOKEN, SealToken

from formkit.receipts import (
    Pkcs11Seal,
    Receipt,
    SealError,
    SoftwareSeal,
    development_root,
    development_seal,
    is_development_seal,
    issue_jws,
    issue_pdf,
    load_seal,
    pkcs12_seal,
    read_jws,
    sign_tree_head,
    signature_holds,
    verify_receipt,
)
from formkit.receipts._merkle import TreeHead

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def test_the_development_seal_is_made_once_and_clearly_labelled(tmp_path: Path) -> None:
    seal = development_seal(tmp_path)
    folder = tmp_path / "seal"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.txt",
        "root.pem",
        "seal-certificate.pem",
        "seal-key.pem",
    ]
    assert stat.S_IMODE((folder / "seal-key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    certificate = x509.load_der_x509_certificate(seal.certificate)
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "formkit DEVELOPMENT seal - NOT VALID"
    )
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment
    assert seal.algorithm == "ES384"
    assert is_development_seal(seal)
    assert "NOT VALID" in (folder / "README.txt").read_text()
    again = development_seal(tmp_path)
    assert again.certificate == seal.certificate
    root = x509.load_pem_x509_certificate(development_root(tmp_path).read_bytes())
    assert certificate.issuer == root.subject
    assert not list(tmp_path.glob(".seal-*"))


def test_processes_starting_together_agree_on_one_development_seal(tmp_path: Path) -> None:
    start = threading.Barrier(4)

    def start_up() -> bytes:
        start.wait()
        return development_seal(tmp_path).certificate

    with ThreadPoolExecutor(4) as pool:
        certificates = set(pool.map(lambda _: start_up(), range(4)))
    assert len(certificates) == 1
    assert not list(tmp_path.glob(".seal-*"))


def _authority(key: PrivateKey, name: str) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return _certificate(subject, subject, key.public_key(), key, ca=True)


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
    issuer_key: PrivateKey,
    *,
    ca: bool = False,
) -> x509.Certificate:
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _seal_bundle(key: PrivateKey, password: bytes) -> tuple[bytes, x509.Certificate]:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _authority(root_key, "formkit TEST city root")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "formkit TEST city seal")])
    certificate = _certificate(name, root.subject, key.public_key(), root_key)
    encryption = serialization.BestAvailableEncryption(password)
    bundle = pkcs12.serialize_key_and_certificates(b"seal", key, certificate, [root], encryption)
    return bundle, root


KEYS = {
    "ES384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


@pytest.mark.parametrize("algorithm", KEYS)
def test_a_pkcs12_seal_seals_receipts(algorithm: str, receipt: Receipt, tmp_path: Path) -> None:
    bundle, root = _seal_bundle(KEYS[algorithm](), b"geheim")
    (tmp_path / "seal.p12").write_bytes(bundle)
    environment = {
        "FORMKIT_SEAL_PKCS12": str(tmp_path / "seal.p12"),
        "FORMKIT_SEAL_PASSWORD": "geheim",
    }
    seal = load_seal(environment, tmp_path)
    assert isinstance(seal, SoftwareSeal)
    assert seal.algorithm == algorithm
    assert len(seal.chain) == 1
    assert not is_development_seal(seal)
    token = issue_jws(receipt.to_dict(), seal)
    assert read_jws(token)[1]["alg"] == algorithm
    head = sign_tree_head(TreeHead(1, b"\x01" * 32, 0), seal)
    assert signature_holds(seal.certificate, head.head.signing_input(), head.signature)
    assert not signature_holds(seal.certificate, b"other data", head.signature)
    pdf = issue_pdf(receipt, seal, jws=token)
    report = verify_receipt(pdf, trust_roots=[root])
    # The receipt's tree head was sealed by the development seal, not by this one.
    assert [check.id for check in report.failures] == ["tree-head"]


def test_a_pkcs12_seal_with_the_wrong_password_is_refused(tmp_path: Path) -> None:
    bundle, _ = _seal_bundle(ec.generate_private_key(ec.SECP384R1()), b"geheim")
    with pytest.raises(SealError, match="password"):
        pkcs12_seal(bundle, "fout")


def test_a_seal_key_that_is_not_its_certificates_is_refused(tmp_path: Path) -> None:
    seal = development_seal(tmp_path)
    with pytest.raises(SealError, match="does not belong"):
        SoftwareSeal(ec.generate_private_key(ec.SECP384R1()), seal.certificate, seal.chain)


def test_without_configuration_the_development_seal_is_used(tmp_path: Path) -> None:
    seal = load_seal({}, tmp_path)
    assert is_development_seal(seal)
    assert (tmp_path / "seal" / "root.pem").is_file()


def test_a_token_seal_needs_its_label_and_pin(tmp_path: Path) -> None:
    with pytest.raises(SealError, match="FORMKIT_SEAL_TOKEN_LABEL"):
        load_seal({"FORMKIT_SEAL_PKCS11_MODULE": "/nowhere.so"}, tmp_path)


def test_a_seal_on_a_token_signs_and_is_read_from_the_token(seal_token: SealToken) -> None:
    seal = seal_token.seal
    assert seal.algorithm == "ES384"
    certificate = x509.load_der_x509_certificate(seal.certificate)
    assert certificate.issuer == seal_token.root.subject
    assert seal.chain == (seal_token.root.public_bytes(serialization.Encoding.DER),)
    assert signature_holds(seal.certificate, b"data", seal.sign(b"data"))


def test_a_token_seal_loads_from_the_environment(seal_token: SealToken, tmp_path: Path) -> None:
    environment = {
        "FORMKIT_SEAL_PKCS11_MODULE": seal_token.seal.module,
        "FORMKIT_SEAL_TOKEN_LABEL": SEAL_TOKEN,
        "FORMKIT_SEAL_PIN": seal_token.seal.pin,
    }
    seal = load_seal(environment, tmp_path)
    assert isinstance(seal, Pkcs11Seal)
    assert seal.certificate == seal_token.seal.certificate
    assert seal.key_label == SEAL_KEY


def test_a_token_seal_with_the_wrong_pin_is_refused(seal_token: SealToken) -> None:
    with pytest.raises(SealError, match="wrong PIN"):
        Pkcs11Seal.open(seal_token.seal.module, SEAL_TOKEN, SEAL_KEY, "0000")
    assert "4321" not in repr(seal_token.seal)
