"""`formkit preview`: the citizen's pages for a form author, from forms read again when saved.

    GET  /formulieren/...                        the citizen's pages (`pages`), each with the
                                                 preview's banner, `formkit check`'s problems
                                                 and the answers as they would be filed
    POST /formulieren/{form}/{draft}/overzicht   instead of Indienen: check as filing would,
                                                 file nothing
    POST /voorbeeld/{form}/invullen              Voorbeeld invullen: `formkit example`'s answers
                                                 into the draft (field `concept`, or a new one)
    GET  /voorbeeld/stand                        the stand of the files (`?formulier=<id>`):
                                                 preview.js loads the page again when it changes

Every request first reads again the forms whose files changed (`WatchedForms`). A form that
fails its check shows its problems above its last good version, or above a page saying it
cannot be shown yet; saving the fixed file brings it back. Drafts live in the database of the
settings given, a temporary SQLite one for `formkit preview`: no dossier is ever written, and
nothing but the pages is served (no API, no staff pages, no signing).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import Litestar, Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from formkit.filing._filing import attachment_refs, bind_attachments
from formkit.forms import _pointer
from formkit.forms._example import ExampleError, example
from formkit.forms._model import Form
from formkit.forms._validate import in_reading_order, validate
from formkit.forms.catalogue import Catalogue
from formkit.render import (
    PageContext,
    PreviewPanel,
    Renderer,
    first_step_with_problems,
    problems_for_step,
    prune,
)
from formkit.settings import Settings
from formkit.store.drafts import DraftStore, StoredDraft
from formkit.web import pages, security
from formkit.web._flow import BASE, Place, draft_filing, in_thread
from formkit.web._watched_forms import WatchedForms
from formkit.web.app import health
from formkit.web.pages import PREVIEW_HOOK, STATIC, PageError
from formkit.web.services import Services, services

ROOT = "/voorbeeld"
STAND = f"{ROOT}/stand"
DRAFT_FIELD = "concept"  # the draft an example goes into; absent: a new draft
_FORMS = "preview_forms"  # app state: the WatchedForms
# The example names files it does not have; an empty one stands in for each (`_placeholders`).
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def create_preview_app(
    source: Path, settings: Settings, clock: Callable[[], datetime] | None = None
) -> Litestar:
    """The preview of the form file or folder `source`, keeping its drafts where `settings`
    say (`formkit preview` gives it a temporary folder); `clock` as `Services.build`."""
    forms = WatchedForms(source)
    forms.refresh()
    built = Services.build(settings, clock=clock, catalogue=Catalogue(forms))
    # Templates too are read again when saved: an author restyling sees it on the next load.
    templates = Renderer(settings.renderers_dir / "templates", auto_reload=True)
    found = replace(built, renderer=templates)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await found.staff.aclose()
            await found.citizens.aclose()
            found.close()

    app = Litestar(
        route_handlers=[router, pages.static_files(settings.renderers_dir), health],
        before_request=_refresh,
        lifespan=[lifespan],
        before_send=[security.headers_hook(settings)],
        exception_handlers={Exception: pages.error_response},
        request_max_body_size=settings.max_request_bytes,
        openapi_config=None,
        debug=False,
    )
    app.state.services = found
    app.state[_FORMS] = forms
    app.state[PREVIEW_HOOK] = _panel
    return app


# Around every request and page ---------------------------------------------------------


async def _refresh(request: Request[Any, Any, Any]) -> Response[str] | None:
    """Read again what was saved; a form that never loaded gets its problems page."""
    forms = _forms(request)
    await in_thread(forms.refresh)
    form_id = request.path_params.get("form_id")
    if isinstance(form_id, str) and form_id not in forms and forms.known(form_id):
        return _broken(request, forms, form_id)
    return None


def _broken(request: Request[Any, Any, Any], forms: WatchedForms, form_id: str) -> Response[str]:
    panel = PreviewPanel(
        stand_url=_stand_url(form_id), stand=forms.stand(form_id), problems=forms.problems(form_id)
    )
    ctx = PageContext(base_path=BASE, static_url=STATIC, preview=panel)
    html = services(request).renderer.preview_page("broken.html", ctx, form_id=form_id)
    return pages.html_response(html)


def _panel(request: Request[Any, Any, Any], place: Place | None) -> PreviewPanel:
    """The pages' hook (`pages.PREVIEW_HOOK`): what the preview shows around this page.

    Called while the page renders, so the draft is read here, synchronously: one small read
    of a local database, in a tool for one author."""
    forms = _forms(request)
    if place is None:  # the list of forms: every form's problems
        return PreviewPanel(stand_url=STAND, stand=forms.stand(), problems=forms.problems())
    form = place.form
    problems = forms.problems(form.id)
    found = services(request)
    draft = None if place.draft_id is None else found.drafts.load(place.draft_id, _now(found))
    answers, refused = _as_filed(found, form, draft) if draft is not None else (None, ())
    return PreviewPanel(
        stand_url=_stand_url(form.id),
        stand=forms.stand(form.id),
        problems=problems,
        stale=bool(problems),
        fill_url=f"{ROOT}/{quote(form.id)}/invullen",
        draft_id=place.draft_id,
        answers_json=answers,
        answer_problems=refused,
    )


def _as_filed(found: Services, form: Form, draft: StoredDraft) -> tuple[str, tuple[str, ...]]:
    """The draft's answers as filing would store them (the answers that apply, files bound to
    their content address), and what filing them now would refuse."""
    answers = prune(form, draft.answers)
    blobs = {ref: upload.blob for ref, upload in found.drafts.uploads(draft.id).items()}
    problems = validate(form, answers, now=_now(found))
    bound, _, unbound = bind_attachments(form, answers, blobs)
    refused = tuple(
        f"{p.pointer}: {p.message}" for p in in_reading_order(form, [*problems, *unbound])
    )
    return json.dumps(bound, ensure_ascii=False, indent=2, sort_keys=True), refused


# The preview's own routes --------------------------------------------------------------


@post(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/overzicht")
async def check_instead_of_filing(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    """Indienen, in the preview: the answers checked as filing checks them; nothing filed."""
    form, draft = await pages.draft_of(request, form_id, draft_id)
    submitted = await pages.read_page_post(request, form, None)
    pages.check_csrf(request, f"draft:{draft.id}", submitted.fields)
    found = services(request)
    answers, blobs = await draft_filing(found, form, draft)
    problems = validate(form, answers, now=_now(found))
    if not problems:
        problems = bind_attachments(form, answers, blobs)[2]
    if problems:
        step = first_step_with_problems(form, problems) or form.steps[0]
        shown = problems_for_step(form, step.id, problems)
        at = Place(form, draft.id, from_review=True)
        return pages.step_page(request, at, step, answers, shown, status=422)
    ctx = pages.page_context(request, Place(form, draft.id), action="")
    return pages.html_response(found.renderer.preview_page("checked.html", ctx, form=form))


@post(f"{ROOT}/{{form_id:str}}/invullen")
async def fill_example(request: Request[Any, Any, Any], form_id: FromPath[str]) -> Response[Any]:
    """Voorbeeld invullen: `formkit example`'s answers replace the draft's, every step
    reached, and the review shows them."""
    form = pages.form_of(request, form_id)
    posted = await pages.read_page_post(request, form, None)
    draft_id = dict(posted.fields).get(DRAFT_FIELD) or None
    subject = f"draft:{draft_id}" if draft_id else f"new:{form.id}"
    pages.check_csrf(request, subject, posted.fields)
    found = services(request)
    now = _now(found)
    try:
        answers = example(form, now=now)
    except ExampleError as error:
        raise PageError(
            422, "Geen voorbeeld", f"formkit example vindt geen geldige antwoorden: {error}"
        ) from None
    draft = None if draft_id is None else (await pages.draft_of(request, form.id, draft_id))[1]
    filled = await in_thread(_fill, found.drafts, form, draft, answers, now)
    return Redirect(Place(form, filled.id).review_url, status_code=303)


@get(STAND, sync_to_thread=False)
def stand(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    """The stand of the files a page was made from; `_refresh` read them again just now."""
    form_id = request.query_params.get("formulier")
    body = {"stand": _forms(request).stand(form_id)}
    return Response(body, headers={"Cache-Control": "no-store"})


router = Router(
    path="/",
    route_handlers=[
        pages.form_list,
        pages.start,
        pages.start_post,
        pages.resume,
        pages.continue_draft,
        pages.show_step,
        pages.post_step,
        pages.review,
        check_instead_of_filing,
        fill_example,
        stand,
    ],
    guards=[security.same_origin_posts],
)


# Helpers -------------------------------------------------------------------------------


def _fill(
    drafts: DraftStore,
    form: Form,
    draft: StoredDraft | None,
    answers: dict[str, Any],
    now: datetime,
) -> StoredDraft:
    last = len(form.steps) - 1
    if draft is None:
        draft = drafts.create(form.id, {}, last, now)
    saved = drafts.save(draft.id, _placeholders(drafts, draft.id, form, answers, now), last, now)
    return saved or draft


def _placeholders(
    drafts: DraftStore, draft_id: str, form: Form, answers: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The example's files, each an empty file of its slot's first media type uploaded to the
    draft: so the example is checked as filing would check it, files and all."""
    filled = copy.deepcopy(answers)
    for pointer, field, _, label in list(attachment_refs(form, filled)):
        media_type = field.attachment.media_types[0] if field.attachment else "application/pdf"
        record = drafts.record_upload(draft_id, _EMPTY_SHA256, 0, media_type, label, now)
        _pointer.resolve(filled, pointer)["bestand"] = record.ref
    return filled


def _stand_url(form_id: str) -> str:
    return f"{STAND}?formulier={quote(form_id, safe='')}"


def watched_forms(app: Litestar) -> WatchedForms:
    """The forms a preview app shows, as last read."""
    forms: WatchedForms = app.state[_FORMS]
    return forms


def _forms(request: Request[Any, Any, Any]) -> WatchedForms:
    return watched_forms(request.app)


def _now(found: Services) -> datetime:
    return found.filer.clock()
