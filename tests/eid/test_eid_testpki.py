"""The TEST PKI and the test card look like the Belgian eID ones where formkit looks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from formkit.eid import AUTHENTICATION_POLICY, SIGNATURE_POLICY
from formkit.eid._testcard import TestCard
from formkit.eid._testpki import TEST_CITIZEN, Citizen, TestPKI, generate_key

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
QC_STATEMENTS = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")


def key_usage(certificate: x509.Certificate) -> tuple[bool, bool]:
    """(nonRepudiation, digitalSignature) of `certificate`."""
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    return usage.content_commitment, usage.digital_signature


def policies(certificate: x509.Certificate) -> list[x509.ObjectIdentifier]:
    extension = certificate.extensions.get_extension_for_class(x509.CertificatePolicies)
    return [policy.policy_identifier for policy in extension.value]


def test_a_citizen_certificate_subject_is_laid_out_like_the_card(card: TestCard) -> None:
    attributes = [(a.oid, a.value) for a in card.signature.subject]
    assert attributes == [
        (NameOID.COUNTRY_NAME, "BE"),
        (NameOID.COMMON_NAME, "Anna TEST Peeters (Signature)"),
        (NameOID.SURNAME, "TEST Peeters"),
        (NameOID.GIVEN_NAME, "Anna Maria"),
        (NameOID.SERIAL_NUMBER, "85073003328"),
    ]
    common_name = card.authentication.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert common_name[0].value == "Anna TEST Peeters (Authentication)"


def test_the_signature_certificate_is_for_non_repudiation_only(card: TestCard) -> None:
    assert key_usage(card.signature) == (True, False)
    assert policies(card.signature) == [SIGNATURE_POLICY]


def test_the_authentication_certificate_is_for_digital_signature_only(card: TestCard) -> None:
    assert key_usage(card.authentication) == (False, True)
    assert policies(card.authentication) == [AUTHENTICATION_POLICY]


def test_only_the_signature_certificate_carries_qc_statements(ec_card: TestCard) -> None:
    extension = ec_card.signature.extensions.get_extension_for_oid(QC_STATEMENTS).value
    assert isinstance(extension, x509.UnrecognizedExtension)
    # QcCompliance, QcSSCD, QcType and its value esign, each as a DER object identifier
    for statement in ("0.4.0.1862.1.1", "0.4.0.1862.1.4", "0.4.0.1862.1.6", "0.4.0.1862.1.6.1"):
        assert core.ObjectIdentifier(statement).dump() in extension.value
    with pytest.raises(x509.ExtensionNotFound):
        ec_card.authentication.extensions.get_extension_for_oid(QC_STATEMENTS)


def test_every_certificate_below_the_root_names_its_ocsp_responder_and_crl(
    card: TestCard,
) -> None:
    for certificate in (card.signature, card.authentication):
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
        methods = [description.access_method for description in access.value]
        assert AuthorityInformationAccessOID.OCSP in methods
    for certificate in (card.signature, card.authentication, card.pki.citizen_ca.certificate):
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
        assert all(point.full_name for point in points.value)


def test_the_citizen_ca_is_named_with_year_and_number_below_its_root(card: TestCard) -> None:
    ca = card.pki.citizen_ca.certificate
    assert ca.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "202601"
    assert ca.issuer == card.pki.root.certificate.subject
    ca.verify_directly_issued_by(card.pki.root.certificate)


def test_every_authority_says_test_in_its_name(card: TestCard) -> None:
    untrusted = TestPKI.untrusted(now=NOW)
    for pki in (card.pki, untrusted):
        for authority in (pki.root, pki.citizen_ca):
            name = authority.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            assert "formkit TEST" in str(name[0].value)


def test_the_rsa_pki_mirrors_root_ca4_and_the_ec_pki_root_ca6(
    ec_card: TestCard, rsa_card: TestCard
) -> None:
    ec_root = ec_card.pki.root.certificate.public_key()
    assert isinstance(ec_root, ec.EllipticCurvePublicKey)
    assert isinstance(ec_card.signature.public_key(), ec.EllipticCurvePublicKey)
    rsa_root, rsa_signer = (
        c.public_key() for c in (rsa_card.pki.root.certificate, rsa_card.signature)
    )
    assert isinstance(rsa_root, rsa.RSAPublicKey)
    assert isinstance(rsa_signer, rsa.RSAPublicKey)
    assert (ec_root.curve.name, rsa_root.key_size, rsa_signer.key_size) == ("secp384r1", 4096, 2048)


def test_an_expired_certificate_ended_before_now() -> None:
    pki = TestPKI.create(now=NOW)
    expired = pki.issue_expired(TEST_CITIZEN, "Signature", generate_key("ec").public_key())
    assert expired.not_valid_after_utc < NOW


def test_a_crl_lists_exactly_the_revoked_certificates(ec_card: TestCard) -> None:
    crl = ec_card.pki.crl([ec_card.signature])
    assert [entry.serial_number for entry in crl] == [ec_card.signature.serial_number]
    assert crl.is_signature_valid(ec_card.pki.citizen_ca.private_key.public_key())


def test_a_citizen_needs_a_valid_national_register_number() -> None:
    with pytest.raises(ValueError, match="national register"):
        Citizen(given_names="Jan", surname="TEST", national_number="85073003329")
