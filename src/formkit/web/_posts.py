"""Reading the post of a citizen's page: its fields, and its files streamed into the blob store.

A step page posts multipart/form-data. Each file goes straight into the blob store within the
limits of its attachment slot. A file over those limits must not cost the citizen the rest of
what they typed: the multipart reader would stop at the refusal and drop every field after the
file. So the store the reader writes to here notes a refusal instead of raising it, skips the
rest of that file's bytes and lets the reader go on; the page then shows the refusal at the
file's field, with everything else kept. An answer typed too long is kept up to the limit
and shown at its field the same way; only a body with far more text than that (`MAX_CUT_BYTES`
beyond the limits) is refused as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from litestar import Request

from formkit.filing.blobs import (
    BlobError,
    BlobInfo,
    BlobSink,
    BlobStore,
    BlobWriter,
    MediaTypeRefusedError,
    UploadLimits,
    UploadTooLargeError,
)
from formkit.forms import _pointer
from formkit.forms._model import Field, Form, Step
from formkit.forms._problems import Problem
from formkit.web._multipart import (
    FieldTooLargeError,
    FileLimits,
    MultipartError,
    MultipartResult,
    TooManyFieldsError,
    UploadedFile,
    read_multipart,
)

MAX_FIELD_BYTES = 100_000  # a long text answer is a few thousand characters
MAX_FIELDS = 5_000  # a step with many rows of a repeatable group has many controls
MAX_TEXT_BYTES = 2_000_000  # all fields together: as much as answers on the API may take
MAX_CUT_BYTES = 20_000_000  # of answers typed too long, read off and dropped: then a 413
_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class PostError(Exception):
    """A post that cannot be read: broken, or too large. Carries the HTTP status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class Post:
    fields: tuple[tuple[str, str], ...]  # text fields in body order
    files: tuple[UploadedFile, ...]  # stored within their slot's limits
    refusals: tuple[Problem, ...]  # files refused and texts cut, as problems at their field

    async def keep(self, store: BlobStore) -> None:
        """Move the post's staged files into the store: once the post is known to be genuine."""
        for uploaded in self.files:
            await store.promote(uploaded.info)

    async def discard(self, store: BlobStore) -> None:
        for uploaded in self.files:
            await store.discard_staged(uploaded.info)


async def read_post(
    request: Request[Any, Any, Any], form: Form, places: Collection[str], store: BlobStore
) -> Post:
    """The fields and files of a page's post: files only for the attachment slots at or below
    `places` (the pointers of the answers the page asks for: a step's sections, `step_places`).

    The files are staged: `keep` or `discard` them.
    """
    result = await read_tolerantly(
        request,
        lambda name: _limits(form, places, name),
        store,
        cut_long=lambda name: _answer(form, places, name) is not None,
    )
    stored = [f for f in result.files if not isinstance(f.info, _Refused)]
    refusals = [_problem(form, f) for f in result.files if isinstance(f.info, _Refused)]
    refusals += [_too_long(form, places, name) for name in dict.fromkeys(result.cut)]
    return Post(result.fields, tuple(stored), tuple(refusals))


async def read_tolerantly(
    request: Request[Any, Any, Any],
    file_limits: FileLimits,
    store: BlobStore,
    *,
    max_fields: int = MAX_FIELDS,
    cut_long: Callable[[str], bool] | None = None,
) -> MultipartResult:
    """A page's multipart post, its files staged within `file_limits`; a file over its limits
    is in the result with a `refusal` instead of a blob, and the rest of the post is read on.
    `PostError` for a post that cannot be read (nothing of it is left staged then)."""
    try:
        return await read_multipart(
            request.stream(),
            request.headers.get("content-type", ""),
            file_limits=file_limits,
            store=_TolerantSink(store.staging()),
            max_field_bytes=MAX_FIELD_BYTES,
            max_fields=max_fields,
            max_text_bytes=MAX_TEXT_BYTES,
            cut_long=cut_long,
            max_cut_bytes=MAX_CUT_BYTES,
        )
    except MultipartError as error:
        for uploaded in error.committed:
            if not isinstance(uploaded.info, _Refused):
                await store.discard_staged(uploaded.info)
        status = 413 if isinstance(error, FieldTooLargeError | TooManyFieldsError) else 400
        raise PostError(status, str(error)) from None


