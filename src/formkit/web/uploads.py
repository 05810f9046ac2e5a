"""Reading a submission off the wire: JSON answers, or multipart answers with their files.

Files are staged while the request streams in: hashed, size- and type-checked, and kept out
of the blob store until the filing is accepted. A refused request therefore leaves no blob
behind, and a blob shared with another dossier is never touched. JSON is counted while it
streams in too, and refused as soon as it passes `MAX_JSON_BYTES`; it is decoded strictly
(`_strict_json`: no key twice in one object, no deep nesting).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from litestar import Request

from formkit.eid.signing import MESSAGES, CitizenSignature
from formkit.filing._filing import Blob, attachment_refs
from formkit.filing.blobs import (
    FileBlobStore,
    MediaTypeRefusedError,
    StagedBlob,
    UploadLimits,
    UploadTooLargeError,
)
from formkit.forms import _strict_json
from formkit.forms._model import Form
from formkit.web._multipart import (
    FieldTooLargeError,
    FileRefusedError,
    MalformedMultipartError,
    MultipartError,
    MultipartResult,
    TooManyFieldsError,
    UnexpectedFileError,
    read_multipart,
)
from formkit.web.problems import ProblemError

ANSWERS_PART = "answers"
SIGNATURE_PART = "signature"  # `formkit sign`'s output, for forms that need an eID signature
MAX_JSON_BYTES = 2_000_000
MAX_TEXT_BYTES = MAX_JSON_BYTES + 100_000  # the answers, and a signature of a few KB
TEXT_PARTS = frozenset({ANSWERS_PART, SIGNATURE_PART})
UNBOUNDED_FILES = 50  # for a list of files without maxItems
MAX_FILES = 500


@dataclass(slots=True)
class Submission:
    answers: Any
    staged: dict[str, StagedBlob] = field(default_factory=dict)  # by attachment reference
    signature: CitizenSignature | None = None
    _kept: bool = False

    @property
    def blobs(self) -> dict[str, Blob]:
        return {ref: _blob(staged) for ref, staged in self.staged.items()}

    async def promote(self) -> None:
        """Move the staged files into the blob store: called just before the filing commits."""
        for staged in self.staged.values():
            await staged.promote()
        self._kept = True

    async def discard(self) -> None:
        if not self._kept:
            for staged in self.staged.values():
                await staged.discard()


@asynccontextmanager
async def read_submission(
    request: Request[Any, Any, Any], form: Form, store: FileBlobStore
) -> AsyncIterator[Submission]:
    """The request's answers and staged files; staged files not promoted are dropped at exit."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        submission = Submission(await _json_answers(request))
    elif media_type == "multipart/form-data":
        submission = await _multipart(request, form, store)
    else:
        raise ProblemError(
            "unsupported-media-type",
            "Stuur de antwoorden als application/json of als multipart/form-data.",
        )
    try:
        yield submission
    finally:
        await submission.discard()


