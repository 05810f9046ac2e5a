"""The development default for eID trust: a TEST PKI made once in the data folder.

Production points `FORMKIT_EID_TRUST_DIR` at the Belgian eID roots and Citizen CAs
(docs/operators.md). Without it a fresh instance trusts only this TEST root, which no real
card chains to, and says so in its name.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from formkit.eid._testpki import Authority, PrivateKey, TestPKI

FOLDER = "eid-test-pki"


def development_trust_dir(data_dir: Path) -> Path:
    """The folder of the TEST PKI's certificates, made on first use."""
    folder = data_dir / FOLDER
    if not (folder / "root.pem").exists():
        _create(folder)
    return folder


def development_pki(data_dir: Path) -> TestPKI:
    """The instance's TEST PKI with its keys: what `formkit test-card` certifies a card with."""
    folder = development_trust_dir(data_dir)
    root, citizen_ca = (_read(folder, name) for name in ("root", "citizen-ca"))
    return TestPKI(root=root, citizen_ca=citizen_ca, now=datetime.now(UTC))


def _read(folder: Path, name: str) -> Authority:
    certificate = x509.load_pem_x509_certificate((folder / f"{name}.pem").read_bytes())
    key = load_pem_private_key((folder / f"{name}.key").read_bytes(), password=None)
    assert isinstance(key, PrivateKey)
    return Authority(certificate, key, name)


def _create(folder: Path) -> None:
    # Made under a temporary name and renamed whole: two processes starting at once agree.
    draft = folder.with_name(f"{folder.name}.{secrets.token_hex(4)}")
    draft.mkdir(parents=True)
    pki = TestPKI.create(now=datetime.now(UTC))
    _write(draft, "root", pki.root)
    _write(draft, "citizen-ca", pki.citizen_ca)
    try:
        draft.rename(folder)
    except OSError:  # another process made it first
        for path in draft.iterdir():
            path.unlink()
        draft.rmdir()


def _write(folder: Path, name: str, authority: Authority) -> None:
    (folder / f"{name}.pem").write_bytes(authority.certificate.public_bytes(Encoding.PEM))
    key = folder / f"{name}.key"
    key.write_bytes(
        authority.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    key.chmod(0o600)
