"""The attachment store: content-addressed blobs, written as a stream within an upload's limits.

A blob is known by the SHA-256 of its bytes, computed while they stream in. The limits of an
attachment slot (`UploadLimits`) are enforced while streaming: an upload that grows past its
`max_bytes`, or whose first bytes are not one of its media types, is cut off at once, and
whatever had been written of it is removed. The media type comes from the bytes (`_sniff`);
the client's name and type are never trusted.

Uploads of a request that may still be refused go to staging (`store.staging()`): checked and
hashed like any upload, but out of the store until `promote`d when the filing is accepted, or
`discard`ed. Each staged upload is its own copy, named in its `BlobInfo`, and only that copy is
ever promoted or discarded for it: two uploads of the same content (two attachments of one
filing, or filings at the same moment) never take each other's, so none is left behind.
Promoting content the store already holds just drops the copy.

`BlobStore` is the interface (one contract suite in `tests/test_blobs.py` runs against every
implementation); `FileBlobStore` keeps blobs on a local disk. Errors:

FormkitError
└── BlobError
    ├── UploadTooLargeError    more bytes than the slot allows; carries `limit`
    ├── MediaTypeRefusedError  not a type the slot accepts; carries `found` and `allowed`
    └── BlobNotFoundError      no blob (or staged copy) with that hash; carries `sha256`
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import anyio
import anyio.to_thread

from formkit._errors import FormkitError
from formkit.filing._sniff import SNIFF_BYTES, sniff
from formkit.forms._labels import FALLBACK
from formkit.forms._vocabulary import AttachmentRule

BATCH_BYTES = 256 * 1024  # bytes gathered before one trip to a worker thread
READ_BYTES = 256 * 1024

_SHA256 = re.compile(r"[0-9a-f]{64}")
_STAGED_COPY = re.compile(r"([0-9a-f]{64})\.[0-9A-Za-z_]{1,64}")
_FAN_OUT = re.compile(r"[0-9a-f]{2}")


@dataclass(frozen=True, slots=True)
class BlobInfo:
    sha256: str  # lowercase hex
    size: int
    media_type: str  # as sniffed from the bytes
    staged_copy: str = ""  # an upload into staging: the name of its own copy there


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_bytes: int
    media_types: frozenset[str]

    @classmethod
    def from_rule(cls, rule: AttachmentRule) -> UploadLimits:
        return cls(max_bytes=rule.max_bytes, media_types=frozenset(rule.media_types))


class BlobError(FormkitError):
    """An upload or a blob that the store refuses or cannot find."""


class UploadTooLargeError(BlobError):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"upload exceeds {limit} bytes")


class MediaTypeRefusedError(BlobError):
    def __init__(self, found: str, allowed: frozenset[str]) -> None:
        self.found = found
        self.allowed = allowed
        super().__init__(f"media type {found} is not one of {', '.join(sorted(allowed))}")


class BlobNotFoundError(BlobError):
    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        super().__init__(f"no blob {sha256}")


class BlobWriter(Protocol):
    """One upload in progress. Not for concurrent use; exactly one of commit or abort ends it.

    `write` raises `UploadTooLargeError` as soon as the bytes pass the limit, and
    `MediaTypeRefusedError` as soon as the first bytes show a type outside the limits (at `commit`
    for small uploads); either way the writer has then already aborted itself. After `commit`,
    `abort` does nothing.
    """

    async def write(self, chunk: bytes | memoryview) -> None: ...
    async def commit(self) -> BlobInfo: ...
    async def abort(self) -> None: ...


class BlobSink(Protocol):
    """Where uploads go: the store itself, or its staging."""

    def begin(self, limits: UploadLimits) -> BlobWriter:
        """Start an upload; nothing is kept unless the writer commits."""
        ...


class BlobStore(BlobSink, Protocol):
    """Content-addressed storage of attachments. Hashes are 64 lowercase hex digits."""

    def open(self, sha256: str) -> AsyncIterator[bytes]:
        """The blob's bytes in chunks; raises `BlobNotFoundError` when iterated, if missing."""
        ...

    async def exists(self, sha256: str) -> bool: ...

    async def size(self, sha256: str) -> int:
        """The blob's size in bytes; raises `BlobNotFoundError`."""
        ...

    async def delete(self, sha256: str) -> None:
        """Remove the blob if it is there. Content is shared: only the caller knows if it may."""
        ...

    def iter_hashes(self) -> AsyncIterator[str]:
        """Every stored blob's hash (staged copies not included), in no particular order."""
        ...

    def staging(self) -> BlobSink:
        """A sink whose committed uploads are staged: kept out of the store until promoted."""
        ...

    async def promote(self, staged: BlobInfo) -> None:
        """Move the staged upload's own copy into the store; `BlobNotFoundError` if that copy is
        gone and the store does not hold its content either."""
        ...

    async def discard_staged(self, staged: BlobInfo) -> None:
        """Remove the staged upload's own copy, if it is still there."""
        ...

    def staged(self, info: BlobInfo, label: str = FALLBACK) -> StagedBlob:
        """A handle on a staged upload that committed as `info`."""
        ...


