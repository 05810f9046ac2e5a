"""Drafts: a citizen's answers kept between the steps of a form, until filed or expired.

A draft is known by its id, a capability: 256 random bits that travel in the page's URL (a
third-party iframe gets no cookies, so nothing else could carry it). Whoever holds the id holds
the draft; it is never derived from anything about the citizen.

A resume link is a second, separate capability for coming back on another device: only its
SHA-256 is stored, issuing a new one revokes the one before, and it dies with the draft.

Every save moves the draft's expiry to `ttl` after it; `purge` removes expired drafts. Files a
citizen uploads on a step are stored as blobs at once and recorded as upload rows owned by the
draft; they live as long as the draft does, are claimed by the dossier on filing, and are purged
(with their blob, when nothing else references the same bytes) once unclaimed and orphaned.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from formkit.filing._filing import Blob
from formkit.store import _tables as t
from formkit.store.database import utc

OWNER_PREFIX = "draft:"  # the owner of an upload row made by the web pages
_ID_BYTES = 32

_draft = t.Draft.__table__  # type: ignore[attr-defined]
_upload = t.Upload.__table__  # type: ignore[attr-defined]
_dossier = t.Dossier.__table__  # type: ignore[attr-defined]
_attachment = t.Attachment.__table__  # type: ignore[attr-defined]
_receipt = t.Receipt.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class StoredDraft:
    id: str
    form_id: str
    answers: Mapping[str, Any]
    reached: int  # index of the furthest step posted
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    dossier_number: str | None  # set once filed: a filed draft is read-only
    owner: str | None = None  # the keyed hash of who started it logged in
    declared_at: datetime | None = None  # the answers declared true, as they are now
    prefill: Mapping[str, Any] = field(default_factory=dict)  # answers the login gave

    @property
    def filed(self) -> bool:
        return self.dossier_number is not None


@dataclass(frozen=True, slots=True)
class UploadRecord:
    ref: str  # how the answers name it: `{"bestand": ref, "naam": label}`
    sha256: str
    size: int
    media_type: str
    label: str

    @property
    def blob(self) -> Blob:
        return Blob(self.sha256, self.size, self.media_type, self.label)


@dataclass(frozen=True, slots=True)
class Purged:
    drafts: int
    uploads: int
    blobs: tuple[str, ...]  # hashes no dossier or upload references any more: delete them


def new_id() -> str:
    return secrets.token_urlsafe(_ID_BYTES)


def owner_of(draft_id: str) -> str:
    return OWNER_PREFIX + draft_id


class DraftStore:
    def __init__(self, engine: Engine, ttl: timedelta, upload_ttl: timedelta) -> None:
        self.engine = engine
        self.ttl = ttl
        self.upload_ttl = upload_ttl

    def create(
        self,
        form_id: str,
        answers: Mapping[str, Any],
        reached: int,
        now: datetime,
        *,
        owner: str | None = None,
        prefill: Mapping[str, Any] | None = None,
    ) -> StoredDraft:
        """A new draft; `owner` and `prefill` when a logged-in citizen starts it."""
        now = utc(now)
        row = {
            "id": new_id(),
            "form_id": form_id,
            "answers": dict(answers),
            "reached": reached,
            "resume_hash": None,
            "created_at": now,
            "updated_at": now,
            "expires_at": now + self.ttl,
            "dossier_number": None,
            "owner": owner,
            "prefill": dict(prefill) if prefill else None,
            "declared_at": None,
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(_draft), row)
        return _stored(row)

    def open_drafts(self, owner: str, now: datetime) -> list[StoredDraft]:
        """The drafts `owner` started logged in, not filed and not expired, latest first."""
        query = (
            sa.select(_draft)
            .where(
                _draft.c.owner == owner,
                _draft.c.dossier_number.is_(None),
                _draft.c.expires_at > utc(now),
            )
            .order_by(_draft.c.updated_at.desc(), _draft.c.id)
        )
        with self.engine.connect() as connection:
            return [_stored(row) for row in connection.execute(query).mappings()]

    def load(self, draft_id: str, now: datetime) -> StoredDraft | None:
        """The draft, or None when there is none by that id or it has expired."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(_draft).where(_draft.c.id == draft_id)).mappings()
            found = row.one_or_none()
        if found is None or utc(found["expires_at"]) <= now:
            return None
        return _stored(found)

    def save(
        self, draft_id: str, answers: Mapping[str, Any], reached: int, now: datetime
    ) -> StoredDraft | None:
        """Replace the answers and extend the draft's life; None when it is gone or filed."""
        now = utc(now)
        with self.engine.begin() as connection:
            result = connection.execute(
                _draft.update()
                .where(
                    _draft.c.id == draft_id,
                    _draft.c.dossier_number.is_(None),
                    _draft.c.expires_at > now,
                )
                .values(
                    answers=dict(answers),
                    reached=sa.case((_draft.c.reached > reached, _draft.c.reached), else_=reached),
                    updated_at=now,
                    expires_at=now + self.ttl,
                    declared_at=None,  # changed answers are declared again
                )
            )
        if not result.rowcount:
            return None
        return self.load(draft_id, now)

    def declare(self, draft_id: str, now: datetime) -> None:
        """The citizen declared the draft's answers, as they are now, complete and true."""
        with self.engine.begin() as connection:
            connection.execute(
                _draft.update()
                .where(_draft.c.id == draft_id, _draft.c.dossier_number.is_(None))
                .values(declared_at=utc(now))
            )

    def mark_filed(self, draft_id: str, number: str) -> None:
        """Record the dossier the draft became and let that dossier claim the draft's files."""
        dossier_id = sa.select(_dossier.c.id).where(_dossier.c.number == number).scalar_subquery()
        with self.engine.begin() as connection:
            connection.execute(
                _draft.update().where(_draft.c.id == draft_id).values(dossier_number=number)
            )
            connection.execute(
                _upload.update()
                .where(_upload.c.owner == owner_of(draft_id), _upload.c.claimed_by.is_(None))
                .values(claimed_by=dossier_id)
            )

    def issue_resume_token(self, draft_id: str) -> str:
        """A new resume token for the draft; the one issued before stops working."""
        token = secrets.token_urlsafe(_ID_BYTES)
        with self.engine.begin() as connection:
            connection.execute(
                _draft.update().where(_draft.c.id == draft_id).values(resume_hash=_hash(token))
            )
        return token

    def resume(self, token: str, now: datetime) -> StoredDraft | None:
        """The live draft a resume token belongs to, or None."""
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(_draft.c.id).where(_draft.c.resume_hash == _hash(token))
            ).scalar_one_or_none()
        return None if found is None else self.load(found, now)

    def record_upload(
        self, draft_id: str, sha256: str, size: int, media_type: str, label: str, now: datetime
    ) -> UploadRecord:
        """Note a file stored for the draft; the answers refer to it by the returned `ref`."""
        record = UploadRecord(f"upload-{secrets.token_hex(16)}", sha256, size, media_type, label)
        insert_upload(self.engine, record, owner_of(draft_id), now)
        return record

    def uploads(self, draft_id: str) -> dict[str, UploadRecord]:
        """The draft's files by reference: the only references its answers may use."""
        query = sa.select(_upload).where(_upload.c.owner == owner_of(draft_id))
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(_upload.c.created_at)).mappings().all()
        return {
            r["id"]: UploadRecord(r["id"], r["sha256"], r["size"], r["media_type"], r["label"])
            for r in rows
        }

    def purge(self, now: datetime) -> Purged:
        """Remove expired drafts, then the unclaimed uploads nothing live owns any more.

        An upload owned by a live draft stays however old it is: the citizen may come back to
        it. Returned are the hashes that are now unreferenced; the caller deletes those blobs.
        """
        now = utc(now)
        with self.engine.begin() as connection:
            drafts = connection.execute(_draft.delete().where(_draft.c.expires_at <= now))
            orphans = _orphan_uploads(connection, now - self.upload_ttl)
            hashes = {sha256 for _, sha256 in orphans}
            if orphans:
                ids = [upload_id for upload_id, _ in orphans]
                connection.execute(_upload.delete().where(_upload.c.id.in_(ids)))
            unreferenced = tuple(sorted(h for h in hashes if not _referenced(connection, h)))
        return Purged(drafts.rowcount, len(orphans), unreferenced)


