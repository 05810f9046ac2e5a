"""Files handed in with an advice, from their upload to the advice that claims them.

On the staff page an adviser's files are stored as blobs as soon as they are posted, and each
gets an upload row owned by that adviser's session on that dossier (`owner`): the confirmation
and conflict pages carry only the rows' ids (`upload-<hex>`), and a post may name only ids its
own session recorded for the same dossier, never bytes it did not hand in. Through the API the
files are the key's uploads (`store.uploads`, `apikey:<id>`).

The advice's transaction claims the rows it names (`claim`): all of them, still unclaimed and
unused, or none and no advice. A claimed row belongs to the dossier for good, so the purge
keeps its blob (the event names the bytes by their hash); rows never claimed are orphans the
drafts' purge removes after `upload_ttl`, as those of a completion never finished.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from formkit.store import _tables as t
from formkit.store.database import utc
from formkit.store.drafts import UploadRecord, insert_upload

OWNER_PREFIX = "advies:"
REF_PREFIX = "upload-"
_upload = t.Upload.__table__  # type: ignore[attr-defined]


def owner(session: str, number: str) -> str:
    """The owner of an adviser's uploads: their session on this dossier, and nothing else."""
    return OWNER_PREFIX + hashlib.sha256(f"{session}\x00{number}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Claim:
    """The upload rows an advice takes for its dossier, and whose they must be."""

    owner: str
    ids: tuple[str, ...]


class UploadsGoneError(Exception):
    """An upload the advice names is no longer there to claim: used, purged, or not its own."""


class AdviceUploads:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self, owner: str, sha256: str, size: int, media_type: str, label: str, now: datetime
    ) -> UploadRecord:
        record = UploadRecord(REF_PREFIX + secrets.token_hex(16), sha256, size, media_type, label)
        insert_upload(self.engine, record, owner, now)
        return record

    def find(self, owner: str, refs: Collection[str]) -> dict[str, UploadRecord]:
        """The named uploads of `owner` that no advice claimed yet; others are left out."""
        if not refs:
            return {}
        query = sa.select(_upload).where(
            _upload.c.id.in_(list(refs)),
            _upload.c.owner == owner,
            _upload.c.claimed_by.is_(None),
            _upload.c.used_at.is_(None),
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return {
            r["id"]: UploadRecord(r["id"], r["sha256"], r["size"], r["media_type"], r["label"])
            for r in rows
        }


def claim(connection: Connection, claimed: Claim, dossier_id: int, now: datetime) -> None:
    """Give the named uploads to the dossier in the advice's transaction; `UploadsGoneError`
    (and the caller's transaction rolls back) unless every one of them was still free."""
    ids = set(claimed.ids)
    if not ids:
        return
    taken = connection.execute(
        _upload.update()
        .where(
            _upload.c.id.in_(list(ids)),
            _upload.c.owner == claimed.owner,
            _upload.c.claimed_by.is_(None),
            _upload.c.used_at.is_(None),
        )
        .values(claimed_by=dossier_id, used_at=utc(now))
    )
    if taken.rowcount != len(ids):
        raise UploadsGoneError(f"{len(ids) - taken.rowcount} of the uploads are gone")