async def _json_answers(request: Request[Any, Any, Any]) -> Any:
    """The JSON body, read no further than its limit: a larger one costs no memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and (len(declared) > 9 or int(declared) > MAX_JSON_BYTES):
        raise _json_too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BYTES:
            raise _json_too_large()
    return _decode(body)


def _json_too_large() -> ProblemError:
    return ProblemError(
        "too-large", f"De antwoorden zijn te groot: hoogstens {MAX_JSON_BYTES / 1e6:g} MB JSON."
    )


def _decode(body: bytes | bytearray | str) -> Any:
    try:
        return _strict_json.decode(body)
    except _strict_json.JsonError as error:
        raise ProblemError("malformed-json", _json_refusal(error)) from None


def _json_refusal(error: _strict_json.JsonError) -> str:
    if isinstance(error, _strict_json.DuplicateKeyError):
        key = error.key if len(error.key) <= 40 else error.key[:40] + "…"
        return f"De antwoorden noemen de sleutel '{key}' twee keer in hetzelfde object."
    if isinstance(error, _strict_json.TooDeepError):
        limit = _strict_json.MAX_DEPTH
        return f"De antwoorden zijn te diep genest: hoogstens {limit} niveaus."
    return f"De antwoorden zijn geen geldige JSON: {error}."


async def _multipart(
    request: Request[Any, Any, Any], form: Form, store: FileBlobStore
) -> Submission:
    limits = widest_limits([form])
    try:
        result = await read_multipart(
            request.stream(),
            request.headers.get("content-type", ""),
            file_limits=lambda name: None if name in TEXT_PARTS else limits,
            store=store.staging(),
            max_field_bytes=MAX_JSON_BYTES,
            max_fields=len(TEXT_PARTS) + _most_files(form),
            max_text_bytes=MAX_TEXT_BYTES,
        )
    except MultipartError as error:
        for uploaded in error.committed:
            await store.staged(uploaded.info).discard()
        raise multipart_refusal(error) from None
    staged = [store.staged(f.info, label=f.label) for f in result.files]
    try:
        return _submission(form, result, staged)
    except ProblemError:
        for each in staged:
            await each.discard()
        raise


def _submission(form: Form, result: MultipartResult, staged: list[StagedBlob]) -> Submission:
    _check_parts_unique(result)
    texts = dict(result.fields)
    if ANSWERS_PART not in texts:
        raise ProblemError("malformed-request", "Het deel 'answers' met de antwoorden ontbreekt.")
    by_reference = {uploaded.name: s for uploaded, s in zip(result.files, staged, strict=True)}
    submission = Submission(_decode(texts[ANSWERS_PART]), by_reference)
    if SIGNATURE_PART in texts:
        submission.signature = _signature(texts[SIGNATURE_PART])
    _check_references(form, submission)
    return submission


def _check_parts_unique(result: MultipartResult) -> None:
    """A part named twice would leave it to chance which one counts: neither does."""
    names = [f.name for f in result.files] + [n for n, _ in result.fields if n in TEXT_PARTS]
    twice = [name for name, count in Counter(names).items() if count > 1]
    if twice:
        raise ProblemError("malformed-request", f"Het deel '{twice[0]}' komt meer dan eens voor.")


def _signature(text: str) -> CitizenSignature:
    try:
        return CitizenSignature.from_document(_decode(text))
    except (ValueError, ProblemError):
        raise ProblemError("signature-malformed", MESSAGES["signature-malformed"]) from None


def _check_references(form: Form, submission: Submission) -> None:
    """Every file part must be named by an attachment reference in the answers."""
    referenced = {ref for _, _, ref, _ in attachment_refs(form, submission.answers)}
    stray = sorted(set(submission.staged) - referenced)
    if stray:
        raise ProblemError(
            "malformed-request",
            f"Het bestand '{stray[0]}' hoort bij geen enkele bijlage in de antwoorden.",
        )


def _most_files(form: Form) -> int:
    """How many file parts the form's answers can name: bounds the parts a request may have."""
    most = 0
    for slot in form.attachment_slots:
        per_slot = (slot.max_items or UNBOUNDED_FILES) if slot.multiple else 1
        repeats = UNBOUNDED_FILES if "*" in slot.pointer else 1  # inside a repeatable group
        most += per_slot * repeats
    return min(most, MAX_FILES)


def widest_limits(forms: Iterable[Form]) -> UploadLimits:
    """While streaming, a part's slot is not yet known: hold it to the widest slot's limits.

    Each file is checked against its own slot's limits when the answers are bound.
    """
    rules = [
        slot.attachment
        for form in forms
        for slot in form.attachment_slots
        if slot.attachment is not None
    ]
    return UploadLimits(
        max_bytes=max((r.max_bytes for r in rules), default=0),
        media_types=frozenset(t for r in rules for t in r.media_types),
    )


def multipart_refusal(error: MultipartError) -> ProblemError:
    refused = blob_refusal(error.reason) if isinstance(error, FileRefusedError) else None
    if refused is not None:
        return refused
    if isinstance(error, UnexpectedFileError):
        return ProblemError("malformed-request", "Dit formulier heeft geen bijlagen.")
    if isinstance(error, FieldTooLargeError | TooManyFieldsError):
        return ProblemError("too-large", "De aanvraag heeft te veel of te grote delen.")
    if isinstance(error, MalformedMultipartError):
        return ProblemError("malformed-request", "De multipart-aanvraag is onvolledig of kapot.")
    return ProblemError("malformed-request", "De aanvraag kan niet gelezen worden.")


def blob_refusal(error: BaseException) -> ProblemError | None:
    """The problem for a file over its limits, or None for any other error."""
    if isinstance(error, UploadTooLargeError):
        limit = error.limit / 1_000_000
        return ProblemError("too-large", f"Een bestand is te groot: hoogstens {limit:g} MB.")
    if isinstance(error, MediaTypeRefusedError):
        return ProblemError(
            "unsupported-media-type",
            f"Een bestand van het type {error.found} aanvaarden we niet.",
        )
    return None


def _blob(staged: StagedBlob) -> Blob:
    return Blob(staged.sha256, staged.size, staged.media_type, staged.label)
