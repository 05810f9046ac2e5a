from __future__ import annotations

import hashlib
import tempfile
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formkit.filing._sniff import EMPTY, JPEG, PDF, PNG
from formkit.filing.blobs import (
    BlobStore,
    FileBlobStore,
    MediaTypeRefusedError,
    UploadLimits,
    UploadTooLargeError,
)
from formkit.web._multipart import (
    FieldTooLargeError,
    FileRefusedError,
    MalformedMultipartError,
    MultipartResult,
    TooManyFieldsError,
    UnexpectedFileError,
    UploadedFile,
    read_multipart,
)

pytestmark = pytest.mark.anyio

BOUNDARY = "----formkitBoundary7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
DELIMITER = b"\r\n--" + BOUNDARY.encode()
PDF_CONTENT = b"%PDF-1.7\n" + bytes(range(256)) * 40
PNG_CONTENT = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + bytes(5000)
LIMITS = {
    "plan": UploadLimits(max_bytes=100_000, media_types=frozenset({PDF})),
    "foto": UploadLimits(max_bytes=100_000, media_types=frozenset({JPEG, PNG})),
}
MAX_FIELD_BYTES = 1000
MAX_FIELDS = 20


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path, batch_bytes=4096)  # small batches: uploads reach the disk


@dataclass(frozen=True)
class Part:
    name: str
    value: bytes
    filename: str | None = None  # a file part when set, even to ""
    content_type: str | None = None


def field(name: str, value: str) -> Part:
    return Part(name, value.encode())


def file(name: str, content: bytes, filename: str = "bijlage.pdf") -> Part:
    return Part(name, content, filename, "application/octet-stream")


def encode(parts: Iterable[Part], boundary: str = BOUNDARY) -> bytes:
    """A body as a browser sends it: names and file names as raw UTF-8."""
    body = bytearray()
    for part in parts:
        disposition = f'form-data; name="{part.name}"'
        if part.filename is not None:
            disposition += f'; filename="{part.filename}"'
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if part.content_type:
            body += f"Content-Type: {part.content_type}\r\n".encode()
        body += b"\r\n" + part.value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body)


