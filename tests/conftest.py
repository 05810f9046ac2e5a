from __future__ import annotations

import functools
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding
from litestar.testing import TestClient
from tests import postgres_cluster

import formkit
from formkit.eid._testcard import SoftHsm, TestCard, find_softhsm_module, provision_card
from formkit.eid._testpki import KeyKind, TestPKI
from formkit.forms.catalogue import Catalogue
from formkit.receipts import Issuer, SoftwareSeal, development_seal
from formkit.settings import Settings
from formkit.store._tables import metadata
from formkit.store.database import open_database
from formkit.store.dossiers import Receipts
from formkit.store.log import FilingLog
from formkit.web.app import create_app
from formkit.web.services import Services

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
DATA = Path(__file__).resolve().parent / "data"
FORM_IDS = ("evenement", "bewonersinitiatief", "bouwaanvraag")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def forms() -> dict[str, formkit.Form]:
    return {form_id: formkit.load_form(SCHEMAS / f"{form_id}.json") for form_id in FORM_IDS}


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load(SCHEMAS)


def service_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    """A service under test: data in `tmp_path`, this repository's forms and templates.

    Batches commit, and the outbox works, in the test process; tests/test_writer.py and
    tests/test_outbox_process.py cover the default processes.
    """
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "database_url": database_url,
        "schemas_dir": SCHEMAS,
        "renderers_dir": ROOT / "renderers",
        "filing_writer": "thread",
        "outbox_worker": "thread",
        **overrides,
    }
    return Settings(**values)


# The app and an integrator's key, for whichever `services` fixture a test module defines.
@pytest.fixture
def client(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services.settings, services)) as test_client:
        yield test_client


@pytest.fixture
def token(services: Services) -> str:
    return services.api_keys.create("test", ["*"], ["read", "write"])[1]


def answers(form_id: str, name: str) -> Any:
    return json.loads((DATA / form_id / f"{name}.json").read_text(encoding="utf-8"))


def write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# Databases: every storage contract runs on SQLite and on PostgreSQL: the server that
# FORMKIT_TEST_POSTGRES_URL names (CI sets it; one that cannot be reached fails the run), else a
# throwaway cluster (tests/postgres_cluster.py) when the server binaries are installed.
POSTGRES_URL = os.environ.get("FORMKIT_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"]
NO_POSTGRES = (
    "FORMKIT_TEST_POSTGRES_URL is not set and the PostgreSQL server binaries are not installed "
    "(apt-get install postgresql)"
)


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return "postgresql: the server FORMKIT_TEST_POSTGRES_URL names"
    binaries = postgres_cluster.server_binaries()
    if binaries is None:
        return f"postgresql: none, its tests skip: {NO_POSTGRES}"
    return f"postgresql: a throwaway cluster of {binaries}"


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """The PostgreSQL server of this run, as its superuser."""
    if POSTGRES_URL:
        yield POSTGRES_URL
        return
    binaries = postgres_cluster.server_binaries()
    if binaries is None:
        pytest.skip(NO_POSTGRES)
    cluster = postgres_cluster.start(binaries)
    try:
        yield cluster.url
    finally:
        cluster.remove()


@pytest.fixture(scope="session")
def postgres_server(postgres_admin_url: str) -> Iterator[str]:
    """A fresh database on the test server for this run, dropped afterwards."""
    name = f"formkit_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(_psycopg(postgres_admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        named = "FORMKIT_TEST_POSTGRES_URL is set but the server"
        pytest.fail(f"{named if POSTGRES_URL else 'the cluster'} cannot be reached: {error}")
    url = sa.engine.make_url(_psycopg(postgres_admin_url)).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The test server's database, migrated, and emptied again after the test."""
    engine = open_database(postgres_server)
    yield postgres_server
    with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in reversed(metadata.sorted_tables))
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'formkit.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


# Test eID cards on SoftHSM2: one with P-384 keys (applet 1.8), one with RSA-2048 (1.7).
# softhsm2 must be installed (`apt-get install softhsm2`); without it these tests fail, they do
# not skip. SoftHSM2 reads `SOFTHSM2_CONF` once per process, so every test of the session that
# needs a token shares this one configuration.
PEM = Encoding.PEM
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


def trust_folder(pki: TestPKI, folder: Path) -> Path:
    """A folder as `FORMKIT_EID_TRUST_DIR` expects it, trusting `pki`'s root."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, certificate in (("root", pki.root), ("citizen-ca", pki.citizen_ca)):
        (folder / f"{name}.pem").write_bytes(certificate.certificate.public_bytes(PEM))
    return folder


@functools.cache
def seal_for_tests() -> SoftwareSeal:
    """The development seal, made once per test session in a temporary folder."""
    return development_seal(Path(tempfile.mkdtemp(prefix="formkit-seal-")))


def receipts_for_tests() -> Receipts:
    """Receipts as a dossier store makes them, sealed by the test seal: a fresh log each time."""
    return Receipts(FilingLog(seal_for_tests()), Issuer("Stad Mechelen", "https://loket.test"))
