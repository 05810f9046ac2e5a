"""`formkit test-card`: a TEST card that a development instance's TEST PKI vouches for.

Run in processes of their own: SoftHSM2 reads its configuration once per process, and this
one's is the test session's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from tests.conftest import ROOT

from formkit.eid import verify_signed_digest
from formkit.eid._devpki import development_trust_dir
from formkit.eid._testpki import TEST_CITIZEN


def formkit(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "FORMKIT_DATA_DIR": str(data_dir), **env}
    environment.pop("SOFTHSM2_CONF", None)
    environment.pop("FORMKIT_EID_TRUST_DIR", None)
    environment.update(env)
    command = [sys.executable, "-m", "formkit", *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, cwd=ROOT)


def test_a_test_card_signs_what_the_instance_trusts(tmp_path: Path) -> None:
    made = formkit(tmp_path, "test-card")
    assert made.returncode == 0, made.stderr
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in made.stdout.split("\n") if line
    )
    assert set(exports) == {"SOFTHSM2_CONF", "FORMKIT_PKCS11_MODULE", "FORMKIT_PKCS11_PIN"}
    assert TEST_CITIZEN.national_number in made.stderr  # the applicant the answers must name
    again = formkit(tmp_path, "test-card")
    assert (again.returncode, again.stdout) == (0, made.stdout)  # the same card, not a second

    digest = hashlib.sha384(b"data to sign").digest()
    signed = formkit(tmp_path, "sign", "--token-label", "formkit TEST eID", digest.hex(), **exports)
    assert signed.returncode == 0, signed.stderr
    document = json.loads(signed.stdout)
    folder = development_trust_dir(tmp_path)
    load = x509.load_pem_x509_certificate
    identity = verify_signed_digest(
        digest,
        document["hash"],
        base64.b64decode(document["signature"]),
        base64.b64decode(document["certificate"]),
        trust_roots=[load((folder / "root.pem").read_bytes())],
        intermediates=[load((folder / "citizen-ca.pem").read_bytes())],
        at=datetime.now(UTC),
        revocation_required=False,
    )
    assert identity.national_number == TEST_CITIZEN.national_number


def test_an_instance_that_trusts_real_cards_makes_no_test_card(tmp_path: Path) -> None:
    refused = formkit(tmp_path, "test-card", FORMKIT_EID_TRUST_DIR=str(tmp_path / "roots"))
    assert refused.returncode == 1
    assert "FORMKIT_EID_TRUST_DIR" in refused.stderr
    assert not (tmp_path / "eid-test-card").exists()