async def in_chunks(body: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def split_at(body: bytes, cuts: Sequence[int]) -> AsyncIterator[bytes]:
    for start, end in zip([0, *cuts], [*cuts, len(body)], strict=True):
        yield body[start:end]


async def read(
    body: bytes | AsyncIterator[bytes],
    store: BlobStore,
    *,
    content_type: str = CONTENT_TYPE,
    max_field_bytes: int = MAX_FIELD_BYTES,
    max_fields: int = MAX_FIELDS,
    max_text_bytes: int | None = None,
    cut_long: Callable[[str], bool] | None = None,
    max_cut_bytes: int = 0,
) -> MultipartResult:
    stream = in_chunks(body) if isinstance(body, bytes) else body
    return await read_multipart(
        stream,
        content_type,
        file_limits=LIMITS.get,
        store=store,
        max_field_bytes=max_field_bytes,
        max_fields=max_fields,
        max_text_bytes=max_text_bytes,
        cut_long=cut_long,
        max_cut_bytes=max_cut_bytes,
    )


def stored(root: Path) -> list[str]:
    """Every file the store holds, committed or in tmp/."""
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# What a well-formed body gives


async def test_fields_and_files_are_read_in_order(store: FileBlobStore) -> None:
    body = encode(
        [
            field("naam", "Jan Peeters"),
            file("plan", PDF_CONTENT, "plan.pdf"),
            field("adres", "Grote Markt 21, 2800 Mechelen – één ✓"),
            file("foto", PNG_CONTENT, "gevel.png"),
            field("naam", "tweede waarde"),
        ]
    )
    result = await read(body, store)
    assert result.fields == (
        ("naam", "Jan Peeters"),
        ("adres", "Grote Markt 21, 2800 Mechelen – één ✓"),
        ("naam", "tweede waarde"),
    )
    assert [(f.name, f.label, f.info.media_type) for f in result.files] == [
        ("plan", "plan.pdf", PDF),
        ("foto", "gevel.png", PNG),
    ]
    assert result.files[0].info.sha256 == sha256_of(PDF_CONTENT)
    assert result.files[0].info.size == len(PDF_CONTENT)
    assert store.path_of(sha256_of(PNG_CONTENT)).read_bytes() == PNG_CONTENT


async def test_a_body_made_by_httpx_is_read(store: FileBlobStore) -> None:
    request = httpx.Request(
        "POST",
        "http://formkit.test/",
        data={"naam": "Liesbeth Vermeulen", "opmerking": "regel 1\r\nregel 2"},
        files={"plan": ("Plattegrond één.pdf", PDF_CONTENT, "application/pdf")},
    )
    result = await read(request.read(), store, content_type=request.headers["content-type"])
    assert result.fields == (("naam", "Liesbeth Vermeulen"), ("opmerking", "regel 1\r\nregel 2"))
    assert result.files == (UploadedFile("plan", "Plattegrond één.pdf", result.files[0].info),)
    assert result.files[0].info.sha256 == sha256_of(PDF_CONTENT)


async def test_the_type_comes_from_the_bytes_not_the_client(store: FileBlobStore) -> None:
    body = encode([Part("plan", PDF_CONTENT, "foto.png", "image/png")])
    result = await read(body, store)
    assert result.files[0].info.media_type == PDF


async def test_the_client_file_name_becomes_a_safe_label(store: FileBlobStore) -> None:
    body = encode([file("plan", PDF_CONTENT, "C:\\Users\\jan\\factuur\u202egpj.pdf")])
    result = await read(body, store)
    assert result.files[0].label == "factuurgpj.pdf"


async def test_a_latin_1_file_name_is_still_read(store: FileBlobStore) -> None:
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="plan"; filename="'.encode()
    body = head + "één.pdf".encode("latin-1") + b'"\r\n\r\n' + PDF_CONTENT + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    result = await read(body, store)
    assert result.files[0].label == "één.pdf"


async def test_a_quoted_boundary_is_understood(store: FileBlobStore) -> None:
    body = encode([field("a", "b")], boundary="with space and:colon")
    content_type = 'multipart/form-data; boundary="with space and:colon"'
    result = await read(body, store, content_type=content_type)
    assert result.fields == (("a", "b"),)


async def test_an_empty_form_is_read(store: FileBlobStore) -> None:
    result = await read(encode([]), store)
    assert result == MultipartResult(fields=(), files=())


async def test_an_empty_file_input_is_skipped(store: FileBlobStore, tmp_path: Path) -> None:
    body = encode([field("naam", "Jan"), file("plan", b"", ""), file("niet-verwacht", b"", "")])
    result = await read(body, store)
    assert result == MultipartResult(fields=(("naam", "Jan"),), files=())
    assert stored(tmp_path) == []


async def test_the_epilogue_is_not_read(store: FileBlobStore) -> None:
    async def body_then_endless_epilogue() -> AsyncIterator[bytes]:
        yield encode([field("naam", "Jan")])
        while True:
            yield b"epilogue " * 1000

    result = await read(body_then_endless_epilogue(), store)
    assert result.fields == (("naam", "Jan"),)


# However the body is split into chunks


TRICKY = [
    b"\r",
    b"\n",
    b"\r\n",
    b"-",
    b"--",
    b"\r\n--",
    BOUNDARY.encode()[:9],
    DELIMITER[:-1],
    DELIMITER[:-1] + b"\r\n",
    b"--" + BOUNDARY.encode() + b"--",  # the closing boundary, but not at the start of a line
    b"x",
]
# An encoder picks a boundary its content lacks; the delimiter is the boundary after a CRLF.
tricky_bytes = (
    st.lists(st.sampled_from(TRICKY), max_size=30)
    .map(b"".join)
    .filter(lambda value: DELIMITER not in b"\r\n" + value)
)


def read_split(body: bytes, cuts: Sequence[int]) -> MultipartResult:
    async def run() -> MultipartResult:
        with tempfile.TemporaryDirectory() as folder:
            return await read(split_at(body, cuts), FileBlobStore(Path(folder)))

    return anyio.run(run)


def cuts_in(body: bytes) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(1, len(body) - 1), max_size=60).map(lambda c: sorted(set(c)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), tricky_bytes, tricky_bytes)
def test_any_split_and_any_boundary_lookalike_give_the_same_result(
    data: st.DataObject, text: bytes, tail: bytes
) -> None:
    content = PDF_CONTENT[:100] + tail
    body = encode([Part("opmerking", text), file("plan", content, "plan.pdf"), Part("x", tail)])
    cuts = data.draw(cuts_in(body))
    # Sometimes every cut a byte apart, so the delimiter arrives one byte at a time.
    if data.draw(st.booleans()):
        cuts = list(range(1, len(body)))
    result = read_split(body, cuts)
    assert result.fields == (("opmerking", text.decode()), ("x", tail.decode()))
    assert [(f.name, f.info.sha256, f.info.size) for f in result.files] == [
        ("plan", sha256_of(content), len(content))
    ]