@dataclass(frozen=True, slots=True)
class StagedBlob:
    """One staged upload: promote it or discard it, once."""

    info: BlobInfo
    label: str  # the client's file name, sanitised
    store: BlobStore = field(repr=False, compare=False)

    @property
    def sha256(self) -> str:
        return self.info.sha256

    @property
    def size(self) -> int:
        return self.info.size

    @property
    def media_type(self) -> str:
        return self.info.media_type

    async def promote(self) -> None:
        await self.store.promote(self.info)

    async def discard(self) -> None:
        await self.store.discard_staged(self.info)


async def save(store: BlobSink, limits: UploadLimits, chunks: AsyncIterable[bytes]) -> BlobInfo:
    """Stream `chunks` into `store`; on any failure nothing of them is left behind."""
    writer = store.begin(limits)
    try:
        async for chunk in chunks:
            await writer.write(chunk)
        return await writer.commit()
    except BaseException:
        await abort_shielded(writer)
        raise


async def abort_shielded(writer: BlobWriter) -> None:
    """Abort `writer`, even while the surrounding task is being cancelled."""
    with anyio.CancelScope(shield=True):
        await writer.abort()


def check_hash(sha256: str) -> str:
    """`sha256` if it is a well-formed hash; a path is never built from anything else."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


class FileBlobStore:
    """Blobs as files under `root`: `sha256/ab/abcd...` (the full hash, fanned out by its first
    byte), written through `tmp/` and moved into place atomically once complete and synced.
    Staged copies wait in `staging/` as `<hash>.<unique>`.

    All folders must be on one file system. A crash can leave files in `tmp/` and `staging/`
    (never half a file in `sha256/`); `sweep` removes them.
    """

    def __init__(self, root: Path, *, batch_bytes: int = BATCH_BYTES) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.staging_dir = root / "staging"
        self.blobs = root / "sha256"
        self.batch_bytes = batch_bytes
        for folder in (self.tmp, self.staging_dir, self.blobs):
            folder.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where the blob lives (whether or not it exists): for serving it with sendfile."""
        check_hash(sha256)
        return self.blobs / sha256[:2] / sha256

    def begin(self, limits: UploadLimits) -> FileBlobWriter:
        return FileBlobWriter(self, limits, self._place)

    def staging(self) -> BlobSink:
        return _Staging(self)

    def staged(self, info: BlobInfo, label: str = FALLBACK) -> StagedBlob:
        return StagedBlob(info, label, self)

    def open(self, sha256: str) -> AsyncIterator[bytes]:
        return _read_chunks(self.path_of(sha256), sha256)

    async def exists(self, sha256: str) -> bool:
        return await anyio.to_thread.run_sync(self.path_of(sha256).is_file)

    async def size(self, sha256: str) -> int:
        path = self.path_of(sha256)
        try:
            stat = await anyio.to_thread.run_sync(path.stat)
        except FileNotFoundError:
            raise BlobNotFoundError(sha256) from None
        return stat.st_size

    async def delete(self, sha256: str) -> None:
        await anyio.to_thread.run_sync(self.path_of(sha256).unlink, True)

    async def iter_hashes(self) -> AsyncIterator[str]:
        for fan_out in await anyio.to_thread.run_sync(_listdir, self.blobs):
            if not _FAN_OUT.fullmatch(fan_out):
                continue
            for name in await anyio.to_thread.run_sync(_listdir, self.blobs / fan_out):
                if _SHA256.fullmatch(name) and name.startswith(fan_out):
                    yield name

    async def promote(self, staged: BlobInfo) -> None:
        await anyio.to_thread.run_sync(self._promote, self._copy_of(staged), staged.sha256)

    async def discard_staged(self, staged: BlobInfo) -> None:
        await anyio.to_thread.run_sync(self._copy_of(staged).unlink, True)

    async def sweep(self, older_than_seconds: float) -> int:
        """Remove what a crash left in `tmp/` and `staging/`; returns how many files.

        Pick an age no upload or filing in progress reaches (an hour, say)."""
        return sum(
            [
                await anyio.to_thread.run_sync(_sweep, folder, older_than_seconds)
                for folder in (self.tmp, self.staging_dir)
            ]
        )

    def _copy_of(self, staged: BlobInfo) -> Path:
        """Where the staged upload's own copy is; a path is never built from anything else."""
        check_hash(staged.sha256)
        found = _STAGED_COPY.fullmatch(staged.staged_copy)
        if found is None or found.group(1) != staged.sha256:
            raise ValueError(f"not a staged copy of {staged.sha256}: {staged.staged_copy!r}")
        return self.staging_dir / staged.staged_copy

    # What follows runs in a worker thread.

    def _place(self, source: Path, sha256: str) -> str:
        """Make the finished file `source` blob `sha256`, or drop it if the store has that."""
        target = self.path_of(sha256)
        new_folder = _make_folder(target.parent)
        if target.exists():
            source.unlink()
        else:
            source.replace(target)
        _fsync_folder(target.parent)
        if new_folder:
            _fsync_folder(self.blobs)
        return ""

    def _stage(self, source: Path, sha256: str) -> str:
        """Keep the finished file `source` in staging; the name of this upload's own copy."""
        name = f"{sha256}.{source.stem}"  # the temporary file's name is unique
        source.replace(self.staging_dir / name)
        _fsync_folder(self.staging_dir)
        return name

    def _promote(self, copy: Path, sha256: str) -> None:
        try:
            self._place(copy, sha256)
        except FileNotFoundError:  # promoted before, or swept as a crash's leftover
            if not self.path_of(sha256).is_file():
                raise BlobNotFoundError(sha256) from None


