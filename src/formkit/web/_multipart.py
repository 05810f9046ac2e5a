"""A multipart/form-data body read as a stream: text fields kept, files streamed to the store.

Nothing is held beyond one incoming chunk, a part's headers (python-multipart bounds them) and
the text fields (each at most `max_field_bytes`, all together at most `max_text_bytes`, at
most `max_fields` parts in all). Each file part goes straight into a `BlobWriter` with the
limits of its field, so an upload that is too large or of the wrong type is cut off mid-body.

A text field the caller lets be cut (`cut_long`: an answer a citizen typed) is not refused
for its length: it is kept up to the limit it broke, the rest is read off and dropped, and
its name is in `cut`, so the page can say so at the field with everything else kept. What is
dropped counts too: over `max_cut_bytes` in all, the body is refused as any other.

Errors:

FormkitError
└── MultipartError              carries `committed`: the files stored before it happened
    ├── MalformedMultipartError  not multipart/form-data, a broken or truncated body
    ├── TooManyFieldsError       more than `max_fields` parts; carries `limit`
    ├── FieldTooLargeError       a text field over `max_field_bytes`, or the text fields over
    │                            `max_text_bytes`; carries `name`, `limit`
    ├── UnexpectedFileError      a file for a field that takes none; carries `name`
    └── FileRefusedError         a file over its limits; carries `name`, `label` and `reason`
                                 (an `UploadTooLargeError` or a `MediaTypeRefusedError`)

On any error the upload in flight is aborted, but uploads committed earlier in the request are
left alone: in the store itself their content may be shared with other dossiers, so only the
caller can tell what to remove (into a store's staging, discarding each is always right). A
`MultipartError` lists them in `committed`; after any other exception (the client went away,
the task was cancelled) they are left like those of a crash, for the store's sweep.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header

from formkit._errors import FormkitError
from formkit.filing.blobs import (
    BlobInfo,
    BlobSink,
    BlobWriter,
    MediaTypeRefusedError,
    UploadLimits,
    UploadTooLargeError,
    abort_shielded,
)
from formkit.forms._labels import sanitise_label

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FileLimits = Callable[[str], UploadLimits | None]  # a field's limits; None: it takes no file

# RFC 2046, 5.1.1: 1 to 70 characters, not ending in a space.
_BOUNDARY = re.compile(rb"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    name: str  # the form field
    label: str  # the client's file name, sanitised: for display only
    info: BlobInfo


@dataclass(frozen=True, slots=True)
class MultipartResult:
    fields: tuple[tuple[str, str], ...]  # text fields in body order
    files: tuple[UploadedFile, ...]  # stored files in body order; empty file inputs left out
    cut: tuple[str, ...] = ()  # text fields kept only up to their limit (`cut_long`)


class MultipartError(FormkitError):
    committed: tuple[UploadedFile, ...] = ()


class MalformedMultipartError(MultipartError):
    pass


class TooManyFieldsError(MultipartError):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"more than {limit} parts")


class FieldTooLargeError(MultipartError):
    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        super().__init__(f"field {name!r} exceeds {limit} bytes")


class UnexpectedFileError(MultipartError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"field {name!r} takes no file")


class FileRefusedError(MultipartError):
    def __init__(
        self, name: str, label: str, reason: UploadTooLargeError | MediaTypeRefusedError
    ) -> None:
        self.name = name
        self.label = label
        self.reason = reason
        super().__init__(f"file {label!r} for field {name!r}: {reason}")


async def read_multipart(
    stream: AsyncIterable[bytes],
    content_type: str,
    *,
    file_limits: FileLimits,
    store: BlobSink,
    max_field_bytes: int,
    max_fields: int,
    max_text_bytes: int | None = None,
    cut_long: Callable[[str], bool] | None = None,
    max_cut_bytes: int = 0,
) -> MultipartResult:
    """Read the body `stream` sent with `content_type`, storing its files in `store`.

    A file part goes to the store with `file_limits(name)`; a field without limits takes no file
    (an empty file input is skipped all the same). `max_fields` counts every part, files too;
    `max_field_bytes` holds for each text field, `max_text_bytes` for all of them together
    (None: `max_fields` times `max_field_bytes`). A text field over either for which
    `cut_long(name)` holds is cut instead of refused, up to `max_cut_bytes` dropped in all.
    """
    max_text = max_fields * max_field_bytes if max_text_bytes is None else max_text_bytes
    text_limits = _TextLimits(max_field_bytes, max_text, max_cut_bytes, cut_long or _never)
    reader = _Reader(store, file_limits, text_limits, max_fields)
    try:
        parser = MultipartParser(boundary(content_type), reader.events.callbacks())
        async for chunk in stream:
            _feed(parser, chunk)
            await reader.handle_events()
            if reader.complete:
                break  # whatever follows the closing boundary is an epilogue, ignored
        if not reader.complete:
            raise MalformedMultipartError("the body ends before its closing boundary")
    except MultipartError as error:
        await reader.abort()
        error.committed = tuple(reader.files)
        raise
    except BaseException:
        await reader.abort()
        raise
    return MultipartResult(
        fields=tuple(reader.fields), files=tuple(reader.files), cut=tuple(reader.cut)
    )


def _never(name: str) -> bool:
    return False


def boundary(content_type: str) -> bytes:
    """The boundary of a multipart/form-data `content_type`."""
    try:
        kind, options = parse_options_header(content_type)
    except UnicodeEncodeError:
        kind, options = b"", {}
    if kind != b"multipart/form-data":
        raise MalformedMultipartError(f"not multipart/form-data: {content_type!r}")
    value = options.get(b"boundary", b"")
    if not _BOUNDARY.fullmatch(value):
        raise MalformedMultipartError(f"no valid boundary in {content_type!r}")
    return value


def _feed(parser: MultipartParser, chunk: bytes) -> None:
    try:
        parser.write(chunk)
    except FormParserError as error:
        raise MalformedMultipartError(str(error)) from error


@dataclass(slots=True)
class _PartStart:
    headers: dict[str, bytes]


class _PartEnd:
    pass


class _BodyEnd:
    pass


_Event = _PartStart | memoryview | _PartEnd | _BodyEnd  # a memoryview: a piece of a part's data


class _Events:
    """The parser calls back synchronously; the store is async. So the callbacks only note what
    happened, and the reader handles it after each chunk (a chunk's worth of events at most)."""

    def __init__(self) -> None:
        self.queue: list[_Event] = []
        self._headers: dict[str, bytes] = {}
        self._name = bytearray()
        self._value = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._headers.clear,
            "on_header_field": lambda data, start, end: self._name.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": lambda: self.queue.append(_PartStart(dict(self._headers))),
            "on_part_data": lambda data, start, end: self.queue.append(memoryview(data)[start:end]),
            "on_part_end": lambda: self.queue.append(_PartEnd()),
            "on_end": lambda: self.queue.append(_BodyEnd()),
        }

    def take(self) -> list[_Event]:
        events, self.queue = self.queue, []
        return events

    def _header_end(self) -> None:
        self._headers[self._name.decode("latin-1").lower()] = bytes(self._value)
        self._name.clear()
        self._value.clear()