# Files the form does not take


async def test_a_file_over_its_limit_is_cut_off_and_leaves_nothing(
    store: FileBlobStore, tmp_path: Path
) -> None:
    body = encode([file("foto", PNG_CONTENT, "gevel.png"), file("plan", PDF_CONTENT * 100)])
    sent = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal sent
        async for chunk in in_chunks(body, 4096):
            sent += len(chunk)
            yield chunk

    with pytest.raises(FileRefusedError) as refused:
        await read(counted(), store)
    assert refused.value.name == "plan"
    assert refused.value.label == "bijlage.pdf"
    assert isinstance(refused.value.reason, UploadTooLargeError)
    assert refused.value.reason.limit == LIMITS["plan"].max_bytes
    assert sent < 120_000  # cut off right after the limit, not read to the end
    # What was committed before stays: it may be shared; the error says which it is.
    assert [f.info.sha256 for f in refused.value.committed] == [sha256_of(PNG_CONTENT)]
    assert stored(tmp_path) == [sha256_of(PNG_CONTENT)]


async def test_a_file_of_a_refused_type_is_refused(store: FileBlobStore, tmp_path: Path) -> None:
    body = encode([file("plan", PNG_CONTENT * 10, "plan.pdf")])
    with pytest.raises(FileRefusedError) as refused:
        await read(body, store)
    assert isinstance(refused.value.reason, MediaTypeRefusedError)
    assert refused.value.reason.found == PNG
    assert refused.value.committed == ()
    assert stored(tmp_path) == []


async def test_an_empty_file_that_was_chosen_is_refused(store: FileBlobStore) -> None:
    with pytest.raises(FileRefusedError) as refused:
        await read(encode([file("plan", b"", "leeg.pdf")]), store)
    assert isinstance(refused.value.reason, MediaTypeRefusedError)
    assert refused.value.reason.found == EMPTY


@pytest.mark.parametrize("filename", ["plan.pdf", ""])
async def test_a_file_for_a_field_without_attachments_is_unexpected(
    store: FileBlobStore, tmp_path: Path, filename: str
) -> None:
    body = encode([file("naam", PDF_CONTENT, filename)])
    with pytest.raises(UnexpectedFileError) as unexpected:
        await read(body, store)
    assert unexpected.value.name == "naam"
    assert stored(tmp_path) == []


# Bodies that are not what they claim


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 71,
        "multipart/form-data; boundary=bad{chars}",
        "multipart/mixed; boundary=abc",
        "multipart/form-data; boundary=δ",
    ],
)
async def test_a_content_type_without_a_usable_boundary_is_malformed(
    store: FileBlobStore, content_type: str
) -> None:
    with pytest.raises(MalformedMultipartError):
        await read(encode([field("a", "b")]), store, content_type=content_type)


