"""The blob store contract, run against every implementation, then what is FileBlobStore's own.

To add a backend, add a `Backend` to `backend()`: the store, and a way to list everything it
holds, finished or not (for S3: the objects and the unfinished multipart uploads).
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

from formkit.filing._sniff import EMPTY, JPEG, PDF, PNG
from formkit.filing.blobs import (
    BlobInfo,
    BlobNotFoundError,
    BlobStore,
    BlobWriter,
    FileBlobStore,
    MediaTypeRefusedError,
    StagedBlob,
    UploadLimits,
    UploadTooLargeError,
    save,
)
from formkit.forms._vocabulary import AttachmentRule

pytestmark = pytest.mark.anyio

PDF_ONLY = UploadLimits(max_bytes=10_000_000, media_types=frozenset({PDF}))
DOCUMENTS = UploadLimits(max_bytes=10_000_000, media_types=frozenset({PDF, JPEG, PNG}))
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Backend:
    store: BlobStore
    residue: Callable[[], list[str]]  # everything held, committed or not


def files_under(root: Path) -> Callable[[], list[str]]:
    return lambda: sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(params=["file"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "file":
        return Backend(FileBlobStore(tmp_path / "blobs"), files_under(tmp_path / "blobs"))
    raise NotImplementedError(request.param)


def pdf(size: int, seed: int = 0) -> bytes:
    """A PDF-looking document of exactly `size` bytes."""
    head = b"%PDF-1.7\n"
    return head + random.Random(seed).randbytes(size - len(head))


class Chunks:
    """Hands out `content` in chunks of random sizes, counting how far it got."""

    def __init__(self, content: bytes, *, largest: int = 100_000, seed: int = 1) -> None:
        self.content = content
        self.handed_out = 0
        self._random = random.Random(seed)
        self._largest = largest

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while self.handed_out < len(self.content):
            size = self._random.randint(1, self._largest)
            chunk = self.content[self.handed_out : self.handed_out + size]
            self.handed_out += len(chunk)
            yield chunk


async def read(store: BlobStore, sha256: str) -> bytes:
    return b"".join([chunk async for chunk in store.open(sha256)])


async def hashes(store: BlobStore) -> set[str]:
    return {sha256 async for sha256 in store.iter_hashes()}


async def write_and_commit(writer: BlobWriter, chunks: Chunks) -> BlobInfo:
    async for chunk in chunks:
        await writer.write(chunk)
    return await writer.commit()


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# The contract


async def test_what_is_saved_reads_back_with_its_hash_size_and_type(backend: Backend) -> None:
    content = pdf(3_000_000)
    info = await save(backend.store, DOCUMENTS, Chunks(content))
    assert info == BlobInfo(sha256=sha256_of(content), size=len(content), media_type=PDF)
    assert await read(backend.store, info.sha256) == content
    assert await backend.store.exists(info.sha256)
    assert await backend.store.size(info.sha256) == len(content)


@pytest.mark.parametrize("size", [9, 100, 8191, 8192, 8193])
async def test_a_small_upload_is_judged_at_commit(backend: Backend, size: int) -> None:
    content = pdf(size)
    info = await save(backend.store, PDF_ONLY, Chunks(content, largest=7))
    assert info.size == size
    assert await read(backend.store, info.sha256) == content


async def test_the_type_comes_from_the_bytes(backend: Backend) -> None:
    content = PNG_HEADER + bytes(50_000)
    info = await save(backend.store, DOCUMENTS, Chunks(content))
    assert info.media_type == PNG


async def test_the_same_content_twice_is_one_blob(backend: Backend) -> None:
    content = pdf(500_000)
    first = await save(backend.store, PDF_ONLY, Chunks(content, seed=1))
    second = await save(backend.store, PDF_ONLY, Chunks(content, seed=2))
    assert first == second
    assert await hashes(backend.store) == {first.sha256}
    assert len(backend.residue()) == 1


async def test_concurrent_uploads_of_the_same_content_make_one_blob(backend: Backend) -> None:
    content = pdf(2_000_000)
    infos: list[BlobInfo] = []

    async def upload(seed: int) -> None:
        infos.append(await save(backend.store, PDF_ONLY, Chunks(content, seed=seed)))

    async with anyio.create_task_group() as group:
        for seed in range(6):
            group.start_soon(upload, seed)
    assert set(infos) == {BlobInfo(sha256_of(content), len(content), PDF)}
    assert await read(backend.store, infos[0].sha256) == content
    assert len(backend.residue()) == 1


async def test_concurrent_uploads_of_different_content_are_kept_apart(backend: Backend) -> None:
    contents = [pdf(300_000, seed) for seed in range(5)]

    async def upload(content: bytes) -> None:
        await save(backend.store, PDF_ONLY, Chunks(content))

    async with anyio.create_task_group() as group:
        for content in contents:
            group.start_soon(upload, content)
    assert await hashes(backend.store) == {sha256_of(c) for c in contents}
    for content in contents:
        assert await read(backend.store, sha256_of(content)) == content


async def test_an_upload_of_exactly_the_limit_is_accepted(backend: Backend) -> None:
    limits = UploadLimits(max_bytes=1_000_000, media_types=frozenset({PDF}))
    info = await save(backend.store, limits, Chunks(pdf(1_000_000)))
    assert info.size == 1_000_000


async def test_an_upload_over_the_limit_is_cut_off_and_leaves_nothing(backend: Backend) -> None:
    limits = UploadLimits(max_bytes=1_000_000, media_types=frozenset({PDF}))
    chunks = Chunks(pdf(5_000_000), largest=10_000)
    with pytest.raises(UploadTooLargeError) as refused:
        await save(backend.store, limits, chunks)
    assert refused.value.limit == 1_000_000
    assert chunks.handed_out <= 1_000_000 + 10_000  # not one chunk more than needed
    assert backend.residue() == []


async def test_one_byte_over_the_limit_is_refused(backend: Backend) -> None:
    limits = UploadLimits(max_bytes=1_000_000, media_types=frozenset({PDF}))
    with pytest.raises(UploadTooLargeError):
        await save(backend.store, limits, Chunks(pdf(1_000_001)))
    assert backend.residue() == []


async def test_an_upload_of_a_refused_type_is_cut_off_and_leaves_nothing(
    backend: Backend,
) -> None:
    chunks = Chunks(PNG_HEADER + bytes(3_000_000), largest=1000)
    with pytest.raises(MediaTypeRefusedError) as refused:
        await save(backend.store, PDF_ONLY, chunks)
    assert refused.value.found == PNG
    assert refused.value.allowed == frozenset({PDF})
    assert chunks.handed_out < 10_000  # judged on the first bytes
    assert backend.residue() == []


@pytest.mark.parametrize(
    "content",
    [
        b"Geachte, in bijlage mijn plan. Dit bestand heet plan.pdf maar is tekst.\n" * 2000,
        b"tiny.pdf",
    ],
    ids=["large", "small"],
)
async def test_text_disguised_as_a_pdf_is_refused(backend: Backend, content: bytes) -> None:
    with pytest.raises(MediaTypeRefusedError) as refused:
        await save(backend.store, PDF_ONLY, Chunks(content))
    assert refused.value.found != PDF
    assert backend.residue() == []


async def test_an_empty_upload_is_refused(backend: Backend) -> None:
    with pytest.raises(MediaTypeRefusedError) as refused:
        await save(backend.store, DOCUMENTS, Chunks(b""))
    assert refused.value.found == EMPTY
    assert backend.residue() == []


@pytest.mark.parametrize(
    ("content", "refusal"),
    [(pdf(3_000_001), UploadTooLargeError), (PNG_HEADER + bytes(3_000_000), MediaTypeRefusedError)],
    ids=["too-large", "wrong-type"],
)
async def test_a_writer_that_refuses_has_cleaned_up_already(
    backend: Backend, content: bytes, refusal: type[Exception]
) -> None:
    writer = backend.store.begin(UploadLimits(3_000_000, frozenset({PDF})))
    with pytest.raises(refusal):
        await write_and_commit(writer, Chunks(content))
    assert backend.residue() == []
    with pytest.raises(RuntimeError):
        await writer.write(b"more")


async def test_abort_removes_what_was_written(backend: Backend) -> None:
    writer = backend.store.begin(PDF_ONLY)
    async for chunk in Chunks(pdf(3_000_000)):
        await writer.write(chunk)
    assert backend.residue() != []  # the bytes went somewhere, not into memory
    await writer.abort()
    assert backend.residue() == []
    await writer.abort()  # twice is harmless


async def test_an_upload_cancelled_midway_leaves_nothing(backend: Backend) -> None:
    async def endless() -> AsyncIterator[bytes]:
        yield b"%PDF-1.7\n"
        while True:
            yield bytes(64 * 1024)
            await anyio.sleep(0)

    with anyio.move_on_after(0.05):
        await save(backend.store, UploadLimits(10**12, frozenset({PDF})), endless())
    assert backend.residue() == []


async def test_a_failing_source_leaves_nothing(backend: Backend) -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield pdf(2_000_000)
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        await save(backend.store, PDF_ONLY, failing())
    assert backend.residue() == []


async def test_a_finished_writer_takes_no_more(backend: Backend) -> None:
    writer = backend.store.begin(PDF_ONLY)
    await writer.write(pdf(100))
    await writer.commit()
    with pytest.raises(RuntimeError):
        await writer.write(b"more")
    with pytest.raises(RuntimeError):
        await writer.commit()
    await writer.abort()  # does nothing after a commit
    assert await hashes(backend.store) == {sha256_of(pdf(100))}


async def test_delete_removes_a_blob(backend: Backend) -> None:
    kept = await save(backend.store, PDF_ONLY, Chunks(pdf(1000, seed=1)))
    gone = await save(backend.store, PDF_ONLY, Chunks(pdf(1000, seed=2)))
    await backend.store.delete(gone.sha256)
    assert not await backend.store.exists(gone.sha256)
    assert await hashes(backend.store) == {kept.sha256}
    await backend.store.delete(gone.sha256)  # already gone: no error


async def test_a_missing_blob_is_reported(backend: Backend) -> None:
    missing = sha256_of(b"never stored")
    assert not await backend.store.exists(missing)
    with pytest.raises(BlobNotFoundError):
        await read(backend.store, missing)
    with pytest.raises(BlobNotFoundError) as not_found:
        await backend.store.size(missing)
    assert not_found.value.sha256 == missing


async def test_iter_hashes_lists_every_blob(backend: Backend) -> None:
    assert await hashes(backend.store) == set()
    infos = [await save(backend.store, PDF_ONLY, Chunks(pdf(2000, seed))) for seed in range(20)]
    assert await hashes(backend.store) == {info.sha256 for info in infos}


@pytest.mark.parametrize(
    "sha256",
    ["../../etc/passwd", "ABCDEF" + "0" * 58, "0" * 63, "0" * 65, "", "g" * 64],
)
async def test_a_malformed_hash_is_refused(backend: Backend, sha256: str) -> None:
    calls: Iterable[Callable[[str], Any]] = (
        backend.store.exists,
        backend.store.size,
        backend.store.delete,
        lambda sha256: backend.store.promote(BlobInfo(sha256, 1, PDF, f"{sha256}.tmp1")),
        lambda sha256: backend.store.discard_staged(BlobInfo(sha256, 1, PDF, f"{sha256}.tmp1")),
    )
    for call in calls:
        with pytest.raises(ValueError, match="SHA-256"):
            await call(sha256)
    with pytest.raises(ValueError, match="SHA-256"):
        backend.store.open(sha256)


@pytest.mark.parametrize("copy", ["", "../../etc/passwd", "{hash}", "{hash}./x", "{other}.tmp1"])
async def test_a_malformed_staged_copy_is_refused(backend: Backend, copy: str) -> None:
    sha256, other = sha256_of(b"a"), sha256_of(b"b")
    staged = BlobInfo(sha256, 1, PDF, copy.format(hash=sha256, other=other))
    with pytest.raises(ValueError, match="staged copy"):
        await backend.store.promote(staged)
    with pytest.raises(ValueError, match="staged copy"):
        await backend.store.discard_staged(staged)


# Staging


async def stage(backend: Backend, content: bytes, seed: int = 1) -> StagedBlob:
    info = await save(backend.store.staging(), PDF_ONLY, Chunks(content, seed=seed))
    return backend.store.staged(info, label="plan.pdf")


async def test_a_staged_upload_is_not_in_the_store_until_promoted(backend: Backend) -> None:
    content = pdf(600_000)
    staged = await stage(backend, content)
    assert (staged.sha256, staged.size, staged.media_type) == (sha256_of(content), 600_000, PDF)
    assert staged.label == "plan.pdf"
    assert not await backend.store.exists(staged.sha256)
    assert await hashes(backend.store) == set()
    await staged.promote()
    assert await read(backend.store, staged.sha256) == content
    assert len(backend.residue()) == 1  # the blob, no staged copy left


async def test_a_discarded_upload_leaves_nothing(backend: Backend) -> None:
    staged = await stage(backend, pdf(600_000))
    await staged.discard()
    assert backend.residue() == []


async def test_staging_refuses_what_the_store_refuses(backend: Backend) -> None:
    limits = UploadLimits(max_bytes=1000, media_types=frozenset({PDF}))
    with pytest.raises(UploadTooLargeError):
        await save(backend.store.staging(), limits, Chunks(pdf(5000)))
    with pytest.raises(MediaTypeRefusedError):
        await save(backend.store.staging(), PDF_ONLY, Chunks(PNG_HEADER + bytes(100)))
    assert backend.residue() == []


async def test_promoting_content_the_store_holds_keeps_one_blob(backend: Backend) -> None:
    content = pdf(10_000)
    await save(backend.store, PDF_ONLY, Chunks(content))
    await (await stage(backend, content)).promote()
    assert await hashes(backend.store) == {sha256_of(content)}
    assert len(backend.residue()) == 1


async def test_requests_staging_the_same_content_keep_their_own_copies(backend: Backend) -> None:
    content = pdf(300_000)
    refused, accepted, also_accepted = [await stage(backend, content, s) for s in range(3)]
    await refused.discard()
    await accepted.promote()
    await also_accepted.promote()
    assert await read(backend.store, accepted.sha256) == content
    assert len(backend.residue()) == 1


async def test_concurrent_promotions_and_discards_of_one_content(backend: Backend) -> None:
    content = pdf(100_000)
    staged = [await stage(backend, content, seed) for seed in range(8)]
    async with anyio.create_task_group() as group:
        for index, upload in enumerate(staged):
            group.start_soon(upload.promote if index % 2 else upload.discard)
    assert await read(backend.store, sha256_of(content)) == content
    assert len(backend.residue()) == 1


async def test_filings_of_the_same_content_at_once_leave_no_staged_copy(
    backend: Backend,
) -> None:
    """Each stages two identical attachments and then files or is refused, while the others
    are staging theirs: no upload may take another's copy."""
    content = pdf(50_000)

    async def filing(index: int) -> None:
        attachments = [await stage(backend, content, index * 2 + n) for n in range(2)]
        for attachment in attachments:
            await (attachment.promote() if index % 2 else attachment.discard())

    async with anyio.create_task_group() as group:
        for index in range(24):
            group.start_soon(filing, index)
    assert await read(backend.store, sha256_of(content)) == content
    assert len(backend.residue()) == 1


