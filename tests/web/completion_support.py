"""A bouwaanvraag filed with its files in the blob store, and the city asking to complete it.

Filed straight into the stores (the signing page's tests file through the pages with an eID
card): what these tests need is a dossier as the filing leaves it, attachments and all.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncIterator, Coroutine
from datetime import datetime
from typing import Any, TypeVar

from tests.web.bouwaanvraag import PDF, PNG, bouwaanvraag

from formkit.filing._filing import Blob, Filed, Filing, bind_attachments
from formkit.filing.blobs import FileBlobStore, UploadLimits, save
from formkit.forms._model import Form
from formkit.handling.actions import FindIncomplete
from formkit.handling.completion import completion_path
from formkit.handling.events import Actor, ActorKind
from formkit.store.dossiers import DossierStore
from formkit.store.handling import HandlingStore

OFFICIAL = Actor(ActorKind.STAFF, "sub-an", "An Peeters", "omgeving")
MESSAGE = "Het inplantingsplan is onleesbaar.\nLaad een nieuw plan op en kijk het e-mailadres na."
T = TypeVar("T")

_FILES = {  # the references of the example answers: their bytes
    "plan-1": (PDF, "inplantingsplan-en-doorsnede.pdf"),
    "foto-1": (PNG, "tuin-vanaf-terras.png"),
    "foto-2": (PNG + b"\x00", "tuin-achterkant.png"),
}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end, also from a thread that runs an event loop (Playwright)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    yield content


async def _stored(blobs: FileBlobStore) -> dict[str, Blob]:
    limits = UploadLimits(50_000_000, frozenset({"application/pdf", "image/png"}))
    stored = {}
    for reference, (content, label) in _FILES.items():
        info = await save(blobs, limits, _chunks(content))
        stored[reference] = Blob(info.sha256, info.size, info.media_type, label)
    return stored


def file_bouwaanvraag(dossiers: DossierStore, blobs: FileBlobStore, form: Form) -> str:
    """The minimal bouwaanvraag filed, its plan and photos stored: the dossier's number."""
    answers = bouwaanvraag()
    for index, photo in enumerate(answers["bijlagen"]["fotos"]):
        photo["naam"] = _FILES[f"foto-{index + 1}"][1]
    bound, attachments, problems = bind_attachments(form, answers, run(_stored(blobs)))
    assert not problems, problems
    filing = Filing(
        form_id=form.id,
        form_title=form.title,
        prefix=form.prefix,
        version=form.version,
        answers=bound,
        attachments=attachments,
        channel="web",
        idempotency_key=None,
        request_digest="test",
    )
    (outcome,) = dossiers.file([filing], {form.version: form.schema})
    assert isinstance(outcome, Filed)
    return outcome.number


def ask_completion(
    handling: HandlingStore,
    secret: bytes,
    number: str,
    now: datetime,
    pointers: tuple[str, ...] = ("/bijlagen/plannen", "/aanvragers/personen/0/email"),
    message: str = MESSAGE,
) -> str:
    """The city finds the dossier incomplete: the path of the link its mail carries."""
    handled = handling.act(number, FindIncomplete(message, pointers), OFFICIAL, now)
    assert handled is not None
    assert handled.state.completion is not None
    return completion_path(secret, number, handled.state.completion)
