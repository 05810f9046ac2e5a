"""What formkit reads in a Belgian eID certificate: the holder, the role of the key, the mask.

A card holds two key pairs, each with a certificate whose subject is
`C=BE, CN=<first name> <surname> (Authentication|Signature), SN=<surname>, GN=<given names>,
serialNumber=<national register number>`. Only the Signature key (nonRepudiation, the citizen
signature policy) makes a signature that binds its holder; the Authentication key
(digitalSignature, the authentication policy) only logs in.

The national register number is legally restricted data: `SignerIdentity` keeps it out of its
`repr`, and `mask_national_number` is the form to show wherever the full number is not needed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

Role = Literal["Authentication", "Signature"]

SIGNATURE_POLICY = x509.ObjectIdentifier("2.16.56.12.1.1.2.1")
AUTHENTICATION_POLICY = x509.ObjectIdentifier("2.16.56.12.1.1.2.2")

# CKA_ID of each key pair (and its certificate) on the card.
KEY_IDS: dict[Role, bytes] = {"Authentication": b"\x02", "Signature": b"\x03"}


@dataclass(frozen=True)
class SignerIdentity:
    """The holder of a signature certificate that formkit accepted.

    `given_name` holds every given name as on the card (the GN attribute), e.g. "Anna Maria".
    `national_number` is the national register number (11 digits); it is left out of `repr` so
    that logging the identity does not leak it. `certificate_sha256` is the hex SHA-256 of the
    certificate's DER: a stable reference to the exact certificate that signed.
    """

    given_name: str
    surname: str
    national_number: str = field(repr=False)
    certificate_sha256: str
    certificate_serial: str
    issuer: str
    valid_from: datetime
    valid_until: datetime

    @property
    def masked_national_number(self) -> str:
        """The national register number as `mask_national_number` shows it."""
        return mask_national_number(self.national_number)


def identity_of(certificate: x509.Certificate) -> SignerIdentity:
    """The holder named in an eID certificate; ValueError when a subject attribute is missing."""
    subject = certificate.subject
    national_number = _single(subject, NameOID.SERIAL_NUMBER, "serialNumber")
    if not (len(national_number) == 11 and national_number.isdigit()):
        raise ValueError("the subject serialNumber is not an 11-digit national register number")
    der = certificate.public_bytes(serialization.Encoding.DER)
    return SignerIdentity(
        given_name=_single(subject, NameOID.GIVEN_NAME, "GN"),
        surname=_single(subject, NameOID.SURNAME, "SN"),
        national_number=national_number,
        certificate_sha256=hashlib.sha256(der).hexdigest(),
        certificate_serial=format(certificate.serial_number, "x"),
        issuer=certificate.issuer.rfc4514_string(),
        valid_from=certificate.not_valid_before_utc,
        valid_until=certificate.not_valid_after_utc,
    )


def _single(name: x509.Name, oid: x509.ObjectIdentifier, short_name: str) -> str:
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1 or not isinstance(values[0].value, str) or not values[0].value:
        raise ValueError(f"the subject needs exactly one {short_name}")
    return values[0].value


def has_authentication_policy(certificate: x509.Certificate) -> bool:
    """True when the certificate carries the citizen authentication policy: a login key."""
    return has_policy(certificate, AUTHENTICATION_POLICY)


def has_policy(certificate: x509.Certificate, policy: x509.ObjectIdentifier) -> bool:
    """True when the certificate's policies name `policy`."""
    try:
        extension = certificate.extensions.get_extension_for_class(x509.CertificatePolicies)
    except x509.ExtensionNotFound:
        return False
    return any(found.policy_identifier == policy for found in extension.value)


def mask_national_number(number: str) -> str:
    """`85073003328` -> `85.07.30-***.**`: the birth date part shown, the rest hidden.

    The first six digits are a date of birth (shared by thousands of people, and already known
    to whoever sees the holder's name and card); the sequence number and the check digits are
    what make the number identify one person, so those are hidden. The holder still recognises
    the number, staff can tell two namesakes apart, and no log or screen holds the full number.
    Anything that is not an 11-digit number (after removing the usual `.`, `-` and spaces) is
    masked completely.
    """
    digits = "".join(character for character in number if character not in ".- ")
    if len(digits) != 11 or not digits.isdigit():
        return "**.**.**-***.**"
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-***.**"
