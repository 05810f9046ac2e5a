"""Two-phase attachments on the API: upload a file first, then name it in JSON answers.

`POST /api/v1/uploads` takes one file (a multipart body with one file part, or the raw bytes
with the file name in `Content-Disposition`), checks it like a file part of a filing (within
the widest limits of the forms the key may file; each slot's own limits apply when a filing
binds it), and answers with the upload's id. Answers name it as `"bestand": "upload:<id>"`.

A filing resolves those references to the key's own uploads (`UploadClaim`), takes them just
before it commits, and settles them on its dossier; a refused filing gives them back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from litestar import Request
from python_multipart.multipart import parse_options_header

from formkit.filing._filing import Blob, Filed, attachment_refs
from formkit.filing.blobs import BlobInfo, BlobStore, StagedBlob, UploadLimits, save
from formkit.forms._labels import FALLBACK, sanitise_label
from formkit.forms._model import Form
from formkit.forms._problems import Problem
from formkit.handling import advice_files
from formkit.store.apikeys import ApiKey
from formkit.store.uploads import ApiUpload, Found
from formkit.web._multipart import (
    MultipartError,
    TooManyFieldsError,
    UnexpectedFileError,
    read_multipart,
)
from formkit.web.problems import ProblemError
from formkit.web.services import Services
from formkit.web.uploads import blob_refusal, multipart_refusal, widest_limits

in_thread = anyio.to_thread.run_sync
REFERENCE_PREFIX = "upload:"  # `"bestand": "upload:upl_…"` in the answers
FILE_PART = "file"
UNUSABLE = "Deze upload bestaat niet, is verlopen of werd al gebruikt. Laad het bestand opnieuw op."


async def receive(request: Request[Any, Any, Any], found: Services, key: ApiKey) -> ApiUpload:
    """Store the request's one file and record it as this key's upload: for a filing of a
    form the key may file, or (a key that handles dossiers) for an advice."""
    forms = [form for form in found.catalogue.values() if key.allows("write", form.id)]
    limits = widest_limits(forms)
    if "handle" in key.scopes:
        limits = UploadLimits(
            max(limits.max_bytes, advice_files.LIMITS.max_bytes),
            limits.media_types | advice_files.LIMITS.media_types,
        )
    if not limits.media_types:
        message = "Deze API-sleutel mag geen formulier met bijlagen indienen."
        raise ProblemError("forbidden", message)
    staged = await _staged(request, found.blobs, limits)
    try:
        upload = found.uploads.record(
            key.id, staged.sha256, staged.size, staged.media_type, staged.label, found.filer.clock()
        )
    except BaseException:
        await staged.discard()
        raise
    try:
        await staged.promote()
    except BaseException:
        found.uploads.forget(upload.record.ref)
        await staged.discard()
        raise
    return upload


async def _staged(
    request: Request[Any, Any, Any], store: BlobStore, limits: UploadLimits
) -> StagedBlob:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == "multipart/form-data":
        return await _multipart_file(request, store, limits)
    try:
        info = await save(store.staging(), limits, request.stream())
    except Exception as error:
        refusal = blob_refusal(error)
        if refusal is None:
            raise
        raise refusal from None
    return store.staged(info, label=_file_name(request.headers.get("content-disposition")))


async def _multipart_file(
    request: Request[Any, Any, Any], store: BlobStore, limits: UploadLimits
) -> StagedBlob:
    try:
        result = await read_multipart(
            request.stream(),
            request.headers.get("content-type", ""),
            file_limits=lambda name: limits if name == FILE_PART else None,
            store=store.staging(),
            max_field_bytes=1_000,
            max_fields=1,
        )
    except MultipartError as error:
        await _discard(store, [f.info for f in error.committed])
        if isinstance(error, UnexpectedFileError | TooManyFieldsError):
            raise _one_file() from None
        raise multipart_refusal(error) from None
    if len(result.files) != 1 or result.fields:
        await _discard(store, [f.info for f in result.files])
        raise _one_file()
    uploaded = result.files[0]
    return store.staged(uploaded.info, label=uploaded.label)


def _one_file() -> ProblemError:
    return ProblemError("malformed-request", f"Stuur één bestand, in het deel '{FILE_PART}'.")


async def _discard(store: BlobStore, infos: list[BlobInfo]) -> None:
    for info in infos:
        await store.discard_staged(info)


def _file_name(disposition: str | None) -> str:
    """The file name of a raw body's `Content-Disposition: attachment; filename="…"`."""
    if not disposition:
        return FALLBACK
    _, options = parse_options_header(disposition.encode("latin-1", "replace"))
    name = options.get(b"filename")
    return sanitise_label(name.decode("utf-8", "replace")) if name else FALLBACK


