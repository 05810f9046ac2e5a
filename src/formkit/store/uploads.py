"""Integrators' uploads: files handed in ahead of a JSON filing, used at most once.

`POST /api/v1/uploads` stores the bytes as a blob and records an upload row owned by the API
key (`apikey:<key id>`); the answers then name it as `upload:<id>`. A filing `take`s the
uploads it names before it commits (one atomic update: unused, unexpired, this key's), then
`settle`s them on its dossier, or `give_back`s them when it is refused. An upload nobody
settled is an orphan once `ttl` has passed since it was made (or since a filing took it): the
drafts' purge removes it, and its blob when nothing else references the same bytes.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.store import _tables as t
from formkit.store.database import utc
from formkit.store.drafts import UploadRecord, insert_upload

OWNER_PREFIX = "apikey:"
ID_PREFIX = "upl_"

_upload = t.Upload.__table__  # type: ignore[attr-defined]
_dossier = t.Dossier.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ApiUpload:
    record: UploadRecord  # `record.ref` is the upload's id
    expires: datetime


@dataclass(frozen=True, slots=True)
class Found:
    record: UploadRecord
    used: bool  # by a dossier, or by a filing under way
    expired: bool


class ApiUploads:
    def __init__(self, engine: Engine, ttl: timedelta) -> None:
        self.engine = engine
        self.ttl = ttl

    def record(
        self, key_id: str, sha256: str, size: int, media_type: str, label: str, now: datetime
    ) -> ApiUpload:
        record = UploadRecord(ID_PREFIX + secrets.token_hex(16), sha256, size, media_type, label)
        insert_upload(self.engine, record, _owner(key_id), now)
        return ApiUpload(record, utc(now) + self.ttl)

    def forget(self, upload_id: str) -> None:
        """Remove a row whose blob could not be stored: it must name no bytes."""
        with self.engine.begin() as connection:
            connection.execute(_upload.delete().where(_upload.c.id == upload_id))

    def find(self, key_id: str, upload_ids: Collection[str], now: datetime) -> dict[str, Found]:
        """The named uploads of this key, with whether each may still be used; others are
        left out (another key's upload is as unknown as one that never was)."""
        if not upload_ids:
            return {}
        query = sa.select(_upload).where(
            _upload.c.id.in_(list(upload_ids)), _upload.c.owner == _owner(key_id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        made_after = utc(now) - self.ttl
        return {r["id"]: _found(r, made_after) for r in rows}

    def take(self, key_id: str, upload_ids: Collection[str], now: datetime) -> bool:
        """Mark the uploads as used by a filing under way: all of them, or (False) none."""
        if not upload_ids:
            return True
        now = utc(now)
        with self.engine.begin() as connection:
            taken = connection.execute(
                _upload.update()
                .where(_usable(key_id, upload_ids, now - self.ttl))
                .values(used_at=now)
            )
            if taken.rowcount == len(set(upload_ids)):
                return True
            connection.rollback()
        return False

    def give_back(self, upload_ids: Collection[str]) -> None:
        """The filing that took them was refused: they may be used again until they expire."""
        if upload_ids:
            with self.engine.begin() as connection:
                connection.execute(
                    _upload.update()
                    .where(_upload.c.id.in_(list(upload_ids)), _upload.c.claimed_by.is_(None))
                    .values(used_at=None)
                )

    def settle(self, upload_ids: Collection[str], number: str) -> None:
        """The filing that took them made dossier `number`: they belong to it now."""
        if upload_ids:
            dossier = sa.select(_dossier.c.id).where(_dossier.c.number == number)
            with self.engine.begin() as connection:
                connection.execute(
                    _upload.update()
                    .where(_upload.c.id.in_(list(upload_ids)))
                    .values(claimed_by=dossier.scalar_subquery())
                )


def _owner(key_id: str) -> str:
    return OWNER_PREFIX + key_id


def _usable(
    key_id: str, upload_ids: Collection[str], made_after: datetime
) -> sa.ColumnElement[bool]:
    return sa.and_(
        _upload.c.id.in_(list(upload_ids)),
        _upload.c.owner == _owner(key_id),
        _upload.c.claimed_by.is_(None),
        _upload.c.used_at.is_(None),
        _upload.c.created_at > made_after,
    )


def _found(row: Mapping[Any, Any], made_after: datetime) -> Found:
    record = UploadRecord(row["id"], row["sha256"], row["size"], row["media_type"], row["label"])
    used = row["claimed_by"] is not None or row["used_at"] is not None
    return Found(record, used, utc(row["created_at"]) <= made_after)
