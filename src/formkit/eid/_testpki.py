"""A TEST public key infrastructure shaped like the Belgian eID one. Never trust it for real.

It mirrors what EID.md describes of the real chain, so that code verified against it works on
real cards: a root ("formkit TEST Belgium Root CA6", EC P-384, or "... Root CA4", RSA), a
"Citizen CA" below it whose subject carries a serialNumber of year and sequence, and for each
citizen two certificates:

    C=BE, CN=<first name> <surname> (Authentication|Signature), SN=<surname>,
    GN=<given names>, serialNumber=<national register number>

- Authentication: key usage digitalSignature only, policy 2.16.56.12.1.1.2.2, EKU clientAuth.
- Signature: key usage nonRepudiation only, policy 2.16.56.12.1.1.2.1, QCStatements
  (QcCompliance, QcSSCD, QcType esign).
- Every certificate below the root names an OCSP responder (AIA) and a CRL distribution point;
  the URLs point at 127.0.0.1 and are never fetched: tests hand CRLs and OCSP responses in.

Every name in this PKI contains "formkit TEST". Nothing reads a clock: each function takes the
moment it issues at (`now`), so tests are repeatable. The citizen's key pairs normally live on
a token (see `_testcard`); this module only needs their public keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from stdnum.be import bis, nn

from formkit.eid._certificates import AUTHENTICATION_POLICY, SIGNATURE_POLICY, Role
from formkit.eid._x509 import key_usage

KeyKind = Literal["ec", "rsa"]
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

ROOT_NAMES: dict[KeyKind, str] = {
    "ec": "formkit TEST Belgium Root CA6",
    "rsa": "formkit TEST Belgium Root CA4",
}
UNTRUSTED_ROOT_NAME = "formkit TEST Untrusted Root CA"
CITIZEN_CA_NAME = "formkit TEST Citizen CA"
TEST_URL = "http://127.0.0.1/formkit-test"

_QC_STATEMENTS_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")
_ROOT_YEARS, _CA_YEARS, _CITIZEN_YEARS = 20, 12, 10


@dataclass(frozen=True)
class Citizen:
    """A card holder: `given_names` as on the card ("Anna Maria"), a valid national number."""

    given_names: str
    surname: str
    national_number: str

    def __post_init__(self) -> None:
        if not (nn.is_valid(self.national_number) or bis.is_valid(self.national_number)):
            raise ValueError("not a valid national register (or BIS) number")

    def common_name(self, role: Role) -> str:
        """The CN of the citizen's `role` certificate: first given name, surname, role."""
        first_name = self.given_names.split()[0]
        return f"{first_name} {self.surname} ({role})"


TEST_CITIZEN = Citizen(
    given_names="Anna Maria", surname="TEST Peeters", national_number="85073003328"
)


@dataclass(frozen=True)
class Authority:
    """A certificate authority of the test PKI: its certificate, its key, its revocation URLs."""

    certificate: x509.Certificate
    private_key: PrivateKey
    slug: str

    @property
    def crl_url(self) -> str:
        """Where the CRLs of this authority are said to be published."""
        return f"{TEST_URL}/{self.slug}.crl"

    @property
    def certificate_url(self) -> str:
        return f"{TEST_URL}/{self.slug}.crt"

    @property
    def ocsp_url(self) -> str:
        return f"{TEST_URL}/{self.slug}/ocsp"


