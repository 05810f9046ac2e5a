"""`make test` stops at once, with the command that installs them, when system tools are missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests import preflight
from tests.conftest import ROOT

from formkit.eid._testcard import SOFTHSM_MODULES

SUDO = "" if os.geteuid() == 0 else "sudo "
MAKE = shutil.which("make") or "make"
EVERY_PACKAGE = f"{SUDO}apt-get install chromium softhsm2 nodejs npm poppler-utils"


def _tools(folder: Path, *names: str) -> str:
    """A PATH holding only programs of these names."""
    folder.mkdir()
    for name in names:
        (folder / name).symlink_to("/bin/true")
    return str(folder)


def test_nothing_is_missing_when_every_tool_is_there(tmp_path: Path) -> None:
    path = _tools(tmp_path / "bin", *(need.what for need in preflight.NEEDS))
    module = tmp_path / "libsofthsm2.so"
    module.touch()
    assert preflight.missing(path, [str(module)]) == []


def test_a_missing_tool_is_named_with_its_package(tmp_path: Path) -> None:
    path = _tools(tmp_path / "bin", "chromium", "softhsm2-util", "pdftotext", "pdftoppm")
    module = tmp_path / "libsofthsm2.so"
    module.touch()
    absent = preflight.missing(path, [str(module)])
    assert [need.what for need in absent] == ["npm"]
    assert preflight.install_command(absent) == f"{SUDO}apt-get install nodejs npm"


def test_a_missing_softhsm_module_is_named(tmp_path: Path) -> None:
    path = _tools(tmp_path / "bin", *(need.what for need in preflight.NEEDS))
    absent = preflight.missing(path, [str(tmp_path / "nowhere.so")])
    assert [need.package for need in absent] == ["softhsm2"]


def test_it_looks_for_the_module_where_the_test_cards_do() -> None:
    assert preflight.SOFTHSM_MODULES == SOFTHSM_MODULES


def test_make_test_stops_first_with_the_one_install_command(tmp_path: Path) -> None:
    # An empty PATH: none of the tools is found (and neither are pip, ruff or pytest).
    done = subprocess.run(
        [MAKE, "--no-print-directory", "-C", str(ROOT), "test", f"PYTHON={sys.executable}"],
        env={**os.environ, "PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert done.stderr.startswith("make test needs programs that are not installed:\n")
    for need in preflight.NEEDS:
        assert f"  {need.what} ({need.package}): " in done.stderr
    assert f"Install them with:\n  {EVERY_PACKAGE}\n" in done.stderr
    assert done.stdout == ""  # nothing else ran: no venv, no npm ci, no lint