def document(upload: ApiUpload) -> dict[str, Any]:
    record = upload.record
    return {
        "upload": record.ref,
        "reference": REFERENCE_PREFIX + record.ref,
        "name": record.label,
        "sha256": record.sha256,
        "size": record.size,
        "media_type": record.media_type,
        "expires": upload.expires.isoformat(),
    }


@dataclass(slots=True)
class UploadClaim:
    """The uploads a filing's answers name, from resolving them to taking and settling them.

    Taken uploads go back when the filing is known to have made no dossier; when the outcome
    is unknown (the store failed while committing) they stay taken: used at most once beats
    used again, and the purge removes them when no dossier settled them.
    """

    found: Services
    key: ApiKey
    refs: list[tuple[str, str]]  # (pointer, reference) of each `upload:` reference
    named: dict[str, Found]  # by reference
    taken: bool = False
    committing: bool = False  # handed to the store: from here on the outcome decides

    @property
    def blobs(self) -> dict[str, Blob]:
        return {ref: each.record.blob for ref, each in self.named.items()}

    async def take(self) -> None:
        """Just before the filing commits: mark every named upload used, or refuse the filing."""
        uploads, ids, now = self.found.uploads, _ids(self.refs), self.found.filer.clock()
        if not await in_thread(uploads.take, self.key.id, ids, now):
            rows = await in_thread(uploads.find, self.key.id, ids, now)
            raise _unusable(self.refs, lambda row: row is None or row.used or row.expired, rows)
        self.taken = True

    async def finish(self, result: object) -> None:
        """The filing's outcome: its dossier keeps the uploads, or they go back."""
        if not self.taken:
            return
        if isinstance(result, Filed) and result.created:
            await in_thread(self.found.uploads.settle, _ids(self.refs), result.number)
        else:
            await in_thread(self.found.uploads.give_back, _ids(self.refs))
        self.taken = False


@asynccontextmanager
async def claim_uploads(
    found: Services, key: ApiKey, form: Form, answers: Any, staged: Mapping[str, Any]
) -> AsyncIterator[UploadClaim]:
    """Resolve the answers' `upload:` references (those not sent as parts of this request)."""
    refs = [
        (pointer, ref)
        for pointer, _, ref, _ in attachment_refs(form, answers)
        if ref.startswith(REFERENCE_PREFIX) and ref not in staged
    ]
    named = await in_thread(_resolve, found, key, refs)
    claim = UploadClaim(found, key, refs, named)
    try:
        yield claim
    finally:
        if claim.taken and not claim.committing:
            await in_thread(found.uploads.give_back, _ids(refs))


def _resolve(found: Services, key: ApiKey, refs: list[tuple[str, str]]) -> dict[str, Found]:
    """The key's uploads the answers name; an unknown or expired one is refused at its pointer.

    One used before still resolves: a retry with the same Idempotency-Key must digest to the
    same request. It is refused when the filing takes it.
    """
    rows = found.uploads.find(key.id, _ids(refs), found.filer.clock())
    if any(_gone(rows.get(_id(ref))) for _, ref in refs):
        raise _unusable(refs, _gone, rows)
    return {ref: rows[_id(ref)] for _, ref in refs}


def _gone(row: Found | None) -> bool:
    return row is None or (row.expired and not row.used)


def _unusable(
    refs: list[tuple[str, str]], refused: Callable[[Found | None], bool], rows: dict[str, Found]
) -> ProblemError:
    problems = [
        Problem(f"{pointer}/bestand", "upload-unusable", UNUSABLE)
        for pointer, ref in refs
        if refused(rows.get(_id(ref)))
    ]
    return ProblemError(
        "invalid-answers",
        "Niet alle antwoorden zijn in orde; zie de lijst van problemen.",
        problems=problems,
    )


def _id(reference: str) -> str:
    return reference.removeprefix(REFERENCE_PREFIX)


def _ids(refs: list[tuple[str, str]]) -> set[str]:
    return {_id(ref) for _, ref in refs}
