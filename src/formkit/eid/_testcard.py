"""A TEST eID card on SoftHSM2: a token laid out like the Belgian card, for tests and development.

`SoftHsm.create(folder)` makes a private SoftHSM2 configuration (its tokens live in `folder`);
`init_token` adds an empty token with `softhsm2-util`. `provision_card` then fills a token the
way the card is filled: key pairs `Authentication` (CKA_ID 02) and `Signature` (CKA_ID 03)
generated ON the token (P-384 or RSA-2048; the private keys never leave it, the Signature key
wants the PIN for every signature), their certificates from a `TestPKI` stored under the same
labels and ids, and the Citizen CA and root certificates under `CA` and `Root`.

SoftHSM2 reads `SOFTHSM2_CONF` when the module is initialised, and one process initialises it
once. So set `SOFTHSM2_CONF` (`SoftHsm.environment()`) before `provision_card`, which
re-initialises the module so that it sees tokens made since it was first loaded; every token a
process uses must live under the same configuration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from pkcs11 import Attribute, KeyType
from pkcs11.types import PublicKey as TokenPublicKey
from pkcs11.types import Session
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.x509 import decode_x509_certificate

from formkit.eid._certificates import KEY_IDS, Role
from formkit.eid._testpki import TEST_CITIZEN, Citizen, KeyKind, PublicKey, TestPKI

SOFTHSM_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
TEST_PIN = "1234"
TEST_SO_PIN = "12345678"


def find_softhsm_module() -> str | None:
    """The path of the SoftHSM2 PKCS#11 module, or None when softhsm2 is not installed."""
    for path in SOFTHSM_MODULES:
        if Path(path).is_file():
            return path
    return None


@dataclass(frozen=True)
class SoftHsm:
    """A SoftHSM2 configuration of its own, with its tokens in `folder / "tokens"`."""

    folder: Path
    module: str

    @classmethod
    def create(cls, folder: Path, module: str) -> SoftHsm:
        (folder / "tokens").mkdir(parents=True, exist_ok=True)
        softhsm = cls(folder=folder, module=module)
        softhsm.config.write_text(
            f"directories.tokendir = {folder / 'tokens'}\n"
            "objectstore.backend = file\n"
            "log.level = ERROR\n",
            encoding="utf-8",
        )
        return softhsm

    @property
    def config(self) -> Path:
        return self.folder / "softhsm2.conf"

    def environment(self) -> dict[str, str]:
        """The variables that point SoftHSM2 at this configuration."""
        return {"SOFTHSM2_CONF": str(self.config)}

    def init_token(self, label: str, *, pin: str = TEST_PIN, so_pin: str = TEST_SO_PIN) -> None:
        """Initialise a new empty token called `label` in the first free slot."""
        tool = shutil.which("softhsm2-util")
        if tool is None:
            raise FileNotFoundError("softhsm2-util is not installed (apt-get install softhsm2)")
        command = [tool, "--init-token", "--free", "--label", label]
        command += ["--so-pin", so_pin, "--pin", pin]
        environment = {**os.environ, **self.environment()}
        subprocess.run(command, check=True, capture_output=True, env=environment)  # noqa: S603


@dataclass(frozen=True)
class TestCard:
    """A provisioned token: where it is, its PIN, whose it is and its two certificates."""

    __test__ = False  # not a pytest test class, whatever its name

    module: str
    token_label: str
    pin: str
    citizen: Citizen
    pki: TestPKI
    authentication: x509.Certificate
    signature: x509.Certificate


def provision_card(
    module: str,
    token_label: str,
    pki: TestPKI,
    *,
    key_kind: KeyKind = "ec",
    citizen: Citizen = TEST_CITIZEN,
    pin: str = TEST_PIN,
) -> TestCard:
    """Fill the empty token `token_label` like an eID card of `citizen`, certified by `pki`."""
    library = pkcs11.lib(module)
    library.reinitialize()
    token = library.get_token(token_label=token_label)
    with token.open(rw=True, user_pin=pin) as session:
        certificates = {
            role: _key_pair_and_certificate(session, role, key_kind, citizen, pki)
            for role in KEY_IDS
        }
        _store_certificate(session, pki.citizen_ca.certificate, "CA")
        _store_certificate(session, pki.root.certificate, "Root")
    return TestCard(
        module=module,
        token_label=token_label,
        pin=pin,
        citizen=citizen,
        pki=pki,
        authentication=certificates["Authentication"],
        signature=certificates["Signature"],
    )


def _key_pair_and_certificate(
    session: Session, role: Role, key_kind: KeyKind, citizen: Citizen, pki: TestPKI
) -> x509.Certificate:
    public_key = _generate_key_pair(session, role, key_kind)
    certificate = pki.issue(citizen, role, public_key)
    _store_certificate(session, certificate, role, KEY_IDS[role])
    return certificate


def _generate_key_pair(session: Session, role: Role, key_kind: KeyKind) -> PublicKey:
    private_template = {
        Attribute.SIGN: True,
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.ALWAYS_AUTHENTICATE: role == "Signature",
    }
    public_template = {Attribute.VERIFY: True}
    if key_kind == "rsa":
        public, _ = session.generate_keypair(
            KeyType.RSA,
            2048,
            label=role,
            id=KEY_IDS[role],
            store=True,
            public_template=public_template,
            private_template=private_template,
        )
        return _public_key(public, key_kind)
    curve = encode_named_curve_parameters("secp384r1")
    parameters = session.create_domain_parameters(
        KeyType.EC, {Attribute.EC_PARAMS: curve}, local=True
    )
    public, _ = parameters.generate_keypair(
        label=role,
        id=KEY_IDS[role],
        store=True,
        public_template=public_template,
        private_template=private_template,
    )
    return _public_key(public, key_kind)


def _public_key(key: TokenPublicKey, key_kind: KeyKind) -> PublicKey:
    if key_kind == "rsa":
        modulus = int.from_bytes(key[Attribute.MODULUS], "big")
        exponent = int.from_bytes(key[Attribute.PUBLIC_EXPONENT], "big")
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    loaded = serialization.load_der_public_key(encode_ec_public_key(key))
    assert isinstance(loaded, PublicKey)
    return loaded


def _store_certificate(
    session: Session, certificate: x509.Certificate, label: str, key_id: bytes | None = None
) -> None:
    attributes = decode_x509_certificate(certificate.public_bytes(Encoding.DER))
    attributes.update({Attribute.TOKEN: True, Attribute.LABEL: label})
    if key_id is not None:
        attributes[Attribute.ID] = key_id
    session.create_object(attributes)