async def test_promoting_what_was_never_staged_is_reported(backend: Backend) -> None:
    never = BlobInfo(sha256_of(b"never staged"), 12, PDF, f"{sha256_of(b'never staged')}.tmp1")
    with pytest.raises(BlobNotFoundError):
        await backend.store.promote(never)
    await backend.store.discard_staged(never)  # nothing to do: no error


def test_limits_come_from_the_schema() -> None:
    rule = AttachmentRule(media_types=("application/pdf", "image/png"), max_bytes=20_000_000)
    assert UploadLimits.from_rule(rule) == UploadLimits(20_000_000, frozenset({PDF, PNG}))


# FileBlobStore's own


@pytest.mark.parametrize("act", ["promote", "discard"])
async def test_a_staged_upload_takes_its_own_copy_never_another_of_the_same_content(
    tmp_path: Path, act: str
) -> None:
    """Two requests stage the same bytes; what one does with its upload takes its own copy.

    The request acts on the upload whose copy's name sorts last: a store taking just any copy
    of the content would take the other request's."""
    store = FileBlobStore(tmp_path)
    content = pdf(10_000)
    uploads = {}
    for seed in range(2):
        before = staged_names(store)
        upload = store.staged(await save(store.staging(), PDF_ONLY, Chunks(content, seed=seed)))
        (copy,) = staged_names(store) - before
        uploads[copy] = upload
    other, mine = sorted(uploads)
    await getattr(uploads[mine], act)()
    assert staged_names(store) == {other}


