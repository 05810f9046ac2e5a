"""Reading the post of the signing page: the CSRF token and the citizen's signature.

A signature arrives one of two ways:

- as the file `formkit sign` printed (`{"hash", "digest", "signature", "certificate", ...}`),
  chosen in the file input `handtekening`: the way that works without JavaScript;
- as three fields that `eid.js` fills from the Web eID browser extension's answer: the
  signature and the certificate (base64) and the hash function the card signed with.

The file is a few kilobytes: it is read into memory, never into the blob store. A file over
`MAX_SIGNATURE_BYTES` is dropped unread, and refused as an unreadable signature.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from litestar import Request

from formkit.eid.signing import HASH, CitizenSignature
from formkit.filing.blobs import BlobInfo, BlobWriter, UploadLimits
from formkit.forms import _strict_json
from formkit.web._multipart import (
    FieldTooLargeError,
    MultipartError,
    TooManyFieldsError,
    read_multipart,
)
from formkit.web._posts import PostError

SIGNATURE_FILE = "handtekening"
WEB_EID_SIGNATURE = "webeid-handtekening"
WEB_EID_CERTIFICATE = "webeid-certificaat"
WEB_EID_HASH = "webeid-hashfunctie"
MAX_SIGNATURE_BYTES = 64_000  # a signature with its certificate chain is a few KB
MAX_FIELD_BYTES = 16_000  # a base64 certificate is about 2 KB
MAX_PARTS = 10

# Refusals found before any signature check; the filer's own refusals have signing.MESSAGES.
NOT_A_SIGNATURE = (
    "Dit bestand is geen handtekening. Kies het bestand dat het programma formkit sign maakte,"
    " bijvoorbeeld handtekening.json."
)
UNSIGNED_FILE = (
    "Dit is het bestand met wat u ondertekent, nog zonder handtekening. Onderteken het met"
    " formkit sign en kies het bestand dat het programma maakte."
)
NO_FILE = "Kies het bestand met uw handtekening."


@dataclass(frozen=True, slots=True)
class Unreadable:
    """What the post holds is no signature; `message` says so, in Dutch."""

    message: str


@dataclass(frozen=True, slots=True)
class SignaturePost:
    fields: tuple[tuple[str, str], ...]
    file: bytes | None  # the signature file; None when none was chosen or it was too large
    file_too_large: bool = False

    @property
    def via_web_eid(self) -> bool:
        """Whether the signature came from the browser extension rather than a file."""
        return bool(self._field(WEB_EID_SIGNATURE))

    def signature(self) -> CitizenSignature | Unreadable:
        if self.via_web_eid:
            return _from_web_eid(
                self._field(WEB_EID_SIGNATURE),
                self._field(WEB_EID_CERTIFICATE),
                self._field(WEB_EID_HASH) or HASH,
            )
        if self.file_too_large:
            return Unreadable(NOT_A_SIGNATURE)
        if self.file is None:
            return Unreadable(NO_FILE)
        return _from_file(self.file)

    def _field(self, name: str) -> str:
        return next((value.strip() for key, value in self.fields if key == name), "")


async def read_signature_post(request: Request[Any, Any, Any]) -> SignaturePost:
    """The signing page's post; PostError when the body cannot be read."""
    sink = _MemorySink()
    try:
        result = await read_multipart(
            request.stream(),
            request.headers.get("content-type", ""),
            file_limits=lambda name: _LIMITS if name == SIGNATURE_FILE else None,
            store=sink,
            max_field_bytes=MAX_FIELD_BYTES,
            max_fields=MAX_PARTS,
        )
    except MultipartError as error:
        status = 413 if isinstance(error, FieldTooLargeError | TooManyFieldsError) else 400
        raise PostError(status, str(error)) from None
    uploaded = next((f for f in result.files if f.name == SIGNATURE_FILE), None)
    if uploaded is None:
        return SignaturePost(result.fields, None)
    content = sink.contents.get(uploaded.info.sha256)
    return SignaturePost(result.fields, content, file_too_large=content is None)


def _from_file(content: bytes) -> CitizenSignature | Unreadable:
    try:
        document = _strict_json.decode(content)
    except _strict_json.JsonError:
        return Unreadable(NOT_A_SIGNATURE)
    if isinstance(document, Mapping) and "digest" in document and "signature" not in document:
        return Unreadable(UNSIGNED_FILE)
    try:
        return CitizenSignature.from_document(document)
    except ValueError:
        return Unreadable(NOT_A_SIGNATURE)


def _from_web_eid(
    signature: str, certificate: str, hash_name: str
) -> CitizenSignature | Unreadable:
    try:
        return CitizenSignature(
            signature=base64.b64decode(signature, validate=True),
            certificate=base64.b64decode(certificate, validate=True),
            hash=hash_name,
        )
    except binascii.Error:
        return Unreadable(NOT_A_SIGNATURE)


# The file's bytes in memory: the multipart reader writes files to a sink ----------------------

_LIMITS = UploadLimits(max_bytes=MAX_SIGNATURE_BYTES, media_types=frozenset())


@dataclass(slots=True)
class _MemoryWriter:
    """Keeps up to `limit` bytes; beyond that it drops the rest and remembers nothing."""

    sink: _MemorySink
    limit: int
    content: bytearray = field(default_factory=bytearray)
    too_large: bool = False

    async def write(self, chunk: bytes | memoryview) -> None:
        if not self.too_large:
            self.content += chunk
            if len(self.content) > self.limit:
                self.too_large = True
                self.content.clear()

    async def commit(self) -> BlobInfo:
        key = str(len(self.sink.contents))  # the file's key in the sink, in place of a hash
        self.sink.contents[key] = None if self.too_large else bytes(self.content)
        return BlobInfo(sha256=key, size=len(self.content), media_type="application/json")

    async def abort(self) -> None:
        self.content.clear()


@dataclass(slots=True)
class _MemorySink:
    contents: dict[str, bytes | None] = field(default_factory=dict)

    def begin(self, limits: UploadLimits) -> BlobWriter:
        return _MemoryWriter(self, limits.max_bytes)
