"""Signing a digest on a SoftHSM2 card: the mechanisms, the PIN, and what goes wrong."""

from __future__ import annotations

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from formkit.eid import TokenError, ecdsa_raw_to_der, sign_digest
from formkit.eid._testcard import TestCard

HASHES = {"SHA-256": hashes.SHA256(), "SHA-384": hashes.SHA384(), "SHA-512": hashes.SHA512()}


@pytest.mark.parametrize("hash_name", list(HASHES))
def test_the_card_signs_a_digest_of_each_hash_as_its_certificate_key_verifies(
    card: TestCard, hash_name: str
) -> None:
    algorithm = HASHES[hash_name]
    digest = hashlib.new(algorithm.name, b"bouwaanvraag").digest()
    signed = sign_digest(card.module, card.token_label, card.pin, digest, hash_name)
    key = x509.load_der_x509_certificate(signed.certificate).public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(ecdsa_raw_to_der(signed.signature), digest, ec.ECDSA(Prehashed(algorithm)))
    else:
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(signed.signature, digest, padding.PKCS1v15(), Prehashed(algorithm))


def test_the_authentication_key_signs_with_its_own_certificate(card: TestCard) -> None:
    digest = hashlib.sha384(b"login").digest()
    signed = sign_digest(
        card.module, card.token_label, card.pin, digest, "SHA-384", key_label="Authentication"
    )
    assert x509.load_der_x509_certificate(signed.certificate) == card.authentication


def sign_failure(card: TestCard, **changes: str) -> str:
    arguments = {"module_path": card.module, "token_label": card.token_label, "pin": card.pin}
    arguments |= changes
    digest = hashlib.sha384(b"x").digest()
    with pytest.raises(TokenError) as failed:
        sign_digest(digest=digest, hash_name="SHA-384", **arguments)
    return str(failed.value)


def test_a_wrong_pin_is_reported_as_such(card: TestCard) -> None:
    assert sign_failure(card, pin="0000") == "wrong PIN"


def test_a_missing_token_is_reported_by_its_label(ec_card: TestCard) -> None:
    assert "no token labelled 'BELPIC-ELSEWHERE'" in sign_failure(
        ec_card, token_label="BELPIC-ELSEWHERE"
    )


def test_a_missing_key_is_reported_by_its_label(ec_card: TestCard) -> None:
    assert sign_failure(ec_card, key_label="Encryption") == (
        "no private key labelled 'Encryption' on the token"
    )


def test_a_module_that_does_not_load_is_reported(ec_card: TestCard) -> None:
    assert "cannot load the PKCS#11 module" in sign_failure(
        ec_card, module_path="/nonexistent/libnothing.so"
    )


def test_a_digest_of_the_wrong_length_is_refused_before_the_token_is_asked(
    ec_card: TestCard,
) -> None:
    with pytest.raises(TokenError, match="a SHA-384 digest has 48 bytes, not 32"):
        sign_digest(ec_card.module, "no such token", "0000", b"\0" * 32, "SHA-384")


def test_an_unknown_hash_is_refused(ec_card: TestCard) -> None:
    with pytest.raises(TokenError, match="unknown hash 'MD5'"):
        sign_digest(ec_card.module, ec_card.token_label, ec_card.pin, b"\0" * 16, "MD5")
