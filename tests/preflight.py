"""What `make test` needs from the machine, checked before anything is installed or run.

Without these the suite would fail deep inside a test, minutes in. Run by the system Python
before the virtualenv exists, so the standard library only. Exit 1 names what is missing and
the one command that installs it; PostgreSQL is optional (its tests start a throwaway cluster
when the server binaries are installed), so its absence is only said.

    python3 -m tests.preflight
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.postgres_cluster import server_binaries


@dataclass(frozen=True)
class Need:
    what: str  # a program, or the file of a library
    package: str  # the Debian package(s) that bring it
    why: str


# The same paths as formkit.eid._testcard.SOFTHSM_MODULES (tests/test_preflight.py checks).
SOFTHSM_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
NEEDS = (
    Need("chromium", "chromium", "the citizen's browser (tests/browser, tests/render)"),
    Need("softhsm2-util", "softhsm2", "the test eID cards"),
    Need("npm", "nodejs npm", "axe-core for the WCAG audits (tests/browser)"),
    Need("pdftotext", "poppler-utils", "reading the receipt PDFs"),
    Need("pdftoppm", "poppler-utils", "rendering the receipt PDFs"),
)


def missing(path: str | None = None, modules: Sequence[str] = SOFTHSM_MODULES) -> list[Need]:
    """What is not installed, looking for programs on `path` (default PATH)."""
    absent = [need for need in NEEDS if shutil.which(need.what, path=path) is None]
    if not any(Path(module).is_file() for module in modules):
        absent.append(Need(modules[0], "softhsm2", "the PKCS#11 module of the test eID cards"))
    return absent


def install_command(absent: Sequence[Need]) -> str:
    packages = dict.fromkeys(word for need in absent for word in need.package.split())
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install " + " ".join(packages)


def main() -> int:
    absent = missing()
    if absent:
        print("make test needs programs that are not installed:", file=sys.stderr)
        for need in absent:
            print(f"  {need.what} ({need.package}): {need.why}", file=sys.stderr)
        print(f"Install them with:\n  {install_command(absent)}", file=sys.stderr)
        return 1
    if not os.environ.get("FORMKIT_TEST_POSTGRES_URL") and not server_binaries():
        print(
            "The PostgreSQL tests will skip: FORMKIT_TEST_POSTGRES_URL is not set and the server "
            "binaries are not installed (apt-get install postgresql).",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
