"""Sign a digest with a key on a PKCS#11 token: the Belgian eID card, or SoftHSM2 in tests.

The card does not hash, so formkit hands it the digest: an EC key signs it with raw
`CKM_ECDSA` (r||s out, 96 bytes for P-384: already the JWS ES384 form; `ecdsa_raw_to_der`
makes the X.509/CMS form), an RSA key signs its DER DigestInfo with `CKM_RSA_PKCS` (PKCS#1
v1.5). The Signature key asks for the PIN for every signature (CKA_ALWAYS_AUTHENTICATE): the
PIN is given again right before signing when the key says so.

The signer's certificate is the certificate object with the key's CKA_ID (the label as a
fallback); the CA certificates stored on the token (the eID card holds its Citizen CA and
root) come along as the chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.types import Session, SignMixin

from formkit._errors import FormkitError
from formkit.eid._digests import DigestError, check_digest, digest_info

SIGNATURE_KEY_LABEL = "Signature"


class TokenError(FormkitError):
    """Signing with a PKCS#11 token failed: module, token, PIN, key or certificate.

    The message is English, for the person running `formkit sign`; it never holds the PIN.
    """


@dataclass(frozen=True)
class SignedDigest:
    """A signature made on the token and the certificates that go with it (all DER).

    `signature` is r||s for an EC key and PKCS#1 v1.5 for RSA; `chain` holds the CA
    certificates found on the token (possibly none), the issuer first when it is there.
    """

    signature: bytes
    certificate: bytes
    chain: tuple[bytes, ...] = ()


def sign_digest(
    module_path: str,
    token_label: str,
    pin: str,
    digest: bytes,
    hash_name: str,
    key_label: str = SIGNATURE_KEY_LABEL,
) -> SignedDigest:
    """Sign `digest` (made with `hash_name`, e.g. "SHA-384") with the key `key_label`."""
    try:
        check_digest(digest, hash_name)
    except DigestError as error:
        raise TokenError(str(error)) from None
    try:
        with _session(module_path, token_label, pin) as session:
            key = _private_key(session, key_label)
            certificate = _certificate(session, key[Attribute.ID], key_label)
            signature = _sign(key, digest, hash_name, pin)
            return SignedDigest(signature, certificate, _ca_chain(session, certificate))
    except pkcs11.PKCS11Error as error:  # what no step above expects, e.g. the card pulled out
        raise TokenError(f"the token failed: {type(error).__name__}") from None


@contextmanager
def _session(module_path: str, token_label: str, pin: str) -> Iterator[Session]:
    try:
        library = pkcs11.lib(module_path)
    except pkcs11.PKCS11Error as error:
        raise TokenError(f"cannot load the PKCS#11 module {module_path}: {error}") from None
    try:
        token = library.get_token(token_label=token_label)
    except pkcs11.NoSuchToken:
        raise TokenError(f"no token labelled {token_label!r}: is the card in the reader?") from None
    except pkcs11.MultipleTokensReturned:
        raise TokenError(f"more than one token labelled {token_label!r}") from None
    try:
        session = token.open(user_pin=pin)
    except (pkcs11.PinIncorrect, pkcs11.PinLenRange):
        raise TokenError("wrong PIN") from None
    except pkcs11.PinLocked:
        raise TokenError("the PIN is blocked: unblock the card with its PUK") from None
    with session:
        yield session


def _private_key(session: Session, label: str) -> SignMixin:
    try:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
    except pkcs11.NoSuchKey:
        raise TokenError(f"no private key labelled {label!r} on the token") from None
    except pkcs11.MultipleObjectsReturned:
        raise TokenError(f"more than one private key labelled {label!r}") from None
    if not isinstance(key, SignMixin):
        raise TokenError(f"the key {label!r} cannot sign")
    return key


def _certificate(session: Session, key_id: bytes, label: str) -> bytes:
    certificate_class = {Attribute.CLASS: ObjectClass.CERTIFICATE}
    for template in ({Attribute.ID: key_id}, {Attribute.LABEL: label}):
        for found in session.get_objects({**certificate_class, **template}):
            value: bytes = found[Attribute.VALUE]
            return value
    raise TokenError(f"no certificate for the key {label!r} on the token")


def _sign(key: SignMixin, digest: bytes, hash_name: str, pin: str) -> bytes:
    pin_again = pin if _always_authenticate(key) else None
    try:
        if key.key_type == KeyType.EC:
            return key.sign(digest, mechanism=Mechanism.ECDSA, pin=pin_again)
        if key.key_type == KeyType.RSA:
            data = digest_info(digest, hash_name)
            return key.sign(data, mechanism=Mechanism.RSA_PKCS, pin=pin_again)
    except (pkcs11.PinIncorrect, pkcs11.PinLenRange):
        raise TokenError("wrong PIN") from None
    except pkcs11.PKCS11Error as error:
        raise TokenError(f"the token refused to sign: {type(error).__name__}") from None
    raise TokenError(f"cannot sign with a {key.key_type.name} key")


def _always_authenticate(key: SignMixin) -> bool:
    try:
        return bool(key[Attribute.ALWAYS_AUTHENTICATE])
    except pkcs11.PKCS11Error:  # a token that does not know the attribute never asks
        return False


def _ca_chain(session: Session, signer_der: bytes) -> tuple[bytes, ...]:
    signer = x509.load_der_x509_certificate(signer_der)
    authorities: list[x509.Certificate] = []
    for found in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            certificate = x509.load_der_x509_certificate(found[Attribute.VALUE])
        except ValueError:  # not ours to judge: the verifier decides on the chain
            continue
        if _is_ca(certificate):
            authorities.append(certificate)
    # The issuer of the signer first, then the others (roots last): the order of a chain.
    authorities.sort(key=lambda ca: (ca.subject != signer.issuer, ca.subject == ca.issuer))
    return tuple(ca.public_bytes(Encoding.DER) for ca in authorities)


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False
