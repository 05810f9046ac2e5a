"""The citizen's pages: a form step by step, kept as a draft, reviewed, filed once.

    GET  /formulieren/                                   the forms
    GET  /formulieren/{form}                             its first step (no draft yet)
    POST /formulieren/{form}                             first post: makes the draft
    GET  /formulieren/{form}/hervatten/{token}           a resume link: back to the draft, on
                                                         the step of `?stap=` (where it was saved)
    GET  /formulieren/{form}/{draft}                     the draft where the citizen left it
    GET  /formulieren/{form}/{draft}/stap/{step}         a step
    POST /formulieren/{form}/{draft}/stap/{step}         save the step, then do what was asked
    GET  /formulieren/{form}/{draft}/overzicht           Overzicht: every answer, with links
    POST /formulieren/{form}/{draft}/overzicht           Indienen: file the draft (or, for a
                                                         form that needs an eID signature,
                                                         on to Ondertekenen: `_signing_page`)
    GET  /formulieren/{form}/{draft}/bevestiging         Bevestiging: the dossier number
    GET  /embed.js                                       the script that embeds a form

The draft id travels in the path, so the pages work in a third-party iframe without cookies
(`security` explains the CSRF design). Handlers only translate HTTP into calls of the render
core, the draft store and the filer, and back; `_flow` decides what a posted step leads to.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from litestar import Litestar, MediaType, Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import Redirect

from formkit.filing._filing import Filed, IdempotencyConflict
from formkit.filing.blobs import BlobStore
from formkit.filing.filer import Refused
from formkit.forms._dutch import moment_text
from formkit.forms._model import Form, Step
from formkit.forms._validate import validate
from formkit.render import (
    DECLARATION,
    PageContext,
    PreviewPanel,
    ResumeMailBox,
    first_step_with_problems,
    problems_for_step,
    tasks,
    with_prefill,
)
from formkit.store.drafts import DraftStore, Purged, StoredDraft
from formkit.web import _flow, _resume_mail_post, _signing_page
from formkit.web._draft_owner import starter
from formkit.web._flow import Place, in_thread
from formkit.web._posts import Post, PostError, read_post, step_places
from formkit.web._resume_mail_post import mail_box
from formkit.web._static import static_router
from formkit.web.problems import ProblemError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, posted_token, same_origin_posts
from formkit.web.services import Services, services

log = logging.getLogger("formkit")

BASE = _flow.BASE
STATIC = "/static"
EMBED_SCRIPT = "/embed.js"
TASKS = "onderdelen"  # a long form's task list, below the draft (`Place.tasks_url`)
COOKIE = "formkit-concept"  # the draft this browser works on, per form (its Path)
SWEEP_EVERY = timedelta(hours=1)
PREVIEW_HOOK = "preview"  # app state: `(request, place) -> PreviewPanel`, set by the preview


class PageError(Exception):
    """Refuse a page request with an error page in the site's style."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


_GENERIC_ERRORS = {
    400: (
        "Deze aanvraag kunnen we niet lezen",
        "Wat uw browser verstuurde, is onvolledig of beschadigd. Ga terug en probeer het opnieuw.",
    ),
    403: (
        "Dit formulier werd niet aanvaard",
        "Het formulier kon niet veilig verstuurd worden. "
        "Ga terug, laad de pagina opnieuw en probeer het nog eens.",
    ),
    404: (
        "Pagina niet gevonden",
        "Deze pagina bestaat niet. Controleer het adres, of kies hieronder een formulier.",
    ),
    405: ("Dat kan hier niet", "Deze pagina kan dat niet verwerken. Ga terug en probeer opnieuw."),
    413: ("Te groot", "Wat u verstuurde, is te groot. Kies kleinere bestanden en probeer opnieuw."),
    429: ("Te veel aanvragen", "U stuurde te veel aanvragen kort na elkaar. Wacht even."),
    500: (
        "Er ging iets mis",
        "Er ging iets mis bij ons. Uw antwoorden zijn bewaard. Probeer het later opnieuw.",
    ),
}


# The pages -------------------------------------------------------------------------------


