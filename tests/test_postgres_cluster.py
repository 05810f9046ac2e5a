"""Where the PostgreSQL tests find a server: the one named, else a throwaway cluster."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests import postgres_cluster
from tests.conftest import ROOT, _psycopg
from tests.live import process_alive

BINARIES = postgres_cluster.server_binaries()
needs_binaries = pytest.mark.skipif(
    BINARIES is None, reason="the PostgreSQL server binaries are not installed"
)


def _install(root: Path, version: str) -> Path:
    folder = root / version / "bin"
    folder.mkdir(parents=True)
    for tool in postgres_cluster.TOOLS:
        (folder / tool).write_text("#!/bin/sh\n")
        (folder / tool).chmod(0o755)
    return folder


def test_no_binaries_means_no_cluster(tmp_path: Path) -> None:
    assert postgres_cluster.server_binaries(path="", debian=tmp_path) is None


def test_the_newest_debian_version_is_used(tmp_path: Path) -> None:
    _install(tmp_path, "9")
    newest = _install(tmp_path, "16")
    _install(tmp_path, "13")
    assert postgres_cluster.server_binaries(path="", debian=tmp_path) == newest


def test_initdb_on_path_comes_first(tmp_path: Path) -> None:
    _install(tmp_path / "debian", "16")
    own = _install(tmp_path / "own", "local")
    assert postgres_cluster.server_binaries(path=str(own), debian=tmp_path / "debian") == own


@needs_binaries
def test_a_throwaway_cluster_serves_then_leaves_nothing_behind() -> None:
    assert BINARIES is not None
    cluster = postgres_cluster.start(BINARIES)
    try:
        pid = cluster.server_pid()
        engine = sa.create_engine(_psycopg(cluster.url))
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT current_user")).scalar() == "postgres"
        engine.dispose()
        uid = Path(f"/proc/{pid}/status").read_text().split("Uid:")[1].split()[0]
        assert uid != "0"  # initdb and the server refuse root
    finally:
        cluster.remove()
    assert not process_alive(pid)
    assert not cluster.folder.exists()


def test_a_named_server_that_cannot_be_reached_fails_the_run(tmp_path: Path) -> None:
    # Port 1 on the loopback: nothing listens there.
    environment = {
        **os.environ,
        "FORMKIT_TEST_POSTGRES_URL": "postgresql://postgres@127.0.0.1:1/postgres",
    }
    selection = ["tests/test_dossiers.py", "-k", "postgresql", "-x", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *selection, "--basetemp", str(tmp_path / "run")],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    assert "FORMKIT_TEST_POSTGRES_URL is set but the server cannot be reached" in done.stdout
    assert " skipped" not in done.stdout