def staged_names(store: FileBlobStore) -> set[str]:
    return {path.name for path in store.staging_dir.iterdir()}


async def test_a_blob_file_is_named_by_its_hash(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    content = pdf(1000)
    info = await save(store, PDF_ONLY, Chunks(content))
    path = tmp_path / "sha256" / info.sha256[:2] / info.sha256
    assert store.path_of(info.sha256) == path
    assert path.read_bytes() == content


async def test_the_writes_are_batched(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path, batch_bytes=64 * 1024)
    writer = store.begin(PDF_ONLY)
    await writer.write(pdf(100_000))
    [part] = (tmp_path / "tmp").iterdir()
    assert part.stat().st_size == 100_000  # past the batch size: on disk already
    await writer.write(bytes(1000))
    assert part.stat().st_size == 100_000  # a small write waits for the next batch
    await writer.commit()


@pytest.mark.parametrize("batch_bytes", [1, 4096, 8192, 1024 * 1024])
async def test_any_batch_size_keeps_the_bytes_and_the_type(
    tmp_path: Path, batch_bytes: int
) -> None:
    store = FileBlobStore(tmp_path, batch_bytes=batch_bytes)
    content = pdf(100_000)
    info = await save(store, PDF_ONLY, Chunks(content, largest=5000))
    assert info == BlobInfo(sha256_of(content), len(content), PDF)
    assert store.path_of(info.sha256).read_bytes() == content


async def test_nothing_reaches_the_disk_before_the_type_is_judged(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path, batch_bytes=1)
    writer = store.begin(PDF_ONLY)
    await writer.write(PNG_HEADER + bytes(4000))
    assert files_under(tmp_path)() == []
    with pytest.raises(MediaTypeRefusedError):
        await writer.write(bytes(8000))
    assert files_under(tmp_path)() == []


async def test_sweep_removes_leftovers_of_a_crash_only(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    stale = tmp_path / "tmp" / "stale.part"
    stale.write_bytes(b"half an upload")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    writer = store.begin(PDF_ONLY)
    await writer.write(pdf(2_000_000))  # an upload in progress
    left_staged = tmp_path / "staging" / f"{sha256_of(b'x')}.abc"
    left_staged.write_bytes(b"x")
    os.utime(left_staged, (an_hour_ago, an_hour_ago))
    assert await store.sweep(older_than_seconds=600) == 2
    assert not stale.exists()
    assert not left_staged.exists()
    info = await writer.commit()
    assert await store.exists(info.sha256)
