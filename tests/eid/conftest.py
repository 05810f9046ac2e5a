"""Test eID cards on SoftHSM2: one with P-384 keys (applet 1.8), one with RSA-2048 (1.7).

softhsm2 must be installed (`apt-get install softhsm2`); without it these tests fail, they do
not skip. The tokens live in one session-wide SoftHSM2 configuration: SoftHSM2 reads
`SOFTHSM2_CONF` once per process, so every test in the session shares it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from formkit.eid._testcard import SoftHsm, TestCard, find_softhsm_module, provision_card
from formkit.eid._testpki import KeyKind, TestPKI

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
"""The moment the test PKI issues at and the tests sign at."""
TOKEN_LABELS: dict[KeyKind, str] = {"ec": "BELPIC-TEST", "rsa": "BELPIC-TEST-RSA"}


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsm]:
    module = find_softhsm_module()
    if module is None:
        pytest.fail("softhsm2 is not installed: apt-get install softhsm2", pytrace=False)
    softhsm = SoftHsm.create(tmp_path_factory.mktemp("softhsm"), module)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in softhsm.environment().items():
            patch.setenv(name, value)
        yield softhsm


def _card(softhsm: SoftHsm, key_kind: KeyKind) -> TestCard:
    label = TOKEN_LABELS[key_kind]
    softhsm.init_token(label)
    pki = TestPKI.create(now=NOW, key_kind=key_kind)
    return provision_card(softhsm.module, label, pki, key_kind=key_kind)


@pytest.fixture(scope="session")
def ec_card(softhsm: SoftHsm) -> TestCard:
    return _card(softhsm, "ec")


@pytest.fixture(scope="session")
def rsa_card(softhsm: SoftHsm) -> TestCard:
    return _card(softhsm, "rsa")


@pytest.fixture(params=["ec", "rsa"])
def card(request: pytest.FixtureRequest) -> TestCard:
    """Each kind of card in turn."""
    found: TestCard = request.getfixturevalue(f"{request.param}_card")
    return found
