"""A throwaway PostgreSQL cluster, for the storage contract suite when no server is named.

CI names a server in `FORMKIT_TEST_POSTGRES_URL`. Without it, and with the server binaries
installed (Debian's `postgresql` package puts them in /usr/lib/postgresql/<version>/bin), the
tests make a cluster of their own: `initdb` into a temporary folder, a server listening only
on a unix socket in that folder (no port to collide with another run), stopped and removed
when the session ends. initdb refuses to run as root, so as root the cluster runs as the
`postgres` user, or `nobody` where there is none.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEBIAN = Path("/usr/lib/postgresql")  # <version>/bin/
TOOLS = ("initdb", "pg_ctl", "postgres")
PORT = 5432  # only names the socket file: the server listens on no TCP port
TIMEOUT = 180  # seconds for initdb, and for the server to accept connections: a loaded machine
# Durability buys nothing in a cluster deleted at the end of the run; these make it faster.
SETTINGS = ("fsync=off", "full_page_writes=off", "synchronous_commit=off")


class ClusterError(RuntimeError):
    """initdb or pg_ctl failed; the message carries their output."""


def server_binaries(path: str | None = None, debian: Path = DEBIAN) -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: initdb's on `path` (default PATH),
    else Debian's newest version. None when the binaries are not installed."""
    found = shutil.which("initdb", path=path)
    candidates = [Path(found).resolve().parent] if found else []
    candidates += sorted(debian.glob("*/bin"), key=_version, reverse=True)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in TOOLS):
            return folder
    return None


def _version(folder: Path) -> int:
    name = folder.parent.name
    return int(name) if name.isdigit() else 0


@dataclass(frozen=True)
class Cluster:
    binaries: Path
    folder: Path  # the data directory's parent, the socket's folder and the server's log
    user: str | None  # whom the server runs as, when the tests run as root

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.folder}&port={PORT}"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def server_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def remove(self) -> None:
        """Stop the server (if it runs) and delete everything the cluster wrote."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder)

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.binaries / tool), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise ClusterError(f"{shlex.join(command)} failed:\n{done.stdout}{done.stderr}{log}")


def start(binaries: Path) -> Cluster:
    """A new cluster, its server accepting connections at `Cluster.url`."""
    folder = Path(tempfile.mkdtemp(prefix="formkit-pg-"))
    user = _unprivileged_user() if os.geteuid() == 0 else None
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(binaries, folder, user)
    try:
        cluster.run(
            "initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        cluster.run(
            "pg_ctl", "-D", str(cluster.data), "-l", str(cluster.log), "-w", "-t", str(TIMEOUT),
            "-o", _server_options(folder), "start",
        )  # fmt: skip
    except BaseException:
        cluster.remove()
        raise
    return cluster


def _server_options(folder: Path) -> str:
    # pg_ctl hands these to a shell.
    options = ["-c", "listen_addresses=", "-k", str(folder), "-p", str(PORT)]
    for setting in SETTINGS:
        options += ["-c", setting]
    return shlex.join(options)


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise ClusterError("initdb refuses root, and there is no postgres or nobody user to run it")