@get(BASE, sync_to_thread=False)
def form_list(request: Request[Any, Any, Any]) -> Response[str]:
    found = services(request)
    ctx = PageContext(
        base_path=BASE,
        static_url=STATIC,
        embedded=_embedded(request),
        preview=_preview(request, None),
    )
    return _html(found.renderer.form_list(list(found.catalogue.values()), ctx))


@get(f"{BASE}/{{form_id:str}}")
async def start(request: Request[Any, Any, Any], form_id: FromPath[str]) -> Response[Any]:
    """The first step; a browser that began this form before goes back to its draft."""
    form = _form(request, form_id)
    remembered = request.cookies.get(COOKIE)
    if remembered:
        draft = await in_thread(services(request).drafts.load, remembered, _now(request))
        if draft is not None and draft.form_id == form.id and not draft.filed:
            return _redirect(Place(form, draft.id).draft_url)
    place = Place(form, None)
    prefill = (await starter(request, form)).prefill
    answers = with_prefill({}, prefill, form)
    return _step_page(request, place, form.steps[0], answers, (), status=200, prefill=prefill)


@post(f"{BASE}/{{form_id:str}}")
async def start_post(request: Request[Any, Any, Any], form_id: FromPath[str]) -> Response[Any]:
    form = _form(request, form_id)
    return await _post_step(request, Place(form, None), form.steps[0], None)


@get(f"{BASE}/{{form_id:str}}/hervatten/{{token:str}}")
async def resume(
    request: Request[Any, Any, Any], form_id: FromPath[str], token: FromPath[str]
) -> Response[Any]:
    form = _form(request, form_id)
    draft = await in_thread(services(request).drafts.resume, token, _now(request))
    if draft is None or draft.form_id != form.id:
        raise PageError(
            404,
            "Deze link werkt niet meer",
            "Deze link om verder te gaan is verlopen of vervangen door een nieuwere. "
            "Gebruik de laatste link die u kreeg, of begin opnieuw.",
        )
    place = Place(form, draft.id)
    saved_at = request.query_params.get("stap")
    known = saved_at is not None and any(s.id == saved_at for s in form.steps)
    # The step it was saved on; show_step sends a step not yet reached to the furthest one.
    response = _redirect(place.step_url(saved_at) if known and saved_at else place.draft_url)
    response.cookies.append(_remember(services(request), form, draft))
    return response


