"""Files a citizen hands in on the completion page, between a refused post and the next one.

A post of the completion page stores its files as blobs at once, as a step of a draft does,
and records an upload row per file owned by the dossier (`aanvulling:<number>`): the page
shown again names each by that row's id (`upload-<hex>`), and the next post may use only the
ids this dossier's completion recorded, never bytes it did not hand in. Once the completion is
recorded its files are attachments of the dossier; the rows are orphans then (as are those of
a completion never finished), and the drafts' purge removes them after `upload_ttl`, with
their blobs only when no attachment references the same bytes.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.store import _tables as t
from formkit.store.drafts import UploadRecord, insert_upload

OWNER_PREFIX = "aanvulling:"
_upload = t.Upload.__table__  # type: ignore[attr-defined]


class CompletionUploads:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self, number: str, sha256: str, size: int, media_type: str, label: str, now: datetime
    ) -> UploadRecord:
        """Note a file stored for the completion of dossier `number`."""
        record = UploadRecord(f"upload-{secrets.token_hex(16)}", sha256, size, media_type, label)
        insert_upload(self.engine, record, OWNER_PREFIX + number, now)
        return record

    def find(self, number: str, refs: Collection[str]) -> dict[str, UploadRecord]:
        """The named files of this dossier's completion; another owner's are left out."""
        if not refs:
            return {}
        query = sa.select(_upload).where(
            _upload.c.id.in_(list(refs)), _upload.c.owner == OWNER_PREFIX + number
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return {
            r["id"]: UploadRecord(r["id"], r["sha256"], r["size"], r["media_type"], r["label"])
            for r in rows
        }