@dataclass(frozen=True, slots=True)
class _TextLimits:
    per_field: int
    in_all: int
    dropped: int  # of fields cut, in all
    cut_long: Callable[[str], bool]


@dataclass(slots=True)
class _TextPart:
    name: str
    value: bytearray = field(default_factory=bytearray)
    cut: bool = False  # kept up to a limit; what follows is dropped


@dataclass(slots=True)
class _FilePart:
    name: str
    label: str
    filename: str  # as sent: "" from a file input left empty
    limits: UploadLimits | None
    writer: BlobWriter | None = None  # begun with the first byte


class _Reader:
    def __init__(
        self, store: BlobSink, file_limits: FileLimits, text_limits: _TextLimits, max_fields: int
    ) -> None:
        self.events = _Events()
        self.fields: list[tuple[str, str]] = []
        self.files: list[UploadedFile] = []
        self.cut: list[str] = []
        self.complete = False
        self._store = store
        self._file_limits = file_limits
        self._text_limits = text_limits
        self._text_bytes = 0
        self._dropped_bytes = 0
        self._max_fields = max_fields
        self._parts = 0
        self._part: _TextPart | _FilePart | None = None

    async def handle_events(self) -> None:
        for event in self.events.take():
            if isinstance(event, memoryview):
                await self._data(event)
            elif isinstance(event, _PartStart):
                self._start(event.headers)
            elif isinstance(event, _PartEnd):
                await self._end()
            else:
                self.complete = True

    async def abort(self) -> None:
        if isinstance(self._part, _FilePart) and self._part.writer is not None:
            await abort_shielded(self._part.writer)

    def _start(self, headers: dict[str, bytes]) -> None:
        self._parts += 1
        if self._parts > self._max_fields:
            raise TooManyFieldsError(self._max_fields)
        name, filename = _disposition(headers.get("content-disposition"))
        if filename is None:
            self._part = _TextPart(name)
            return
        limits = self._file_limits(name)
        if limits is None and filename:
            raise UnexpectedFileError(name)
        self._part = _FilePart(name, sanitise_label(filename), filename, limits)

    async def _data(self, data: memoryview) -> None:
        part = self._part
        if isinstance(part, _TextPart):
            self._text(part, data)
            return
        assert part is not None
        if part.limits is None:
            raise UnexpectedFileError(part.name)
        if part.writer is None:
            part.writer = self._store.begin(part.limits)
        try:
            await part.writer.write(data)
        except (UploadTooLargeError, MediaTypeRefusedError) as error:
            raise FileRefusedError(part.name, part.label, error) from error

    def _text(self, part: _TextPart, data: memoryview) -> None:
        limits = self._text_limits
        room_in_all = limits.in_all - self._text_bytes
        room = 0 if part.cut else min(room_in_all, limits.per_field - len(part.value))
        if len(data) > room:
            limit = limits.in_all if len(data) > room_in_all else limits.per_field
            if not limits.cut_long(part.name):
                raise FieldTooLargeError(part.name, limit)
            self._dropped_bytes += len(data) - room
            if self._dropped_bytes > limits.dropped:
                raise FieldTooLargeError(part.name, limit)
            part.cut = True
            data = data[:room]
        self._text_bytes += len(data)
        part.value += data

    async def _end(self) -> None:
        part = self._part
        if isinstance(part, _TextPart):
            self.fields.append((part.name, _decode(part)))
            if part.cut:
                self.cut.append(part.name)
        elif part is not None:
            await self._end_file(part)
        self._part = None

    async def _end_file(self, part: _FilePart) -> None:
        if part.writer is None:
            if not part.filename or part.limits is None:
                return  # a file input left empty
            part.writer = self._store.begin(part.limits)  # an empty file: the store judges it
        try:
            info = await part.writer.commit()
        except (UploadTooLargeError, MediaTypeRefusedError) as error:
            raise FileRefusedError(part.name, part.label, error) from error
        self.files.append(UploadedFile(part.name, part.label, info))


def _disposition(header: bytes | None) -> tuple[str, str | None]:
    """The field name and, for a file, the file name of a part's Content-Disposition."""
    if header is None:
        raise MalformedMultipartError("a part has no Content-Disposition")
    kind, options = parse_options_header(header.decode("latin-1"))
    if kind != b"form-data" or b"name" not in options:
        raise MalformedMultipartError(f"not a form field: {header!r}")
    filename = options.get(b"filename")
    return _text(options[b"name"]), None if filename is None else _text(filename)


def _text(raw: bytes) -> str:
    """Browsers send names as raw UTF-8; a client of old may have sent Latin-1."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _decode(part: _TextPart) -> str:
    try:
        return part.value.decode()
    except UnicodeDecodeError as error:
        if part.cut and error.end == len(part.value):  # cut inside a character: drop its start
            return part.value[: error.start].decode()
        raise MalformedMultipartError(f"field {part.name!r} is not UTF-8") from None
