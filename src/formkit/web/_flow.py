"""Where a posted step leads: save it, then show it again (with messages) or go on.

Whatever the button, the step's answers and files are saved first: nothing a citizen typed is
lost, not even when the step is refused. Then:

- `volgende`: the step's problems (validation, and files that are missing or refused) are
  shown on the step; without problems the next step follows, or the review after the last
  step (or straight back to the review when the citizen came from there to change an answer);
- `vorige`, `naar:<step>`: to that step, no messages;
- `toevoegen`, `verwijderen`: the same step again, at the row added or removed;
- `bewaren`: the same step, with a fresh resume link (back to this step) and until when the
  draft is kept.

A file refused for its size or type is always shown at once, whatever the button.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import anyio.to_thread

from formkit.filing._filing import Blob, attachment_refs, bind_attachments
from formkit.forms._model import Form, Step
from formkit.forms._problems import Problem
from formkit.forms._validate import validate
from formkit.render import Move, decode_step, problems_for_step, prune, with_prefill
from formkit.render._steps import next_step, previous_step
from formkit.store.drafts import StoredDraft, UploadRecord
from formkit.store.limits import history_problems
from formkit.web._multipart import UploadedFile
from formkit.web._posts import Post
from formkit.web.services import Services

BASE = "/formulieren"
T = TypeVar("T")


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking (database) call off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(function, *args))


@dataclass(frozen=True, slots=True)
class Place:
    """A form, the draft (None before its first post) and the URLs of its pages."""

    form: Form
    draft_id: str | None
    from_review: bool = False  # changing an answer from the review: go back there after

    @property
    def start_url(self) -> str:
        return f"{BASE}/{quote(self.form.id)}"

    @property
    def draft_url(self) -> str:
        assert self.draft_id is not None
        return f"{self.start_url}/{self.draft_id}"

    def step_url(self, step_id: str) -> str:
        if self.draft_id is None:
            return self.start_url  # before the first post only the first step exists
        suffix = "?van=overzicht" if self.from_review else ""
        return f"{self.draft_url}/stap/{quote(step_id)}{suffix}"

    @property
    def review_url(self) -> str:
        return f"{self.draft_url}/overzicht"

    @property
    def tasks_url(self) -> str:
        """A long form's task list (`formkit.render.tasks`)."""
        return f"{self.draft_url}/onderdelen"

    @property
    def sign_url(self) -> str:
        """Ondertekenen: between the review and filing, for a form that needs a signature."""
        return f"{self.draft_url}/ondertekenen"

    @property
    def confirmation_url(self) -> str:
        return f"{self.draft_url}/bevestiging"

    def resume_url(self, token: str, public_url: str, step_id: str) -> str:
        """Absolute: it is meant to be copied and opened on another device. It leads back to
        the step where it was asked for; the token alone decides which draft."""
        step = quote(step_id, safe="")
        return f"{public_url.rstrip('/')}{self.start_url}/hervatten/{token}?stap={step}"


@dataclass(frozen=True, slots=True)
class Outcome:
    answers: Mapping[str, Any]
    redirect: str | None = None
    page: tuple[Sequence[Problem], str | None] | None = None  # show the step: problems, token
    kept_until: datetime | None = None  # with a token: when the draft expires


def furthest_step(form: Form, draft: StoredDraft) -> Step:
    """The furthest step the citizen may open: the one after the furthest posted."""
    return form.steps[min(draft.reached + 1, len(form.steps) - 1)]


def all_steps_reached(form: Form, draft: StoredDraft) -> bool:
    """Whether the last step was posted: a draft exists once its first step was."""
    return draft.reached >= len(form.steps) - 1


async def apply(
    found: Services, place: Place, step: Step, draft: StoredDraft, post: Post, now: datetime
) -> Outcome:
    """Save the posted step into the draft and decide what follows."""
    form = place.form
    records = [await in_thread(_record, found, draft.id, f, now) for f in post.files]
    decoded = decode_step(form, step.id, post.fields, draft.answers, _files(records))
    # The answers the login gave stay what it gave, whatever was posted.
    answers, action = with_prefill(decoded.answers, draft.prefill, form), decoded.action
    index = form.steps.index(step)
    problems: list[Problem] = [*post.refusals, *decoded.notes]
    if action.move is Move.NEXT:
        # A refused file first: its reason is what its slot shows, not "add a file".
        problems = [*problems, *await _problems(found, form, step, answers, draft.id, now)]
    saved = await in_thread(found.drafts.save, draft.id, answers, index, now)
    if saved is None:  # filed or expired meanwhile: the draft's own URL says which
        return Outcome(answers, redirect=place.draft_url)
    if problems:
        return Outcome(answers, page=(problems, None))
    if action.stays:
        anchor = f"#{decoded.anchor}" if decoded.anchor else ""
        return Outcome(answers, redirect=place.step_url(step.id) + anchor)
    if action.move is Move.SAVE:
        token = await in_thread(found.drafts.issue_resume_token, draft.id)
        return Outcome(answers, page=((), token), kept_until=saved.expires_at)
    return Outcome(answers, redirect=_destination(place, step, action.move, action.target, saved))


def _destination(place: Place, step: Step, move: Move, target: str, draft: StoredDraft) -> str:
    form = place.form
    if move is Move.PREVIOUS:
        return place.step_url((previous_step(form, step.id) or step).id)
    if move is Move.GOTO:
        return place.step_url(target)
    following = next_step(form, step.id)
    if following is None or (place.from_review and all_steps_reached(form, draft)):
        return place.review_url
    return Place(form, place.draft_id).step_url(following.id)


async def _problems(
    found: Services,
    form: Form,
    step: Step,
    answers: Mapping[str, Any],
    draft_id: str,
    now: datetime,
) -> list[Problem]:
    """The problems with this step's answers, its files among them, and the history rules'
    limits a person it names has reached already (filing would refuse them)."""
    uploads = await in_thread(found.drafts.uploads, draft_id)
    problems = validate(form, answers, now=now)
    blobs = {ref: upload.blob for ref, upload in uploads.items()}
    _, _, attachment_problems = bind_attachments(form, answers, blobs)
    limits = found.filer.limits_of(form, answers)
    history = (
        await in_thread(history_problems, found.engine, form.id, limits, now) if limits else ()
    )
    return problems_for_step(form, step.id, [*problems, *attachment_problems, *history])


def _record(
    found: Services, draft_id: str, uploaded: UploadedFile, now: datetime
) -> tuple[str, UploadRecord]:
    info = uploaded.info
    record = found.drafts.record_upload(
        draft_id, info.sha256, info.size, info.media_type, uploaded.label, now
    )
    return uploaded.name, record


def _files(records: list[tuple[str, UploadRecord]]) -> dict[str, list[dict[str, str]]]:
    """The stored files by the name of their file input, as `decode_step` takes them."""
    files: dict[str, list[dict[str, str]]] = {}
    for name, record in records:
        files.setdefault(name, []).append({"bestand": record.ref, "naam": record.label})
    return files


async def draft_filing(
    found: Services, form: Form, draft: StoredDraft
) -> tuple[dict[str, Any], dict[str, Blob]]:
    """The draft as it would be filed: the answers that apply and the files they name."""
    answers = prune(form, with_prefill(draft.answers, draft.prefill, form))
    uploads = await in_thread(found.drafts.uploads, draft.id)
    refs = {ref for _, _, ref, _ in attachment_refs(form, answers)}
    return answers, {ref: uploads[ref].blob for ref in refs if ref in uploads}