@dataclass(frozen=True, slots=True)
class _Staging:
    store: FileBlobStore

    def begin(self, limits: UploadLimits) -> FileBlobWriter:
        return FileBlobWriter(self.store, limits, self.store._stage)


class FileBlobWriter:
    """Gathers chunks into batches that a worker thread hashes and writes to a temporary file;
    once complete and synced, `settle` moves that file where it belongs."""

    def __init__(self, store: FileBlobStore, limits: UploadLimits, settle: _Settle) -> None:
        self._store = store
        self._limits = limits
        self._settle = settle
        self._hash = hashlib.sha256()
        self._buffer = bytearray()
        self._size = 0
        self._media_type: str | None = None  # known once SNIFF_BYTES arrived, or at commit
        self._file: IO[bytes] | None = None  # opened with the first batch
        self._path: Path | None = None
        self._done = False

    async def write(self, chunk: bytes | memoryview) -> None:
        self._check_open()
        self._size += len(chunk)
        if self._size > self._limits.max_bytes:
            await abort_shielded(self)
            raise UploadTooLargeError(self._limits.max_bytes)
        self._buffer += chunk
        if self._media_type is None and len(self._buffer) >= SNIFF_BYTES:
            await self._judge()
        # Nothing reaches the disk before the type is judged on the buffered first bytes.
        if self._media_type is not None and len(self._buffer) >= self._store.batch_bytes:
            await self._spill()

    async def commit(self) -> BlobInfo:
        self._check_open()
        if self._media_type is None:
            await self._judge()
        assert self._media_type is not None
        try:
            await self._spill()
            sha256 = self._hash.hexdigest()
            copy = await anyio.to_thread.run_sync(self._finish, sha256)
        except BaseException:
            await abort_shielded(self)
            raise
        self._done = True
        return BlobInfo(sha256, self._size, self._media_type, staged_copy=copy)

    async def abort(self) -> None:
        if self._done:
            return
        self._done = True
        self._buffer = bytearray()
        await anyio.to_thread.run_sync(self._discard)

    def _check_open(self) -> None:
        if self._done:
            raise RuntimeError("this upload has already been committed or aborted")

    async def _judge(self) -> None:
        found = sniff(bytes(self._buffer[:SNIFF_BYTES]))
        if found not in self._limits.media_types:
            await abort_shielded(self)
            raise MediaTypeRefusedError(found, self._limits.media_types)
        self._media_type = found

    async def _spill(self) -> None:
        batch, self._buffer = self._buffer, bytearray()
        try:
            await anyio.to_thread.run_sync(self._write_batch, batch)
        except BaseException:
            await abort_shielded(self)
            raise

    # What follows runs in a worker thread; hashlib releases the GIL on large batches.

    def _write_batch(self, batch: bytearray) -> None:
        if self._file is None:
            descriptor, name = tempfile.mkstemp(dir=self._store.tmp, suffix=".part")
            self._path = Path(name)
            self._file = os.fdopen(descriptor, "wb")
        self._hash.update(batch)
        self._file.write(batch)

    def _finish(self, sha256: str) -> str:
        if self._file is None:  # an empty upload: make its (empty) file all the same
            self._write_batch(bytearray())
        assert self._file is not None
        assert self._path is not None
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        copy = self._settle(self._path, sha256)
        self._path = None
        return copy

    def _discard(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._path is not None:
            self._path.unlink(missing_ok=True)
        self._file = self._path = None


class _Settle(Protocol):
    """Puts a finished upload where it belongs; the name of its staged copy, or ""."""

    def __call__(self, source: Path, sha256: str) -> str: ...


async def _read_chunks(path: Path, sha256: str) -> AsyncIterator[bytes]:
    try:
        file = await anyio.open_file(path, "rb")
    except FileNotFoundError:
        raise BlobNotFoundError(sha256) from None
    async with file:
        while chunk := await file.read(READ_BYTES):
            yield chunk


def _listdir(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in folder.iterdir()]
    except FileNotFoundError:
        return []


def _make_folder(folder: Path) -> bool:
    """Create `folder` if needed; whether it is new."""
    try:
        folder.mkdir()
    except FileExistsError:
        return False
    return True


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sweep(folder: Path, older_than_seconds: float) -> int:
    cutoff = time.time() - older_than_seconds
    removed = 0
    for entry in os.scandir(folder):
        with contextlib.suppress(FileNotFoundError):  # an upload that ended meanwhile
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                Path(entry.path).unlink()
                removed += 1
    return removed
