"""The instance's secret: signs CSRF tokens, resume and completion links, and keys the hash
that finds a citizen's rows by their national number (`formkit.accounts.national_number_key`).

Several processes of one instance (the web workers, `formkit` commands) must share it, so it
lives in the data folder rather than in memory.
"""

from __future__ import annotations

import secrets
from pathlib import Path

SECRET_FILE = "secret.key"  # noqa: S105 - a file name, not a secret


def instance_secret(data_dir: Path) -> bytes:
    """The secret in `data_dir`: made on first use, readable by the service's user only.

    It is written whole under a temporary name and then linked into place, so a process
    starting at the same moment never reads half of it.
    """
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{secrets.token_hex(4)}")
        draft.write_bytes(secrets.token_bytes(32))
        draft.chmod(0o600)
        try:
            path.hardlink_to(draft)
        except FileExistsError:  # another process of this instance made it first
            pass
        finally:
            draft.unlink()
    return path.read_bytes()