def refusal(uploaded: UploadedFile) -> BlobError | None:
    """Why a file of `read_tolerantly`'s result was refused; None: it is staged."""
    info = uploaded.info
    if not isinstance(info, _Refused):
        return None
    return info.reason or MediaTypeRefusedError("", frozenset())


def step_places(step: Step | None) -> tuple[str, ...]:
    """The pointers of a step's sections: where its post may carry files."""
    return () if step is None else tuple(_pointer.join("", f.name) for f in step.fields)


def _limits(form: Form, places: Collection[str], name: str) -> UploadLimits | None:
    """The limits of the attachment slot a file input is named after; None: no file allowed."""
    found = _answer(form, places, name)
    if found is None or found.attachment is None:
        return None
    return UploadLimits.from_rule(found.attachment)


def _answer(form: Form, places: Collection[str], name: str) -> Field | None:
    """The field of the form a control of this page is named after, if any."""
    if not name.startswith("/"):
        return None
    if not any(name == place or name.startswith(place + "/") for place in places):
        return None
    try:
        return form.field(name)
    except (ValueError, KeyError):
        return None


def _too_long(form: Form, places: Collection[str], name: str) -> Problem:
    found = _answer(form, places, name)
    limit = found.schema.get("maxLength") if found is not None else None
    most = limit if isinstance(limit, int) else MAX_FIELD_BYTES
    message = (
        "Deze tekst is te lang: we bewaarden alleen het begin. "
        f"Kort hem in tot hoogstens {most:,} tekens.".replace(",", ".")
    )
    return Problem(name, "too-long", message)


def _problem(form: Form, uploaded: UploadedFile) -> Problem:
    reason = uploaded.info.reason if isinstance(uploaded.info, _Refused) else None
    slot = form.field(uploaded.name)
    pointer = uploaded.name if slot is not None and slot.multiple else f"{uploaded.name}/bestand"
    if isinstance(reason, UploadTooLargeError):
        limit = reason.limit / 1_000_000
        message = f"{uploaded.label} is te groot. Een bestand mag hoogstens {limit:g} MB zijn."
        return Problem(pointer, "attachment-too-large", message)
    allowed = reason.allowed if isinstance(reason, MediaTypeRefusedError) else frozenset()
    names = ", ".join(sorted(_TYPE_NAMES.get(t, t) for t in allowed))
    message = f"{uploaded.label} is van een soort die we niet aanvaarden. Kies een {names}-bestand."
    return Problem(pointer, "attachment-media-type", message)


@dataclass(frozen=True, slots=True)
class _Refused(BlobInfo):
    """Stands in for the blob of a refused file; nothing of it is stored."""

    reason: BlobError | None = None


@dataclass(slots=True)
class _TolerantWriter:
    inner: BlobWriter
    size: int = 0
    refusal: BlobError | None = None

    async def write(self, chunk: bytes | memoryview) -> None:
        self.size += len(chunk)
        if self.refusal is not None:
            return  # the rest of a refused file: read off the wire and dropped
        try:
            await self.inner.write(chunk)
        except (UploadTooLargeError, MediaTypeRefusedError) as error:
            self.refusal = error  # the inner writer has aborted itself

    async def commit(self) -> BlobInfo:
        if self.refusal is None:
            try:
                return await self.inner.commit()
            except (UploadTooLargeError, MediaTypeRefusedError) as error:
                self.refusal = error
        return _Refused(sha256="", size=self.size, media_type="", reason=self.refusal)

    async def abort(self) -> None:
        await self.inner.abort()


@dataclass(frozen=True, slots=True)
class _TolerantSink:
    """A sink whose writers report a refused file at commit instead of raising mid-stream."""

    inner: BlobSink

    def begin(self, limits: UploadLimits) -> BlobWriter:
        return _TolerantWriter(self.inner.begin(limits))
