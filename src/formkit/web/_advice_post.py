"""The post of a staff action, and the files an adviser hands in with an advice.

The advice form posts multipart/form-data: its new files (`FILE_INPUT`) stream into staging
within the advice's limits (`formkit.handling.advice_files`), a file over them noted as a
refusal while the rest of the post is read on. Once the post is known to be genuine (CSRF),
the files go into the blob store and each gets an upload row owned by the adviser's session on
this dossier (`store.advice_uploads`); from then on the pages name them by that row's id in the
field `FILE_REF` (a checkbox on the form, a hidden field on the confirmation), never by bytes
again. Every other action posts a plain form.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Request

from formkit.filing.blobs import BlobStore, UploadLimits, UploadTooLargeError
from formkit.forms._dutch import size_text
from formkit.handling import advice_files
from formkit.store.advice_uploads import AdviceUploads
from formkit.store.drafts import UploadRecord
from formkit.web._flow import in_thread
from formkit.web._multipart import UploadedFile
from formkit.web._posts import read_tolerantly, refusal
from formkit.web.services import Services

ADVICE = "advies-geven"
FILE_INPUT = "bijlagen"  # the file input: new files
FILE_REF = "bijlage"  # a file handed in before, by its upload row's id
MAX_PARTS = 100  # an action's fields, and a few files


@dataclass(frozen=True, slots=True)
class ActionPost:
    fields: tuple[tuple[str, str], ...]  # text fields in body order
    files: tuple[UploadedFile, ...] = ()  # staged: `keep` or `discard` them
    refusals: tuple[str, ...] = ()  # files refused, in Dutch

    async def keep(
        self, found: Services, owner: str, store: BlobStore
    ) -> tuple[tuple[str, str], ...]:
        """Store the staged files and record them for `owner`: the post's fields, with a
        `FILE_REF` field for each of them."""
        refs = []
        uploads = AdviceUploads(found.engine)
        now = found.clock()
        for uploaded in self.files:
            await store.promote(uploaded.info)
            info = uploaded.info
            record = await in_thread(
                uploads.record, owner, info.sha256, info.size, info.media_type, uploaded.label, now
            )
            refs.append((FILE_REF, record.ref))
        return (*self.fields, *refs)

    async def discard(self, store: BlobStore) -> None:
        for uploaded in self.files:
            await store.discard_staged(uploaded.info)


async def read_action_post(
    request: Request[Any, Any, Any], slug: str, store: BlobStore
) -> ActionPost:
    """The post; `_posts.PostError` when it cannot be read, or carries a file it may not."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        return ActionPost(tuple((await request.form()).multi_items()))
    result = await read_tolerantly(
        request, lambda name: _limits(slug, name), store, max_fields=MAX_PARTS
    )
    staged = tuple(f for f in result.files if refusal(f) is None)
    refused = tuple(_refusal_text(f) for f in result.files if refusal(f) is not None)
    return ActionPost(result.fields, staged, refused)


def _limits(slug: str, name: str) -> UploadLimits | None:
    return advice_files.LIMITS if slug == ADVICE and name == FILE_INPUT else None


def _refusal_text(uploaded: UploadedFile) -> str:
    if isinstance(refusal(uploaded), UploadTooLargeError):
        limit = advice_files.MAX_BYTES // 1_000_000
        return f"{uploaded.label} is te groot. Een bestand mag hoogstens {limit} MB zijn."
    return (
        f"{uploaded.label} is van een soort die we niet aanvaarden. "
        f"Kies een {advice_files.ACCEPTED}-bestand."
    )


@dataclass(frozen=True, slots=True)
class Pending:
    """A file handed in for an advice that is not given yet, as the forms list it."""

    ref: str
    label: str
    kind: str  # PDF, Word, ...
    size: str


async def pending(found: Services, owner: str, refs: Collection[str]) -> dict[str, UploadRecord]:
    """The named files of `owner` that no advice took yet; others are left out."""
    if not refs:
        return {}
    return await in_thread(AdviceUploads(found.engine).find, owner, set(refs))


def listed(records: dict[str, UploadRecord], refs: Sequence[str]) -> tuple[Pending, ...]:
    """The files of `refs` that are `records`, in the order named, each once."""
    return tuple(
        Pending(
            ref,
            records[ref].label,
            advice_files.TYPE_NAMES.get(records[ref].media_type, records[ref].media_type),
            size_text(records[ref].size),
        )
        for ref in dict.fromkeys(refs)
        if ref in records
    )