@get(f"{BASE}/{{form_id:str}}/{{draft_id:str}}")
async def continue_draft(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    form, draft = await _draft(request, form_id, draft_id)
    place = Place(form, draft.id)
    if draft.filed:
        return _redirect(place.confirmation_url)
    if form.annotations.task_list:
        return _redirect(place.tasks_url)  # a long form goes on from its list of parts
    return _redirect(place.step_url(_flow.furthest_step(form, draft).id))


@get(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/{TASKS}")
async def task_list(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    """A long form's parts and their states; a short form has none (404)."""
    form, draft = await _draft(request, form_id, draft_id)
    place = Place(form, draft.id)
    if draft.filed:
        return _redirect(place.confirmation_url)
    if not form.annotations.task_list:
        raise PageError(404, *_GENERIC_ERRORS[404])
    urls = {step.id: place.step_url(step.id) for step in form.steps}
    problems = validate(form, draft.answers, now=_now(request))
    unfinished = {s.id for s in form.steps if problems_for_step(form, s.id, problems)}
    listed = tasks(form, draft.reached, urls, unfinished)
    done = _flow.all_steps_reached(form, draft)
    ctx = _context(request, place, action="")
    html = services(request).renderer.task_list(
        form, listed, ctx, place.review_url if done else None
    )
    return _html(html)


@get(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/stap/{{step_id:str}}")
async def show_step(
    request: Request[Any, Any, Any],
    form_id: FromPath[str],
    draft_id: FromPath[str],
    step_id: FromPath[str],
) -> Response[Any]:
    form, draft = await _draft(request, form_id, draft_id)
    step = _step(form, step_id)
    place = Place(form, draft.id, from_review=_from_review(request))
    if draft.filed:
        return _redirect(place.confirmation_url)
    allowed = _flow.furthest_step(form, draft)
    if form.steps.index(step) > form.steps.index(allowed):
        return _redirect(place.step_url(allowed.id))
    return _step_page(request, place, step, draft.answers, (), status=200, prefill=draft.prefill)


@post(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/stap/{{step_id:str}}")
async def post_step(
    request: Request[Any, Any, Any],
    form_id: FromPath[str],
    draft_id: FromPath[str],
    step_id: FromPath[str],
) -> Response[Any]:
    form, draft = await _draft(request, form_id, draft_id)
    step = _step(form, step_id)
    place = Place(form, draft.id, from_review=_from_review(request))
    return await _post_step(request, place, step, draft)


@post(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/{_resume_mail_post.PATH}")
async def mail_resume_link(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    """E-mail the link of the "Bewaard" banner; the step and its banner again."""
    form, draft = await _draft(request, form_id, draft_id)
    place = Place(form, draft.id)
    if draft.filed:
        return _redirect(place.confirmation_url)
    mailed = await _resume_mail_post.mail_link(request, place, draft)
    return _step_page(
        request,
        place,
        mailed.step,
        draft.answers,
        (),
        mailed.status,
        mailed.resume,
        draft.prefill,
        mailed.box,
    )


@get(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/overzicht")
async def review(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    form, draft = await _draft(request, form_id, draft_id)
    place = Place(form, draft.id)
    if draft.filed:
        return _redirect(place.confirmation_url)
    if not _flow.all_steps_reached(form, draft):
        return _redirect(place.step_url(_flow.furthest_step(form, draft).id))
    return await _review_page(request, form, draft)


async def _review_page(
    request: Request[Any, Any, Any],
    form: Form,
    draft: StoredDraft,
    declaration_error: str | None = None,
    *,
    status: int = 200,
) -> Response[Any]:
    uploads = await in_thread(services(request).drafts.uploads, draft.id)
    sizes = {ref: upload.size for ref, upload in uploads.items()}
    place = Place(form, draft.id, from_review=True)
    ctx = _context(request, place, action=place.review_url)
    renderer = services(request).renderer
    html = renderer.review(
        form, draft.answers, ctx, sizes=sizes, declaration_error=declaration_error
    )
    return _html(html, status=status)


DECLARATION_MISSING = "Bevestig dat uw antwoorden volledig en naar waarheid zijn ingevuld."


@post(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/overzicht")
async def submit(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    """Indienen: file the draft, once however often this is posted."""
    form, draft = await _draft(request, form_id, draft_id)
    found = services(request)
    submitted = await _read(request, form, None)  # the review page takes no files
    _check_csrf(request, f"draft:{draft.id}", submitted.fields)
    place = Place(form, draft.id)
    if draft.filed:
        return _redirect(place.confirmation_url)
    if (DECLARATION, "ja") not in submitted.fields:
        return await _review_page(request, form, draft, DECLARATION_MISSING, status=422)
    # Kept with the draft: the signing page files only answers declared as they are now.
    await in_thread(found.drafts.declare, draft.id, _now(request))
    answers, blobs = await _flow.draft_filing(found, form, draft)
    if form.signature_required and not isinstance(
        found.filer.data_to_sign(form, answers, blobs), Refused
    ):
        return _redirect(place.sign_url)  # the signing page files it, once signed
    result = await found.filer.file(
        form, answers, blobs, channel="web", idempotency_key=f"draft:{draft.id}"
    )
    if isinstance(result, Refused):
        step = first_step_with_problems(form, result.problems) or form.steps[0]
        problems = problems_for_step(form, step.id, result.problems)
        at = Place(form, draft.id, from_review=True)
        return _step_page(request, at, step, answers, problems, 422, prefill=draft.prefill)
    assert isinstance(result, Filed | IdempotencyConflict)
    await in_thread(found.drafts.mark_filed, draft.id, result.number)
    return _redirect(place.confirmation_url, forget=form)


@get(f"{BASE}/{{form_id:str}}/{{draft_id:str}}/bevestiging")
async def confirmation(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> Response[Any]:
    form, draft = await _draft(request, form_id, draft_id)
    ctx = _context(request, Place(form, draft.id), action="")
    follow = _follow_url(request)
    found = services(request)
    number = draft.dossier_number
    dossier = None if number is None else await in_thread(found.dossiers.get, number)
    signed = dossier is not None and dossier.signer is not None
    html = found.renderer.confirmation(form, ctx, number, follow, signed=signed)
    return _html(html)


def _follow_url(request: Request[Any, Any, Any]) -> str | None:
    """Where the citizen follows the dossier: Mijn dossiers, when citizens can log in here."""
    access = services(request).citizens
    if access.relying_party is None and not access.development_login(request):
        return None
    return "/mijn-dossiers"


@get(EMBED_SCRIPT, sync_to_thread=True)
def embed_script(request: Request[Any, Any, Any]) -> Response[bytes]:
    path = services(request).settings.renderers_dir / "static" / "embed.js"
    return Response(
        path.read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )


def static_files(renderers_dir: Path) -> Router:
    """The CSS and script of the pages, from `renderers/static/` (`_static`: minified)."""
    return static_router(STATIC, renderers_dir / "static")


router = Router(
    path="/",
    route_handlers=[
        form_list,
        start,
        start_post,
        resume,
        continue_draft,
        task_list,
        show_step,
        post_step,
        mail_resume_link,
        review,
        submit,
        confirmation,
        embed_script,
        *_signing_page.ROUTES,
    ],
    guards=[same_origin_posts],
)


# Posting a step --------------------------------------------------------------------------


async def _post_step(
    request: Request[Any, Any, Any], place: Place, step: Step, draft: StoredDraft | None
) -> Response[Any]:
    found = services(request)
    form = place.form
    posted = await _read(request, form, step)
    subject = f"draft:{draft.id}" if draft is not None else f"new:{form.id}"
    if not csrf_valid(found.secret, subject, posted_token(request, posted.fields)):
        await posted.discard(found.blobs)
        _refuse_forgery()
    if draft is not None and draft.filed:
        await posted.discard(found.blobs)
        return _redirect(place.confirmation_url)
    await posted.keep(found.blobs)
    now = _now(request)
    created = draft is None
    if draft is None:
        by = await starter(request, form)
        create = functools.partial(found.drafts.create, owner=by.owner, prefill=by.prefill)
        draft = await in_thread(create, form.id, {}, 0, now)
        place = Place(form, draft.id)
    outcome = await _flow.apply(found, place, step, draft, posted, now)
    if outcome.page is not None:
        problems, resume_token = outcome.page
        public = found.settings.public_url or str(request.base_url)
        resume, box = None, None
        if resume_token is not None and outcome.kept_until is not None:
            resume = (place.resume_url(resume_token, public, step.id), outcome.kept_until)
            box = mail_box(place, resume_token, step)
        status = 422 if problems else 200
        response = _step_page(
            request, place, step, outcome.answers, problems, status, resume, draft.prefill, box
        )
    else:
        assert outcome.redirect is not None
        response = _redirect(outcome.redirect)
    if created:
        response.cookies.append(_remember(found, form, draft))
    return response


async def _read(request: Request[Any, Any, Any], form: Form, step: Step | None) -> Post:
    try:
        return await read_post(request, form, step_places(step), services(request).blobs)
    except PostError as error:
        raise generic_error(error.status) from None


def _check_csrf(request: Request[Any, Any, Any], subject: str, fields: Any) -> None:
    if not csrf_valid(services(request).secret, subject, posted_token(request, fields)):
        _refuse_forgery()


def _refuse_forgery() -> None:
    raise generic_error(403)


def generic_error(status: int) -> PageError:
    """The page for a post that cannot be read (400, 413) or was not sent by our page (403)."""
    title, detail = _GENERIC_ERRORS[status]
    return PageError(status, title, detail)


# Rendering -------------------------------------------------------------------------------


def _step_page(
    request: Request[Any, Any, Any],
    place: Place,
    step: Step,
    answers: Mapping[str, Any],
    problems: Any,
    status: int,
    resume: tuple[str, datetime] | None = None,
    prefill: Mapping[str, Any] | None = None,
    mail: ResumeMailBox | None = None,
) -> Response[str]:
    ctx = _context(request, place, action=place.step_url(step.id), resume=resume)
    if prefill or mail:
        ctx = replace(ctx, prefilled=prefill or {}, resume_mail=mail)
    html = services(request).renderer.step(place.form, step.id, answers, list(problems), ctx)
    return _html(html, status)


def _context(
    request: Request[Any, Any, Any],
    place: Place,
    *,
    action: str,
    resume: tuple[str, datetime] | None = None,
) -> PageContext:
    found = services(request)
    draft_id = place.draft_id
    subject = f"draft:{draft_id}" if draft_id is not None else f"new:{place.form.id}"
    steps = place.form.steps
    return PageContext(
        base_path=BASE,
        static_url=STATIC,
        action=action,
        csrf_field_name=CSRF_FIELD,
        csrf_token=csrf_token(found.secret, subject),
        step_urls={s.id: place.step_url(s.id) for s in steps} if draft_id else {},
        review_url=place.review_url if draft_id else None,
        resume_url=resume[0] if resume else None,
        resume_until=moment_text(resume[1]) if resume else "",
        can_save=True,
        embedded=_embedded(request),
        from_review=place.from_review and place.review_url is not None,
        preview=_preview(request, place),
        tasks_url=place.tasks_url if draft_id and place.form.annotations.task_list else None,
    )


def _preview(request: Request[Any, Any, Any], place: Place | None) -> PreviewPanel | None:
    """What `formkit preview` shows around the page (`web/preview.py` sets the hook)."""
    hook = request.app.state.get(PREVIEW_HOOK)
    return None if hook is None else hook(request, place)


def _html(html: str, status: int = 200) -> Response[str]:
    return Response(html, status_code=status, media_type=MediaType.HTML)


def _redirect(url: str, *, forget: Form | None = None) -> Response[Any]:
    response = Redirect(url, status_code=303)
    if forget is not None:
        response.cookies.append(
            Cookie(key=COOKIE, value="", max_age=0, path=Place(forget, None).start_url)
        )
    return response


def _remember(found: Services, form: Form, draft: StoredDraft) -> Cookie:
    """The draft of this form this browser works on: so coming back later continues it.

    A convenience only, for a visit at the top level: in a third-party iframe the browser
    drops it, and the pages work as well without it.
    """
    return Cookie(
        key=COOKIE,
        value=draft.id,
        max_age=int(found.settings.draft_ttl.total_seconds()),
        path=Place(form, None).start_url,
        httponly=True,
        secure=found.settings.secure_cookies,
        samesite="lax",
    )


def error_response(request: Request[Any, Any, Any], error: Exception) -> Response[str]:
    """An error page in the site's style: for whatever goes wrong outside the API."""
    status, title, detail = _describe(error)
    if status >= 500:
        log.exception("page failed: %s %s", request.method, request.url.path, exc_info=error)
    ctx = PageContext(base_path=BASE, static_url=STATIC, embedded=_embedded(request))
    try:
        html = services(request).renderer.error_page(status, title, detail, ctx)
    except Exception:  # a broken template must not hide the error it was to show
        log.exception("error page failed to render")
        html = f"<!DOCTYPE html><html lang=nl><title>{title}</title><h1>{title}</h1><p>{detail}"
    headers = dict(error.headers or {}) if isinstance(error, HTTPException | ProblemError) else {}
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=headers)


def _describe(error: Exception) -> tuple[int, str, str]:
    if isinstance(error, PageError):
        return error.status, error.title, error.detail
    if isinstance(error, ProblemError):
        title = _GENERIC_ERRORS.get(error.status, _GENERIC_ERRORS[400])[0]
        return error.status, title, error.detail
    status = error.status_code if isinstance(error, HTTPException) else 500
    title, detail = _GENERIC_ERRORS.get(status, _GENERIC_ERRORS[400 if status < 500 else 500])
    return status, title, detail


# Looking things up -----------------------------------------------------------------------


def _form(request: Request[Any, Any, Any], form_id: str) -> Form:
    form = services(request).catalogue.get(form_id)
    if form is None:
        raise PageError(
            404,
            "Formulier niet gevonden",
            f"Er bestaat geen formulier '{form_id}'. Kies hieronder een formulier.",
        )
    return form


def _step(form: Form, step_id: FromPath[str]) -> Step:
    for step in form.steps:
        if step.id == step_id:
            return step
    raise PageError(
        404, "Pagina niet gevonden", f"Het formulier '{form.title}' heeft deze stap niet."
    )


async def _draft(
    request: Request[Any, Any, Any], form_id: FromPath[str], draft_id: FromPath[str]
) -> tuple[Form, StoredDraft]:
    form = _form(request, form_id)
    draft = await in_thread(services(request).drafts.load, draft_id, _now(request))
    if draft is None or draft.form_id != form.id:
        days = services(request).settings.draft_ttl.days
        raise PageError(
            404,
            "Deze aanvraag bestaat niet (meer)",
            f"Een aanvraag die niet ingediend wordt, bewaren we {days} dagen na de laatste "
            "wijziging. Controleer de link, of begin opnieuw.",
        )
    return form, draft


def _now(request: Request[Any, Any, Any]) -> Any:
    return services(request).filer.clock()


def _embedded(request: Request[Any, Any, Any]) -> bool:
    """Shown in an iframe (Fetch Metadata): the page leaves out the site's header and footer."""
    return request.headers.get("sec-fetch-dest") == "iframe"


def _from_review(request: Request[Any, Any, Any]) -> bool:
    return request.query_params.get("van") == "overzicht"


# What the preview (`web/preview.py`) builds its own last step and example from ---------

form_of = _form
draft_of = _draft
read_page_post = _read
check_csrf = _check_csrf
step_page = _step_page
page_context = _context
html_response = _html


# Purging ---------------------------------------------------------------------------------


async def purge(found: Services) -> Purged:
    """Remove expired drafts, orphaned uploads and the blobs nothing references any more."""
    return await purge_stores(found.drafts, found.blobs, found.filer.clock())


async def purge_stores(drafts: DraftStore, blobs: BlobStore, now: datetime) -> Purged:
    """The sweeper's purge on the stores themselves: `formkit purge` runs it without a server."""
    purged = await in_thread(drafts.purge, now)
    for sha256 in purged.blobs:
        await blobs.delete(sha256)
    return purged


@asynccontextmanager
async def draft_sweeper(app: Litestar) -> AsyncIterator[None]:
    """A lifespan: at start and then every `SWEEP_EVERY` while the app runs, purge drafts and
    the staff's and citizens' sessions past their limits that nobody came back to, and record
    what passed deadlines did to dossiers (late advice, admissibility by silence: days, so
    hourly is soon enough; several processes doing it at once record each once).

    Stopping waits for a purge under way rather than cancelling it: its database call runs in
    a worker thread that a cancellation would leave behind with a connection of a closed pool.
    """
    stop = asyncio.Event()
    task = asyncio.create_task(_sweep(app.state.services, stop), name="formkit-draft-sweeper")
    try:
        yield
    finally:
        stop.set()
        await task


async def _sweep(found: Services, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            purged = await purge(found)
        except Exception:
            log.exception("purging drafts failed; trying again later")
        else:
            if purged.drafts or purged.uploads:
                counts = (purged.drafts, purged.uploads, len(purged.blobs))
                log.info("purged %d drafts, %d uploads, %d blobs", *counts)
        for access in (found.staff, found.citizens):
            try:
                await in_thread(access.sessions.store.purge, found.filer.clock())
            except Exception:
                log.exception("purging %s sessions failed; trying again later", access.kind)
        try:
            recorded = await in_thread(found.handling.tick, found.clock())
        except Exception:
            log.exception("recording passed deadlines failed; trying again later")
        else:
            if recorded:
                log.info(
                    "recorded %d passed deadlines (late advice, admissible by silence)", recorded
                )
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SWEEP_EVERY.total_seconds())
