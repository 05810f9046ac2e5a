"""The development default for eID trust: a TEST PKI made once in the data folder.

Production points `FORMKIT_EID_TRUST_DIR` at the Belgian eID roots and Citizen CAs
(docs/operators.md). Without it a fresh instance trusts only this TEST root, which no real
card chains to, and says so in its name.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from formkit.eid._testpki import Authority, TestPKI

FOLDER = "eid-test-pki"


def development_trust_dir(data_dir: Path) -> Path:
    """The folder of the TEST PKI's certificates, made on first use."""
    folder = data_dir / FOLDER
    if not (folder / "root.pem").exists():
        _create(folder)
    return folder


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
