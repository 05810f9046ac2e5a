"""Reading the post of /verificatie: a receipt in memory, the attachments only hashed.

Nothing of it is ever stored. The receipt (the sealed PDF, or the JWS) is kept in memory up to
`MAX_RECEIPT_BYTES`; a larger one ends the reading at once (`ReceiptTooLargeError`). Each
attachment is streamed through SHA-256 and forgotten: what is left of it is its name, size
and hash, which is all a receipt says about it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from litestar import Request

from formkit.filing.blobs import BlobInfo, BlobWriter, UploadLimits, UploadTooLargeError
from formkit.web._multipart import (
    FieldTooLargeError,
    FileRefusedError,
    MultipartError,
    TooManyFieldsError,
    read_multipart,
)
from formkit.web._posts import PostError

RECEIPT_FILE = "ontvangstbewijs"
EVIDENCE_FILE = "handtekeningbewijs"
ATTACHMENT_FILES = "bijlagen"
MAX_RECEIPT_BYTES = 5_000_000  # a sealed receipt PDF is tens of kilobytes
MAX_EVIDENCE_BYTES = 100_000  # a certificate chain and a signature: a few kilobytes
MAX_ATTACHMENTS = 100
MAX_FIELD_BYTES = 4_096  # the CSRF token is the only text field
# Told apart by identity in `_Sink.begin`: the sink learns a file's limits, not its field.
_RECEIPT_LIMITS = UploadLimits(max_bytes=MAX_RECEIPT_BYTES, media_types=frozenset())
_EVIDENCE_LIMITS = UploadLimits(max_bytes=MAX_EVIDENCE_BYTES, media_types=frozenset())
_ATTACHMENT_LIMITS = UploadLimits(max_bytes=1 << 62, media_types=frozenset())  # only hashed


class ReceiptTooLargeError(Exception):
    """The receipt file is over `MAX_RECEIPT_BYTES`: no receipt is that large."""


@dataclass(frozen=True, slots=True)
class HashedFile:
    """An uploaded attachment, as much as a receipt can say about one."""

    name: str  # the file name the browser sent, sanitised: for display only
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class VerificationPost:
    fields: tuple[tuple[str, str], ...]
    receipt: bytes | None  # None: no file chosen
    receipt_name: str
    attachments: tuple[HashedFile, ...]
    evidence: bytes | None = None  # the signature evidence, when chosen


async def read_verification_post(request: Request[Any, Any, Any]) -> VerificationPost:
    """The post's fields and files; PostError when it is broken or has too many parts."""
    sink = _Sink()
    try:
        result = await read_multipart(
            request.stream(),
            request.headers.get("content-type", ""),
            file_limits=_limits,
            store=sink,
            max_field_bytes=MAX_FIELD_BYTES,
            max_fields=MAX_ATTACHMENTS + 3,
        )
    except FileRefusedError as error:
        raise ReceiptTooLargeError(error.label) from None
    except MultipartError as error:
        status = 413 if isinstance(error, FieldTooLargeError | TooManyFieldsError) else 400
        raise PostError(status, str(error)) from None
    receipt = next((f for f in result.files if f.name == RECEIPT_FILE), None)
    attachments = tuple(
        HashedFile(f.label, f.info.size, f.info.sha256)
        for f in result.files
        if f.name == ATTACHMENT_FILES
    )
    evidence = next((f for f in result.files if f.name == EVIDENCE_FILE), None)
    evidence_content = None if evidence is None else sink.receipts[evidence.info.sha256]
    if receipt is None:
        return VerificationPost(result.fields, None, "", attachments, evidence_content)
    content = sink.receipts[receipt.info.sha256]
    return VerificationPost(result.fields, content, receipt.label, attachments, evidence_content)


def _limits(name: str) -> UploadLimits | None:
    return {
        RECEIPT_FILE: _RECEIPT_LIMITS,
        EVIDENCE_FILE: _EVIDENCE_LIMITS,
        ATTACHMENT_FILES: _ATTACHMENT_LIMITS,
    }.get(name)


# The multipart reader writes files to a sink: here one that keeps or hashes them ---------------


@dataclass(slots=True)
class _ReceiptWriter:
    """Keeps the receipt's bytes; refuses one over the limit, which ends the reading."""

    sink: _Sink
    limit: int
    content: bytearray = field(default_factory=bytearray)

    async def write(self, chunk: bytes | memoryview) -> None:
        if len(self.content) + len(chunk) > self.limit:
            self.content.clear()
            raise UploadTooLargeError(self.limit)
        self.content += chunk

    async def commit(self) -> BlobInfo:
        key = f"receipt-{len(self.sink.receipts)}"  # the file's key in the sink, not a hash
        self.sink.receipts[key] = bytes(self.content)
        return BlobInfo(sha256=key, size=len(self.content), media_type="")

    async def abort(self) -> None:
        self.content.clear()


@dataclass(slots=True)
class _HashWriter:
    """Hashes an attachment as it streams by and keeps nothing of it."""

    digest: Any = field(default_factory=hashlib.sha256)
    size: int = 0

    async def write(self, chunk: bytes | memoryview) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)

    async def commit(self) -> BlobInfo:
        return BlobInfo(sha256=self.digest.hexdigest(), size=self.size, media_type="")

    async def abort(self) -> None:
        pass


@dataclass(slots=True)
class _Sink:
    receipts: dict[str, bytes] = field(default_factory=dict)

    def begin(self, limits: UploadLimits) -> BlobWriter:
        if limits is _RECEIPT_LIMITS or limits is _EVIDENCE_LIMITS:  # kept in memory
            return _ReceiptWriter(self, limits.max_bytes)
        return _HashWriter()
