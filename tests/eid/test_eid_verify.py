"""Sign on a SoftHSM2 card, then verify: accepted once, refused with one code per failure."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from formkit.eid import (
    AUTHENTICATION_POLICY,
    SignatureRefused,
    SignedDigest,
    SignerIdentity,
    sign_digest,
    verify_signed_digest,
    verify_signed_digest_async,
)
from formkit.eid._testcard import TestCard
from formkit.eid._testpki import TEST_CITIZEN, TestPKI

DIGEST = hashlib.sha384(b"aanvraag EVT-2026-000123").digest()


def sign(card: TestCard, digest: bytes = DIGEST, key_label: str = "Signature") -> SignedDigest:
    return sign_digest(card.module, card.token_label, card.pin, digest, "SHA-384", key_label)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.DER)


def verify(card: TestCard, signed: SignedDigest, **changes: Any) -> SignerIdentity:
    """Verify `signed` against `card`'s PKI at its moment with full revocation data."""
    arguments: dict[str, Any] = {
        "digest": DIGEST,
        "hash_name": "SHA-384",
        "signature": signed.signature,
        "certificate_der": signed.certificate,
        "trust_roots": card.pki.trust_roots,
        "intermediates": card.pki.intermediates,
        "at": card.pki.now,
        "crls": card.pki.crls(),
        "revocation_required": True,
    }
    return verify_signed_digest(**(arguments | changes))


def refusal(card: TestCard, signed: SignedDigest, **changes: Any) -> str:
    with pytest.raises(SignatureRefused) as refused:
        verify(card, signed, **changes)
    assert str(TEST_CITIZEN.national_number) not in str(refused.value)
    return refused.value.code


def test_a_card_signature_verifies_and_names_the_signer(card: TestCard) -> None:
    signed = sign(card)
    identity = verify(card, signed)
    assert (identity.given_name, identity.surname) == ("Anna Maria", "TEST Peeters")
    assert identity.national_number == TEST_CITIZEN.national_number
    assert identity.certificate_sha256 == hashlib.sha256(signed.certificate).hexdigest()
    assert identity.issuer == card.pki.citizen_ca.certificate.subject.rfc4514_string()


def test_the_identity_never_shows_the_full_national_number(ec_card: TestCard) -> None:
    identity = verify(ec_card, sign(ec_card))
    assert TEST_CITIZEN.national_number not in repr(identity)
    assert identity.masked_national_number == "85.07.30-***.**"


def test_the_card_returns_its_certificate_and_ca_chain(card: TestCard) -> None:
    signed = sign(card)
    assert signed.certificate == der(card.signature)
    assert signed.chain == (der(card.pki.citizen_ca.certificate), der(card.pki.root.certificate))


def test_an_ec_card_signs_in_the_raw_r_s_form_of_p384(ec_card: TestCard) -> None:
    assert len(sign(ec_card).signature) == 96


def test_a_signature_verifies_without_revocation_data_when_not_required(card: TestCard) -> None:
    identity = verify(card, sign(card), crls=(), revocation_required=False)
    assert identity.surname == TEST_CITIZEN.surname


def test_a_good_ocsp_response_stands_in_for_the_citizen_ca_crl(ec_card: TestCard) -> None:
    root_crl = ec_card.pki.crls()[1]
    ocsp = ec_card.pki.ocsp_response(ec_card.signature)
    assert verify(ec_card, sign(ec_card), crls=[root_crl], ocsps=[ocsp]).surname


def test_async_callers_get_the_same_answer(ec_card: TestCard) -> None:
    signed = sign(ec_card)
    pki = ec_card.pki
    identity = asyncio.run(
        verify_signed_digest_async(
            DIGEST,
            "SHA-384",
            signed.signature,
            signed.certificate,
            trust_roots=pki.trust_roots,
            intermediates=pki.intermediates,
            at=pki.now,
            revocation_required=False,
        )
    )
    assert identity == verify(ec_card, signed)


def test_a_signature_over_other_data_is_a_bad_signature(card: TestCard) -> None:
    other = hashlib.sha384(b"another application").digest()
    assert refusal(card, sign(card), digest=other) == "bad-signature"


def test_a_signature_by_another_key_is_a_bad_signature(card: TestCard) -> None:
    by_authentication_key = sign(card, key_label="Authentication")
    assert refusal(card, replace(sign(card), signature=by_authentication_key.signature)) == (
        "bad-signature"
    )


def test_the_authentication_key_is_the_wrong_key(card: TestCard) -> None:
    assert refusal(card, sign(card, key_label="Authentication")) == "wrong-key"


def test_a_non_repudiation_certificate_with_the_authentication_policy_is_the_wrong_key(
    ec_card: TestCard,
) -> None:
    certificate = _with_authentication_policy(ec_card.pki, ec_card.signature)
    assert refusal(ec_card, replace(sign(ec_card), certificate=der(certificate))) == "wrong-key"


