"""Integrators' API keys: shown once, kept as a hash, scoped to forms and to read, write or handle.

A key reads `fk_<id>_<secret>`: the id finds the row without a scan, the secret (256 bits)
is compared by its SHA-256 in constant time. A slow password hash buys nothing for a random
secret of that size. A process remembers a checked key for `CACHE_SECONDS`, so a revoked key
stops working everywhere within that time, and filing does not pay a query per request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.store import _tables as t

SCOPES = ("read", "write", "handle")  # handle: act on dossiers as staff do
CACHE_SECONDS = 5.0
ALL_FORMS = "*"

_keys = t.ApiKey.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    forms: tuple[str, ...]
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None

    def allows(self, scope: str, form_id: str) -> bool:
        return scope in self.scopes and (ALL_FORMS in self.forms or form_id in self.forms)

    @property
    def channel(self) -> str:
        return f"api:{self.name}"


class ApiKeys:
    def __init__(self, engine: Engine, cache_seconds: float = CACHE_SECONDS) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self._checked: dict[str, tuple[float, ApiKey | None]] = {}

    def create(self, name: str, forms: Sequence[str], scopes: Sequence[str]) -> tuple[ApiKey, str]:
        """A new key and its token; the token is not stored and cannot be shown again."""
        unknown = set(scopes) - set(SCOPES)
        if unknown or not scopes:
            raise ValueError(f"scopes must be among {', '.join(SCOPES)}")
        if "handle" in scopes and "read" not in scopes:  # acting on a dossier unseen is blind
            raise ValueError("the handle scope needs the read scope")
        if not forms:
            raise ValueError("name at least one form, or * for all")
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        row = {
            "id": key_id,
            "name": name,
            "secret_hash": _hash(secret),
            "forms": sorted(set(forms)),
            "scopes": sorted(set(scopes)),
            "created_at": datetime.now(UTC),
            "revoked_at": None,
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(_keys), row)
        return _key(row), f"fk_{key_id}_{secret}"

    def revoke(self, key_id: str) -> bool:
        self._checked.clear()
        with self.engine.begin() as connection:
            result = connection.execute(
                _keys.update()
                .where(_keys.c.id == key_id, _keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return bool(result.rowcount)

    def list(self) -> list[ApiKey]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(_keys).order_by(_keys.c.created_at)).mappings()
            return [_key(row) for row in rows]

    def authenticate(self, token: str) -> ApiKey | None:
        """The live key a token belongs to, or None: unknown, malformed or revoked alike."""
        digest, now = _hash(token), time.monotonic()
        cached = self._checked.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = self._lookup(token)
        if len(self._checked) > 10_000:  # a flood of made-up tokens must not grow memory
            self._checked.clear()
        self._checked[digest] = (now + self.cache_seconds, found)
        return found

    def _lookup(self, token: str) -> ApiKey | None:
        prefix, _, rest = token.partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != "fk" or not key_id or not secret:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(_keys).where(_keys.c.id == key_id)).mappings()
            found = row.one_or_none()
        if found is None or found["revoked_at"] is not None:
            return None
        if not hmac.compare_digest(found["secret_hash"], _hash(secret)):
            return None
        return _key(found)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: Mapping[Any, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        forms=tuple(row["forms"]),
        scopes=tuple(row["scopes"]),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
