"""The Web eID token's check beyond what the test cards make (tests/accounts has those): the
PS256 algorithm, a token whose parts do not fit, a revoked certificate. Software keys here."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from tests.conftest import NOW

from formkit.eid import AuthToken, SignatureRefused, new_nonce, signed_data, verify_auth_token
from formkit.eid._testpki import TEST_CITIZEN, TestPKI, generate_key

ORIGIN = "https://loket.mechelen.test"


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.create(now=NOW)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    made = generate_key("rsa")
    assert isinstance(made, rsa.RSAPrivateKey)
    return made


def ps256_token(pki: TestPKI, key: rsa.RSAPrivateKey, nonce: str, **changes: Any) -> AuthToken:
    certificate = pki.issue(TEST_CITIZEN, "Authentication", key.public_key())
    pss = padding.PSS(padding.MGF1(hashes.SHA256()), 32)
    signature = key.sign(signed_data(ORIGIN, nonce, "PS256"), pss, hashes.SHA256())
    document = {
        "unverifiedCertificate": base64.b64encode(certificate.public_bytes(Encoding.DER)).decode(),
        "algorithm": "PS256",
        "signature": base64.b64encode(signature).decode(),
        "format": "web-eid:1.1",
    }
    return AuthToken.from_json(document | changes)


def check(pki: TestPKI, token: AuthToken, nonce: str, **changes: Any) -> Any:
    arguments: dict[str, Any] = {
        "origin": ORIGIN,
        "nonce": nonce,
        "trust_roots": pki.trust_roots,
        "intermediates": pki.intermediates,
        "at": NOW,
        "revocation_required": False,
    }
    return asyncio.run(verify_auth_token(token, **(arguments | changes)))


def test_a_ps256_token_names_the_cards_holder(pki: TestPKI, key: rsa.RSAPrivateKey) -> None:
    nonce = new_nonce()
    holder = check(pki, ps256_token(pki, key, nonce), nonce)
    assert (holder.given_name, holder.surname) == ("Anna Maria", "TEST Peeters")
    assert holder.national_number == TEST_CITIZEN.national_number


@pytest.mark.parametrize(
    "changes",
    [
        {"algorithm": "ES384"},  # not the key's kind
        {"algorithm": "HS256"},  # a shared-secret MAC: never a card's
        {"format": "web-eid:2.0"},
        {"signature": "niet base64!"},
        {"unverifiedCertificate": base64.b64encode(b"geen certificaat").decode()},
    ],
)
def test_a_token_whose_parts_do_not_fit_is_malformed(
    pki: TestPKI, key: rsa.RSAPrivateKey, changes: dict[str, str]
) -> None:
    nonce = new_nonce()
    with pytest.raises(SignatureRefused) as refused:
        check(pki, ps256_token(pki, key, nonce, **changes), nonce)
    assert refused.value.code == "malformed"


def test_a_revoked_certificate_is_refused(pki: TestPKI, key: rsa.RSAPrivateKey) -> None:
    nonce = new_nonce()
    token = ps256_token(pki, key, nonce)
    revoked = pki.crls([x509.load_der_x509_certificate(token.certificate)])
    with pytest.raises(SignatureRefused) as refused:
        check(pki, token, nonce, crls=revoked, revocation_required=True)
    assert refused.value.code == "revoked"