def insert_upload(engine: Engine, record: UploadRecord, owner: str, now: datetime) -> None:
    """Record stored bytes as an upload of `owner`, unclaimed (the drafts' and the API's)."""
    row = {
        "id": record.ref,
        "owner": owner,
        "sha256": record.sha256,
        "size": record.size,
        "media_type": record.media_type,
        "label": record.label[:255],
        "created_at": utc(now),
        "claimed_by": None,
        "used_at": None,
    }
    with engine.begin() as connection:
        connection.execute(sa.insert(_upload), row)


def _orphan_uploads(connection: Connection, before: datetime) -> list[tuple[str, str]]:
    live_owners = sa.select(sa.literal(OWNER_PREFIX, sa.String) + _draft.c.id)
    query = sa.select(_upload.c.id, _upload.c.sha256).where(
        _upload.c.claimed_by.is_(None),
        _upload.c.created_at <= before,
        # Taken by a filing under way (an API upload): not before `ttl` after that, either.
        sa.or_(_upload.c.used_at.is_(None), _upload.c.used_at <= before),
        _upload.c.owner.not_in(live_owners),
    )
    return [(row.id, row.sha256) for row in connection.execute(query)]


def _referenced(connection: Connection, sha256: str) -> bool:
    for column in (_attachment.c.sha256, _upload.c.sha256, _receipt.c.pdf_sha256):
        query = sa.select(sa.literal(1)).where(column == sha256).limit(1)
        if connection.execute(query).first() is not None:
            return True
    return False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stored(row: Mapping[Any, Any]) -> StoredDraft:
    return StoredDraft(
        id=row["id"],
        form_id=row["form_id"],
        answers=row["answers"],
        reached=row["reached"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
        expires_at=utc(row["expires_at"]),
        dossier_number=row["dossier_number"],
        owner=row["owner"],
        prefill=row["prefill"] or {},
        declared_at=None if row["declared_at"] is None else utc(row["declared_at"]),
    )