@dataclass(frozen=True)
class TestPKI:
    """A root and its Citizen CA, both valid at `now`, and what they issue.

    `TestPKI.create(now=...)` builds the EC one (like Root CA6); `key_kind="rsa"` builds the one
    like Root CA4 (RSA-4096 root, RSA-2048 Citizen CA). `TestPKI.untrusted(now=...)` builds an
    unrelated one with the same shape, whose certificates no verifier should accept.
    """

    __test__ = False  # not a pytest test class, whatever its name

    root: Authority
    citizen_ca: Authority
    now: datetime

    @classmethod
    def create(
        cls, *, now: datetime, key_kind: KeyKind = "ec", root_name: str | None = None
    ) -> TestPKI:
        root = _create_root(root_name or ROOT_NAMES[key_kind], key_kind, now)
        return cls(root=root, citizen_ca=_create_citizen_ca(root, key_kind, now), now=now)

    @classmethod
    def untrusted(cls, *, now: datetime, key_kind: KeyKind = "ec") -> TestPKI:
        return cls.create(now=now, key_kind=key_kind, root_name=UNTRUSTED_ROOT_NAME)

    @property
    def trust_roots(self) -> tuple[x509.Certificate, ...]:
        return (self.root.certificate,)

    @property
    def intermediates(self) -> tuple[x509.Certificate, ...]:
        return (self.citizen_ca.certificate,)

    def issue(
        self,
        citizen: Citizen,
        role: Role,
        public_key: CertificatePublicKeyTypes,
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> x509.Certificate:
        """The citizen's `role` certificate for `public_key`, valid for ten years by default."""
        valid_from = valid_from or self.now - timedelta(days=365)
        valid_until = valid_until or valid_from + timedelta(days=365 * _CITIZEN_YEARS)
        builder = _citizen_builder(citizen, role, public_key, self.citizen_ca)
        builder = builder.not_valid_before(valid_from).not_valid_after(valid_until)
        return _sign(builder, self.citizen_ca.private_key)

    def issue_expired(
        self, citizen: Citizen, role: Role, public_key: CertificatePublicKeyTypes
    ) -> x509.Certificate:
        """A certificate for `public_key` whose ten years ended the day before `now`."""
        valid_until = self.now - timedelta(days=1)
        valid_from = valid_until - timedelta(days=365 * _CITIZEN_YEARS)
        return self.issue(citizen, role, public_key, valid_from=valid_from, valid_until=valid_until)

    def crl(
        self, revoked: Iterable[x509.Certificate] = (), *, this_update: datetime | None = None
    ) -> x509.CertificateRevocationList:
        """A CRL of the Citizen CA revoking `revoked` (each one hour before `this_update`)."""
        return issue_crl(self.citizen_ca, revoked, this_update=this_update or self.now)

    def root_crl(self, *, this_update: datetime | None = None) -> x509.CertificateRevocationList:
        """The root's CRL (revoking nothing), which covers the Citizen CA's certificate."""
        return issue_crl(self.root, (), this_update=this_update or self.now)

    def crls(self, revoked: Iterable[x509.Certificate] = ()) -> tuple[bytes, ...]:
        """DER CRLs for the whole chain at `now`, as a verifier needs them."""
        return (
            self.crl(revoked).public_bytes(Encoding.DER),
            self.root_crl().public_bytes(Encoding.DER),
        )

    def ocsp_response(
        self,
        certificate: x509.Certificate,
        *,
        revoked: bool = False,
        produced_at: datetime | None = None,
    ) -> ocsp.OCSPResponse:
        """An OCSP response from the Citizen CA itself saying `certificate` is good or revoked."""
        return issue_ocsp_response(
            self.citizen_ca, certificate, revoked=revoked, produced_at=produced_at or self.now
        )


def generate_key(key_kind: KeyKind, rsa_bits: int = 2048) -> PrivateKey:
    """A software key: P-384 for "ec", RSA with `rsa_bits` for "rsa"."""
    if key_kind == "ec":
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)