def truncations() -> list[int]:
    body = encode([field("naam", "Jan"), file("plan", PDF_CONTENT)])
    return [0, 10, 60, 100, len(body) // 2, len(body) - len(DELIMITER) - 3, len(body) - 3]


@pytest.mark.parametrize("length", truncations())
async def test_a_truncated_body_is_malformed_and_leaves_nothing(
    store: FileBlobStore, tmp_path: Path, length: int
) -> None:
    body = encode([field("naam", "Jan"), file("plan", PDF_CONTENT)])
    with pytest.raises(MalformedMultipartError):
        await read(body[:length], store)
    assert stored(tmp_path) == []


@pytest.mark.parametrize(
    "body",
    [
        b"this is not multipart at all",
        encode([field("a", "b")], boundary="another-boundary"),
        f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nb\r\n--{BOUNDARY}--\r\n".encode(),
        f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nb\r\n--{BOUNDARY}--\r\n".encode(),
        f"--{BOUNDARY}\r\nContent-Disposition: attachment; name=a\r\n\r\nb\r\n".encode()
        + f"--{BOUNDARY}--\r\n".encode(),
        f"--{BOUNDARY}\r\nBad Header: x\r\n\r\nb\r\n--{BOUNDARY}--\r\n".encode(),
        encode([Part("a", "één".encode("latin-1"))]),
    ],
    ids=[
        "garbage",
        "other-boundary",
        "no-disposition",
        "no-name",
        "not-form-data",
        "bad-header",
        "field-not-utf8",
    ],
)
async def test_a_broken_body_is_malformed(store: FileBlobStore, body: bytes) -> None:
    with pytest.raises(MalformedMultipartError):
        await read(body, store)


async def test_a_text_field_of_the_limit_is_kept_and_one_byte_more_refused(
    store: FileBlobStore,
) -> None:
    at_limit = encode([field("opmerking", "é" * (MAX_FIELD_BYTES // 2))])
    assert (await read(at_limit, store)).fields[0][1] == "é" * (MAX_FIELD_BYTES // 2)
    with pytest.raises(FieldTooLargeError) as too_large:
        await read(encode([field("opmerking", "x" * (MAX_FIELD_BYTES + 1))]), store)
    assert too_large.value.name == "opmerking"
    assert too_large.value.limit == MAX_FIELD_BYTES


async def test_the_text_fields_together_are_held_to_their_own_limit(
    store: FileBlobStore,
) -> None:
    parts = [field(f"veld{i}", "x" * 600) for i in range(5)]
    assert len((await read(encode(parts), store, max_text_bytes=3000)).fields) == 5
    with pytest.raises(FieldTooLargeError) as too_large:
        await read(encode([*parts, field("nog", "x")]), store, max_text_bytes=3000)
    assert (too_large.value.name, too_large.value.limit) == ("nog", 3000)


def answers_only(name: str) -> bool:
    return name.startswith("/")


async def test_an_answer_typed_too_long_is_cut_at_the_limit_and_the_rest_kept(
    store: FileBlobStore,
) -> None:
    body = encode(
        [
            field("/omschrijving", "ab" + "é" * MAX_FIELD_BYTES),  # cut inside an é
            field("/naam", "Buurtfeest"),
            file("plan", PDF_CONTENT),
        ]
    )
    result = await read(body, store, cut_long=answers_only, max_cut_bytes=10 * MAX_FIELD_BYTES)
    assert result.cut == ("/omschrijving",)
    assert result.fields == (
        ("/omschrijving", "ab" + "é" * ((MAX_FIELD_BYTES - 2) // 2)),
        ("/naam", "Buurtfeest"),
    )
    assert [f.name for f in result.files] == ["plan"]


async def test_only_answers_are_cut_and_only_so_much_is_dropped(store: FileBlobStore) -> None:
    too_long = "x" * (MAX_FIELD_BYTES + 1)
    with pytest.raises(FieldTooLargeError):  # not an answer: the token, the button
        await read(encode([field("_csrf", too_long)]), store, cut_long=answers_only)
    huge = encode([field("/omschrijving", "x" * (3 * MAX_FIELD_BYTES))])
    with pytest.raises(FieldTooLargeError):  # far more than anyone types: a hostile body
        await read(huge, store, cut_long=answers_only, max_cut_bytes=MAX_FIELD_BYTES)
    result = await read(huge, store, cut_long=answers_only, max_cut_bytes=2 * MAX_FIELD_BYTES)
    assert result.fields == (("/omschrijving", "x" * MAX_FIELD_BYTES),)


async def test_answers_past_the_limit_of_all_text_are_cut_too(store: FileBlobStore) -> None:
    parts = [field(f"/veld{i}", "x" * 600) for i in range(3)]
    result = await read(
        encode(parts), store, max_text_bytes=1000, cut_long=answers_only, max_cut_bytes=5000
    )
    assert [len(value) for _, value in result.fields] == [600, 400, 0]
    assert result.cut == ("/veld1", "/veld2")


async def test_more_parts_than_allowed_are_refused(store: FileBlobStore) -> None:
    parts = [field(f"veld{i}", "x") for i in range(MAX_FIELDS)]
    assert len((await read(encode(parts), store)).fields) == MAX_FIELDS
    with pytest.raises(TooManyFieldsError) as too_many:
        await read(encode([*parts, file("plan", PDF_CONTENT)]), store)
    assert too_many.value.limit == MAX_FIELDS


async def test_an_error_lists_the_files_committed_before_it(store: FileBlobStore) -> None:
    body = encode([file("plan", PDF_CONTENT), file("foto", PNG_CONTENT), field("x", "y" * 5000)])
    with pytest.raises(FieldTooLargeError) as too_large:
        await read(body, store)
    assert [f.name for f in too_large.value.committed] == ["plan", "foto"]
    assert await store.exists(sha256_of(PDF_CONTENT))


async def test_files_staged_before_a_refusal_can_all_be_discarded(
    store: FileBlobStore, tmp_path: Path
) -> None:
    body = encode([file("plan", PDF_CONTENT), file("foto", PNG_CONTENT * 100, "groot.png")])
    with pytest.raises(FileRefusedError) as refused:
        await read(body, store.staging())
    assert [f.name for f in refused.value.committed] == ["plan"]
    assert not await store.exists(sha256_of(PDF_CONTENT))  # staged, not stored
    for uploaded in refused.value.committed:
        await store.staged(uploaded.info).discard()
    assert stored(tmp_path) == []


async def test_a_body_that_breaks_off_leaves_no_upload_in_flight(
    store: FileBlobStore, tmp_path: Path
) -> None:
    body = encode([file("plan", PDF_CONTENT * 2)])

    async def broken() -> AsyncIterator[bytes]:
        yield body[: len(body) // 2]
        assert stored(tmp_path) != []  # the upload in flight
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        await read(broken(), store)
    assert stored(tmp_path) == []


# Memory


async def test_a_large_file_streams_through_in_little_memory(tmp_path: Path) -> None:
    size = 50 * 1024 * 1024
    store = FileBlobStore(tmp_path)
    limits = UploadLimits(max_bytes=size, media_types=frozenset({PDF}))
    block = bytes(range(256)) * 256  # 64 KiB
    closing = f"--{BOUNDARY}--\r\n".encode()
    head = encode([field("naam", "Jan")]).removesuffix(closing)
    head += f"--{BOUNDARY}\r\n".encode()
    head += b'Content-Disposition: form-data; name="plan"; filename="groot.pdf"'
    first = b"%PDF-1.7\n" + block[9:]

    async def body() -> AsyncIterator[bytes]:
        yield head + b"\r\n\r\n" + first
        for _ in range(size // len(block) - 1):
            yield block
        yield b"\r\n" + closing

    expected = hashlib.sha256(first)
    for _ in range(size // len(block) - 1):
        expected.update(block)

    tracemalloc.start()
    try:
        result = await read_multipart(
            body(),
            CONTENT_TYPE,
            file_limits=lambda name: limits,
            store=store,
            max_field_bytes=MAX_FIELD_BYTES,
            max_fields=MAX_FIELDS,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.files[0].info.size == size
    assert result.files[0].info.sha256 == expected.hexdigest()
    assert peak < 4 * 1024 * 1024
