"""Fixtures for the receipt tests: a development seal, a log, a citizen card, a seal token.

The expensive things (the seal, the sealed PDF, the SoftHSM tokens) are made once per
session; `receipt_support.build_log` makes the receipts.

SoftHSM2: every test of a session (a pytest-xdist worker) shares one configuration in
SOFTHSM2_CONF (`softhsm` in tests/conftest.py); these tests add their tokens to it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, KeyType
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.x509 import decode_x509_certificate
from tests.receipts.receipt_support import (
    CITIZEN_TOKEN,
    FILES,
    NOW,
    SEAL_KEY,
    SEAL_PIN,
    SEAL_TOKEN,
    Log,
    SealToken,
    build_log,
)

from formkit.eid._testcard import SoftHsm, TestCard, provision_card
from formkit.eid._testpki import TestPKI
from formkit.receipts import (
    Pkcs11Seal,
    Receipt,
    Seal,
    development_root,
    development_seal,
    issue_jws,
    issue_pdf,
)

# The development seal and what it seals.


@pytest.fixture(scope="session")
def seal_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("submissions")


@pytest.fixture(scope="session")
def seal(seal_data_dir: Path) -> Seal:
    return development_seal(seal_data_dir)


@pytest.fixture(scope="session")
def seal_root(seal: Seal, seal_data_dir: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(development_root(seal_data_dir).read_bytes())


@pytest.fixture(scope="session")
def log(seal: Seal) -> Log:
    return build_log(seal)


@pytest.fixture(scope="session")
def receipt(log: Log) -> Receipt:
    """The receipt of the sixth of seven filings: an audit path of three hashes."""
    return log.receipts[5]


@pytest.fixture(scope="session")
def jws_receipt(receipt: Receipt, seal: Seal) -> str:
    return issue_jws(receipt.to_dict(), seal)


@pytest.fixture(scope="session")
def pdf_receipt(receipt: Receipt, seal: Seal, jws_receipt: str) -> bytes:
    return issue_pdf(receipt, seal, jws=jws_receipt)


@pytest.fixture(scope="session")
def files_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the attachments as the citizen kept them."""
    folder = tmp_path_factory.mktemp("bijlagen")
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    return folder


# SoftHSM2: a citizen's eID card and the city's seal on a token.


@pytest.fixture(scope="session")
def receipts_softhsm(softhsm: SoftHsm) -> SoftHsm:
    """The session's one SoftHSM2 configuration (tests/conftest.py), these tests' tokens added
    to it: SoftHSM2 reads SOFTHSM2_CONF once per process, so a second configuration would hide
    the tokens of whichever was made first (as it did when test modules ran in another order,
    on pytest-xdist's workers)."""
    return softhsm


@pytest.fixture(scope="session")
def citizen_card(receipts_softhsm: SoftHsm) -> TestCard:
    receipts_softhsm.init_token(CITIZEN_TOKEN)
    return provision_card(receipts_softhsm.module, CITIZEN_TOKEN, TestPKI.create(now=NOW))


@pytest.fixture(scope="session")
def signed_log(seal: Seal, citizen_card: TestCard) -> Log:
    """Filings the citizen signed with the eID card."""
    return build_log(seal, 3, signer=citizen_card, start=101)


@pytest.fixture(scope="session")
def seal_token(receipts_softhsm: SoftHsm) -> SealToken:
    """The city's seal as a P-384 key generated on a token, certified by a TEST seal root."""
    receipts_softhsm.init_token(SEAL_TOKEN, pin=SEAL_PIN)
    library = pkcs11.lib(receipts_softhsm.module)
    library.reinitialize()
    root_key = ec.generate_private_key(ec.SECP384R1())
    root = _certificate("formkit TEST seal root", root_key.public_key(), root_key, None)
    with library.get_token(token_label=SEAL_TOKEN).open(rw=True, user_pin=SEAL_PIN) as session:
        parameters = session.create_domain_parameters(
            KeyType.EC,
            {Attribute.EC_PARAMS: encode_named_curve_parameters("secp384r1")},
            local=True,
        )
        public, _ = parameters.generate_keypair(
            label=SEAL_KEY,
            id=b"\x01",
            store=True,
            public_template={Attribute.VERIFY: True},
            private_template={Attribute.SIGN: True, Attribute.SENSITIVE: True},
        )
        public_key = serialization.load_der_public_key(encode_ec_public_key(public))
        assert isinstance(public_key, ec.EllipticCurvePublicKey)
        certificate = _certificate("formkit TEST seal (HSM)", public_key, root_key, root)
        for stored, label, key_id in ((certificate, SEAL_KEY, b"\x01"), (root, "Root", b"\x09")):
            attributes = decode_x509_certificate(stored.public_bytes(serialization.Encoding.DER))
            attributes.update({Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: key_id})
            session.create_object(attributes)
    seal = Pkcs11Seal.open(receipts_softhsm.module, SEAL_TOKEN, SEAL_KEY, SEAL_PIN)
    return SealToken(seal, root)


def _certificate(
    name: str,
    public_key: ec.EllipticCurvePublicKey,
    issuer_key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    is_ca = issuer is None
    usage = x509.KeyUsage(
        digital_signature=not is_ca,
        content_commitment=not is_ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=is_ca,
        crl_sign=is_ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if issuer is None else issuer.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=30))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )
    return builder.sign(issuer_key, hashes.SHA384())
