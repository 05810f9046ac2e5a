"""The citizen completes a dossier the city found incomplete, through the link in its mail.

    GET  /aanvullen/{number}/{token}            the city's message and the answers it asked for,
                                                filled in with the dossier's current answers
    POST /aanvullen/{number}/{token}            the completion: a new version of the answers
    GET  /aanvullen/{number}/{token}/ontvangen  Bedankt: the completion was received

The token is the capability (`formkit.handling.completion`): it opens only the completion the
city asked for, while that is open. Any other link (a wrong token, another dossier, a dossier
without a procedure) gets one and the same page, which says nothing about the dossier; a link
whose completion was received says so (410), and a second post records nothing.

A post is read as a step's post is (`_posts`: files streamed into the blob store within their
slot's limits). The posted answers replace those at the asked places in a copy of the current
answers, and the whole new version is validated against the form, its files bound as a
filing's are (`sha256:<hex>`). With problems the page comes back with an error summary and
everything typed kept (files uploaded so far are kept as upload rows of the dossier:
`store.completion_uploads`); without, `Complete` records the new version in one transaction
with its new files as attachments of the dossier, and the phase goes back to `ingediend`.

The national register number is never in these addresses; the pages are never cached and
send no Referer (`security`), and each client's requests are counted (`ratelimit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import MediaType, Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from formkit.filing._filing import CONTENT_PREFIX, Blob, attachment_refs, bind_attachments
from formkit.forms._alternatives import strip_choices
from formkit.forms._dutch import moment_text
from formkit.forms._model import Form
from formkit.forms._problems import Problem
from formkit.forms._validate import in_reading_order, validate
from formkit.handling.actions import Complete, RefusedError
from formkit.handling.completion import PATH, Completed, link_status
from formkit.handling.events import Actor, ActorKind
from formkit.handling.state import CompletionRequest, State
from formkit.render import PageContext, asked_places, decode_fields
from formkit.store.completion_uploads import CompletionUploads
from formkit.store.dossiers import StoredDossier
from formkit.store.handling import ConflictError, Handled, NoProcedureError
from formkit.web._flow import BASE, in_thread
from formkit.web._posts import Post, PostError, read_post
from formkit.web.pages import STATIC, PageError, generic_error
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, posted_token, same_origin_posts
from formkit.web.services import Services, services

PAGE = f"{PATH}/{{number:str}}/{{token:str}}"
RECEIVED = "ontvangen"
CITIZEN = Actor(ActorKind.CITIZEN, "aanvulling", "Aanvrager (aanvulling via de link)")
_ATTEMPTS = 3  # an official acting on the dossier at the same moment: try again with theirs


def _unknown() -> PageError:
    """Any link the city did not make, or no longer honours: one page, nothing of the dossier."""
    return PageError(
        404,
        "Deze link werkt niet",
        "Met deze link kunt u niets aanvullen. Controleer of u de volledige link uit de e-mail "
        "van de stad gebruikt. Kreeg u later een nieuwe e-mail om aan te vullen, gebruik dan de "
        "link uit die laatste e-mail. Lukt het niet, neem dan contact op met de stad.",
    )


@dataclass(frozen=True, slots=True)
class Opened:
    """A dossier whose open completion request the token opens."""

    token: str
    form: Form
    dossier: StoredDossier  # as filed: its first answers and every attachment
    handled: Handled
    request: CompletionRequest
    places: tuple[str, ...]  # the answers the page asks for

    @property
    def number(self) -> str:
        return self.dossier.number

    @property
    def state(self) -> State:
        return self.handled.state

    @property
    def url(self) -> str:
        return f"{PATH}/{self.number}/{self.token}"


@get(PAGE)
async def completion_page(
    request: Request[Any, Any, Any], number: FromPath[str], token: FromPath[str]
) -> Response[str]:
    opened = await _open(request, number, token)
    return _page(request, opened, opened.state.answers, (), 200)


@post(PAGE)
async def complete(
    request: Request[Any, Any, Any], number: FromPath[str], token: FromPath[str]
) -> Response[Any]:
    found = services(request)
    opened = await _open(request, number, token)
    posted = await _read(request, opened)
    if not csrf_valid(found.secret, _subject(opened), posted_token(request, posted.fields)):
        await posted.discard(found.blobs)
        raise generic_error(403)
    await posted.keep(found.blobs)
    now = found.clock()
    files = await _record_files(found, opened, posted, now)
    current = opened.state.answers
    decoded = decode_fields(opened.form, opened.places, posted.fields, current, files)
    refused = [*posted.refusals, *decoded.notes]
    if decoded.action.stays:  # a row or a file added or removed: the page again, no messages
        return _page(request, opened, decoded.answers, refused, 200)
    problems, completion = await _checked(found, opened, decoded.answers, now)
    problems = [*refused, *problems]
    if problems or completion is None:
        return _page(request, opened, decoded.answers, problems, 422)
    await _record(request, opened, completion)
    return Redirect(f"{opened.url}/{RECEIVED}", status_code=303)


@get(f"{PAGE}/{RECEIVED}")
async def received(
    request: Request[Any, Any, Any], number: FromPath[str], token: FromPath[str]
) -> Response[Any]:
    """Bedankt: for a link whose completion was recorded; any other link as on the page."""
    found = services(request)
    loaded = await _load(found, number)
    status = None if loaded is None else _status(found, loaded[1], token)
    if isinstance(status, CompletionRequest):
        return Redirect(f"{PATH}/{number}/{token}", status_code=303)
    if not isinstance(status, Completed) or loaded is None:
        raise _unknown()
    dossier, handled = loaded
    filed = handled.state.procedure.phase("ingediend")
    html = found.renderer.completion_page(
        "received.html",
        _context(found, action=""),
        form=found.catalogue.get(dossier.form_id),
        number=number,
        received=moment_text(status.at),
        next=filed.description if filed is not None else None,
    )
    return _html(html, 200)


router = Router(
    path="/", route_handlers=[completion_page, complete, received], guards=[same_origin_posts]
)


# Opening the link ------------------------------------------------------------------------


async def _open(request: Request[Any, Any, Any], number: str, token: str) -> Opened:
    """The dossier the token opens, or the page that says the link does not (any more)."""
    found = services(request)
    loaded = await _load(found, number)
    status = None if loaded is None else _status(found, loaded[1], token)
    if isinstance(status, Completed):
        raise PageError(
            410,
            "Uw aanvulling is al ontvangen",
            f"U vulde dit dossier aan op {moment_text(status.at)}; de stad heeft uw aanvulling "
            "ontvangen. Met deze link kunt u niets meer aanvullen. Vraagt de stad nog iets, dan "
            "krijgt u een nieuwe e-mail met een nieuwe link.",
        )
    if not isinstance(status, CompletionRequest) or loaded is None:
        raise _unknown()
    dossier, handled = loaded
    form = found.catalogue.get(dossier.form_id)
    if form is None:  # a form taken out of service: nothing to fill in
        raise _unknown()
    places = asked_places(form, status.pointers, handled.state.answers)
    return Opened(token, form, dossier, handled, status, places)


async def _load(found: Services, number: str) -> tuple[StoredDossier, Handled] | None:
    """The dossier and its handling; None without either (a form without a procedure)."""
    dossier = await in_thread(found.dossiers.get, number)
    if dossier is None:
        return None
    try:
        handled = await in_thread(found.handling.get, number)
    except NoProcedureError:
        return None
    return None if handled is None else (dossier, handled)


def _status(found: Services, handled: Handled, token: str) -> CompletionRequest | Completed | None:
    state = handled.state
    return link_status(found.secret, handled.number, state.completion, handled.events, token)


# Posting ---------------------------------------------------------------------------------


async def _read(request: Request[Any, Any, Any], opened: Opened) -> Post:
    try:
        return await read_post(request, opened.form, opened.places, services(request).blobs)
    except PostError as error:
        raise generic_error(error.status) from None


async def _record_files(
    found: Services, opened: Opened, posted: Post, now: datetime
) -> dict[str, list[dict[str, str]]]:
    """The post's files as upload rows of this dossier's completion, by their file input."""
    uploads = CompletionUploads(found.engine)
    files: dict[str, list[dict[str, str]]] = {}
    for uploaded in posted.files:
        info = uploaded.info
        record = await in_thread(
            uploads.record,
            opened.number,
            info.sha256,
            info.size,
            info.media_type,
            uploaded.label,
            now,
        )
        files.setdefault(uploaded.name, []).append({"bestand": record.ref, "naam": record.label})
    return files


async def _checked(
    found: Services, opened: Opened, answers: Mapping[str, Any], now: datetime
) -> tuple[list[Problem], Complete | None]:
    """The problems of the new version, or (none) the completion that records it.

    Its files may be the dossier's own (`sha256:<hex>`, as its attachments list them) or
    those uploaded on this page (`upload-<hex>`): no other bytes.
    """
    form = opened.form
    answers = strip_choices(answers)  # the page's choices between alternatives: no answers
    problems = validate(form, answers, now=now)
    refs = {ref for _, _, ref, _ in attachment_refs(form, answers)}
    uploaded = await in_thread(CompletionUploads(found.engine).find, opened.number, refs)
    blobs: dict[str, Blob] = {ref: upload.blob for ref, upload in uploaded.items()}
    for kept in opened.dossier.attachments:
        blobs[CONTENT_PREFIX + kept.sha256] = Blob(
            kept.sha256, kept.size, kept.media_type, kept.label
        )
    bound, attachments, file_problems = bind_attachments(form, answers, blobs)
    problems = in_reading_order(form, [*problems, *file_problems])
    if problems:
        return problems, None
    return [], Complete(bound, attachments)


async def _record(request: Request[Any, Any, Any], opened: Opened, completion: Complete) -> None:
    """Record the completion on the version the page was opened on; when an official acted
    on the dossier meanwhile, on theirs, as long as the same request is still open."""
    found = services(request)
    handled = opened.handled
    for _ in range(_ATTEMPTS):
        try:
            await in_thread(
                found.handling.act,
                opened.number,
                completion,
                CITIZEN,
                found.clock(),
                handled.state.version,
            )
            return
        except ConflictError:
            reopened = await _open(request, opened.number, opened.token)  # or the 410 page
            handled = reopened.handled
        except RefusedError:
            break
    await _open(request, opened.number, opened.token)  # says why, when it can
    raise _unknown()


# Rendering -------------------------------------------------------------------------------


def _page(
    request: Request[Any, Any, Any],
    opened: Opened,
    answers: Mapping[str, Any],
    problems: Sequence[Problem],
    status: int,
) -> Response[str]:
    found = services(request)
    ctx = _context(found, action=opened.url, csrf=_subject(opened))
    html = found.renderer.completion(
        opened.form,
        opened.places,
        answers,
        list(problems),
        ctx,
        number=opened.number,
        message=opened.request.message.splitlines(),
        asked=moment_text(opened.request.asked),
    )
    return _html(html, status)


def _context(found: Services, *, action: str, csrf: str | None = None) -> PageContext:
    return PageContext(
        base_path=BASE,
        static_url=STATIC,
        action=action,
        csrf_field_name=CSRF_FIELD if csrf else None,
        csrf_token=csrf_token(found.secret, csrf) if csrf else None,
    )


def _subject(opened: Opened) -> str:
    """What a post's CSRF token is bound to: this completion link, no other."""
    return f"aanvulling:{opened.number}:{opened.token}"


def _html(html: str, status: int) -> Response[str]:
    return Response(html, status_code=status, media_type=MediaType.HTML)