def _with_authentication_policy(pki: TestPKI, model: x509.Certificate) -> x509.Certificate:
    builder = x509.CertificateBuilder(
        issuer_name=model.issuer,
        subject_name=model.subject,
        public_key=model.public_key(),
        serial_number=x509.random_serial_number(),
        not_valid_before=model.not_valid_before_utc,
        not_valid_after=model.not_valid_after_utc,
    )
    for extension in model.extensions:
        if not isinstance(extension.value, x509.CertificatePolicies):
            builder = builder.add_extension(extension.value, extension.critical)
    policy = x509.PolicyInformation(AUTHENTICATION_POLICY, None)
    builder = builder.add_extension(x509.CertificatePolicies([policy]), critical=False)
    return builder.sign(pki.citizen_ca.private_key, hashes.SHA384())


def test_an_expired_certificate_is_refused(card: TestCard) -> None:
    expired = card.pki.issue_expired(TEST_CITIZEN, "Signature", card.signature.public_key())
    assert refusal(card, replace(sign(card), certificate=der(expired))) == "expired"


def test_a_signature_before_the_certificate_was_valid_is_refused_as_expired(
    card: TestCard,
) -> None:
    before = card.signature.not_valid_before_utc - timedelta(days=1)
    assert refusal(card, sign(card), at=before, crls=(), revocation_required=False) == "expired"


def test_a_certificate_revoked_in_the_crl_is_refused(card: TestCard) -> None:
    crls = card.pki.crls(revoked=[card.signature])
    assert refusal(card, sign(card), crls=crls) == "revoked"


def test_a_revoked_certificate_is_refused_even_when_revocation_is_optional(
    card: TestCard,
) -> None:
    crls = card.pki.crls(revoked=[card.signature])
    assert refusal(card, sign(card), crls=crls, revocation_required=False) == "revoked"


def test_a_certificate_revoked_by_ocsp_is_refused(ec_card: TestCard) -> None:
    root_crl = ec_card.pki.crls()[1]
    ocsp = ec_card.pki.ocsp_response(ec_card.signature, revoked=True)
    assert refusal(ec_card, sign(ec_card), crls=[root_crl], ocsps=[ocsp]) == "revoked"


def test_a_revocation_after_the_signing_moment_does_not_undo_the_signature(
    ec_card: TestCard,
) -> None:
    later = ec_card.pki.now + timedelta(days=2)
    crls = [
        ec_card.pki.crl([ec_card.signature], this_update=later),
        ec_card.pki.root_crl(this_update=later),
    ]
    assert verify(ec_card, sign(ec_card), crls=crls).surname


def test_required_revocation_data_that_is_missing_is_refused(card: TestCard) -> None:
    assert refusal(card, sign(card), crls=()) == "revocation-unknown"


def test_a_crl_that_expired_before_the_signing_moment_is_no_revocation_data(
    ec_card: TestCard,
) -> None:
    stale = ec_card.pki.now - timedelta(days=30)
    crls = [ec_card.pki.crl(this_update=stale), ec_card.pki.root_crl()]
    assert refusal(ec_card, sign(ec_card), crls=crls) == "revocation-unknown"


def test_a_certificate_from_another_root_is_untrusted(card: TestCard) -> None:
    rogue = TestPKI.untrusted(now=card.pki.now)
    forged = rogue.issue(TEST_CITIZEN, "Signature", card.signature.public_key())
    signed = replace(sign(card), certificate=der(forged))
    assert refusal(card, signed, intermediates=rogue.intermediates, crls=rogue.crls()) == (
        "untrusted"
    )


def test_no_trust_roots_trust_nothing(ec_card: TestCard) -> None:
    assert refusal(ec_card, sign(ec_card), trust_roots=()) == "untrusted"


def test_a_chain_without_its_citizen_ca_is_untrusted(ec_card: TestCard) -> None:
    assert refusal(ec_card, sign(ec_card), intermediates=()) == "untrusted"


@pytest.mark.parametrize("cut", [1, 10], ids=["one-byte-short", "ten-bytes-short"])
def test_a_signature_of_the_wrong_length_is_malformed(card: TestCard, cut: int) -> None:
    signed = sign(card)
    assert refusal(card, replace(signed, signature=signed.signature[:-cut])) == "malformed"


def test_a_certificate_that_is_no_x509_is_malformed(ec_card: TestCard) -> None:
    assert refusal(ec_card, replace(sign(ec_card), certificate=b"\x30\x03junk")) == "malformed"


def test_a_digest_that_does_not_fit_its_hash_is_malformed(ec_card: TestCard) -> None:
    assert refusal(ec_card, sign(ec_card), hash_name="SHA-256") == "malformed"