def issue_crl(
    authority: Authority,
    revoked: Iterable[x509.Certificate],
    *,
    this_update: datetime,
    next_update: datetime | None = None,
) -> x509.CertificateRevocationList:
    """A CRL signed by `authority` listing `revoked`, valid from `this_update` for a week."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.certificate.subject)
        .last_update(this_update)
        .next_update(next_update or this_update + timedelta(days=7))
        .add_extension(x509.CRLNumber(int(this_update.timestamp())), critical=False)
        .add_extension(_authority_key_id(authority), critical=False)
    )
    for certificate in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(this_update - timedelta(hours=1))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(authority.private_key, _hash_for(authority.private_key))


def issue_ocsp_response(
    authority: Authority,
    certificate: x509.Certificate,
    *,
    revoked: bool,
    produced_at: datetime,
) -> ocsp.OCSPResponse:
    """An OCSP response about `certificate`, signed by its issuing `authority` directly."""
    status = ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=certificate,
        issuer=authority.certificate,
        algorithm=hashes.SHA256(),
        cert_status=status,
        this_update=produced_at - timedelta(minutes=5),
        next_update=produced_at + timedelta(days=1),
        revocation_time=produced_at - timedelta(hours=1) if revoked else None,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
    )
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, authority.certificate)
    return builder.sign(authority.private_key, _hash_for(authority.private_key))


def _create_root(name: str, key_kind: KeyKind, now: datetime) -> Authority:
    key = generate_key(key_kind, rsa_bits=4096)
    subject = _ca_name(name)
    valid_from = now - timedelta(days=365 * 6)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_from + timedelta(days=365 * _ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return Authority(certificate=_sign(builder, key), private_key=key, slug=_slug(name))


def _create_citizen_ca(root: Authority, key_kind: KeyKind, now: datetime) -> Authority:
    key = generate_key(key_kind)
    serial = f"{now.year}01"
    subject = _ca_name(CITIZEN_CA_NAME, serial_number=serial)
    valid_from = now - timedelta(days=365 * 3)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_from + timedelta(days=365 * _CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_authority_key_id(root), critical=False)
        .add_extension(_crl_distribution_points(root), critical=False)
    )
    slug = f"eidc{serial}"
    return Authority(certificate=_sign(builder, root.private_key), private_key=key, slug=slug)


def _citizen_builder(
    citizen: Citizen, role: Role, public_key: CertificatePublicKeyTypes, issuer: Authority
) -> x509.CertificateBuilder:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.COMMON_NAME, citizen.common_name(role)),
            x509.NameAttribute(NameOID.SURNAME, citizen.surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, citizen.given_names),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, citizen.national_number),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .add_extension(_authority_key_id(issuer), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(_crl_distribution_points(issuer), critical=False)
        .add_extension(_authority_information_access(issuer), critical=False)
    )
    if role == "Signature":
        return (
            builder.add_extension(key_usage(non_repudiation=True), critical=True)
            .add_extension(_policies(SIGNATURE_POLICY), critical=False)
            .add_extension(_qc_statements(), critical=False)
        )
    return (
        builder.add_extension(key_usage(digital_signature=True), critical=True)
        .add_extension(_policies(AUTHENTICATION_POLICY), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )


def _ca_name(common_name: str, *, serial_number: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if serial_number:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    return x509.Name(attributes)


def _slug(name: str) -> str:
    return "-".join(name.lower().split())


def _policies(policy: x509.ObjectIdentifier) -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(policy, [f"{TEST_URL}/repository"])])


def _authority_key_id(authority: Authority) -> x509.AuthorityKeyIdentifier:
    public_key = authority.certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey)
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key)


def _crl_distribution_points(issuer: Authority) -> x509.CRLDistributionPoints:
    point = x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(issuer.crl_url)],
        relative_name=None,
        reasons=None,
        crl_issuer=None,
    )
    return x509.CRLDistributionPoints([point])


def _authority_information_access(issuer: Authority) -> x509.AuthorityInformationAccess:
    return x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier(issuer.ocsp_url),
            ),
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(issuer.certificate_url),
            ),
        ]
    )


class _QcStatement(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012 (asn1crypto's declarative spec)
        ("statement_id", core.ObjectIdentifier),
        ("statement_info", core.Any, {"optional": True}),
    ]


class _QcStatements(core.SequenceOf):  # type: ignore[misc]
    _child_spec = _QcStatement


class _QcTypes(core.SequenceOf):  # type: ignore[misc]
    _child_spec = core.ObjectIdentifier


def _qc_statements() -> x509.UnrecognizedExtension:
    """QcCompliance, QcSSCD and QcType esign (ETSI EN 319 412-5), as on a qualified certificate."""
    statements = _QcStatements(
        [
            {"statement_id": "0.4.0.1862.1.1"},
            {"statement_id": "0.4.0.1862.1.4"},
            {"statement_id": "0.4.0.1862.1.6", "statement_info": _QcTypes(["0.4.0.1862.1.6.1"])},
        ]
    )
    return x509.UnrecognizedExtension(_QC_STATEMENTS_OID, statements.dump())


def _sign(builder: x509.CertificateBuilder, key: PrivateKey) -> x509.Certificate:
    return builder.sign(key, _hash_for(key))


def _hash_for(key: PrivateKey) -> hashes.SHA256 | hashes.SHA384:
    return hashes.SHA384() if isinstance(key, ec.EllipticCurvePrivateKey) else hashes.SHA256()
