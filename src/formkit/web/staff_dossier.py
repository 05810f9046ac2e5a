"""A dossier for staff: its answers, files, history and deadlines, and what they may do to it.

    GET  /behandeling/dossiers/{number}                   the page (`?versie=1`: an earlier
                                                          version of the answers)
    GET  /behandeling/dossiers/{number}/bijlagen/{index}  an attachment (a PDF inline)
    GET  /behandeling/dossiers/{number}/beslissingsbrief  the sealed decision letter, once the
                                                          outbox made it
    GET  /behandeling/dossiers/{number}/adviezen/{event}/{index}
                                                          a file of the advice recorded as the
                                                          dossier's event number `event`
    POST /behandeling/dossiers/{number}/acties/{action}   an action: first its confirmation
                                                          page, then (`stap=bevestigd`) done
    GET  /behandeling/inzage?dossier={number}             the beheerder's read audit

Who sees a dossier and who may try an action is `formkit.handling.permissions`' call; a dossier
someone may not see answers 404, as one that does not exist. Every form carries the version of
the dossier its author saw: behind it, the action waits on a page that shows what changed and
keeps what was typed (unless all that changed is other departments' advice, and the action is
advice: each department advises on its own, at the same time). Every look at a page, a file
or the decision letter is recorded before it is shown (`store.staff_reads`).

The advice form also takes files (`_advice_post`): stored as uploads of the adviser's session
on this dossier as soon as they are posted, then carried by id through the confirmation and
the conflict page, and claimed by the advice in its own transaction. Advice files are shown to
whoever may see the dossier, as its attachments are, and their reads are recorded as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Stream

from formkit.accounts import Staff
from formkit.forms._dutch import moment_text, size_text
from formkit.forms._model import Form
from formkit.handling import actions, advice_files
from formkit.handling.actions import Command, RefusedError
from formkit.handling.events import Kind
from formkit.handling.organisation import Organisation, load_organisation, organisation_file
from formkit.handling.permissions import DossierFacts, advising_departments, may, may_see
from formkit.handling.procedures import default_advisers
from formkit.handling.state import OPINIONS
from formkit.render import PageContext, prune, summarise
from formkit.store.advice_uploads import Claim, UploadsGoneError, owner
from formkit.store.dossiers import StoredDossier
from formkit.store.handling import (
    AnswersVersion,
    ConflictError,
    Handled,
    NoProcedureError,
    answers_versions,
)
from formkit.store.staff_reads import Read, StaffReads, UnknownDossierError
from formkit.web import _dossier_view as view
from formkit.web._advice_post import (
    ADVICE,
    FILE_INPUT,
    FILE_REF,
    ActionPost,
    Pending,
    listed,
    pending,
    read_action_post,
)
from formkit.web._disposition import content_disposition
from formkit.web._dossier_actions import (
    ACTIONS,
    Action,
    InvalidError,
    Typed,
    actor,
    command,
    confirmation_rows,
    typed,
)
from formkit.web._flow import in_thread
from formkit.web._posts import PostError
from formkit.web._staff_auth import BASE, current_session, require_role
from formkit.web.pages import STATIC, PageError
from formkit.web.security import CSRF_FIELD, csrf_token, csrf_valid, same_origin_posts
from formkit.web.services import Services, services

DOSSIERS = f"{BASE}/dossiers"  # the worklist (`web/staff_worklist.py`); a dossier below it
AUDIT = f"{BASE}/inzage"
LETTER = "beslissingsbrief"  # below a dossier's page: its decision letter
ADVICE_FILES = "adviezen"  # below a dossier's page: `adviezen/<event>/<index>`, an advice's file
SEEN_FIELD = "dossierversie"  # the version of the dossier the form's author saw
STEP_FIELD = "stap"
CONFIRMED = "bevestigd"
MAX_NUMBER = 40  # characters of a dossier number


@dataclass(frozen=True, slots=True)
class Seen:
    """A dossier a member of staff may see, as it is now."""

    staff: Staff
    session: str  # the session id's hash: the CSRF tokens are bound to it
    dossier: StoredDossier
    handled: Handled
    form: Form
    names: view.Names

    @property
    def number(self) -> str:
        return self.dossier.number

    @property
    def uploads_owner(self) -> str:
        """Whose uploads this official's advice files on this dossier are."""
        return owner(self.session, self.number)

    @property
    def facts(self) -> DossierFacts:
        state = self.handled.state
        return DossierFacts(self.dossier.form_id, state.phase, frozenset(state.advice))


# The pages ---------------------------------------------------------------------------------


@get(f"{DOSSIERS}/{{number:str}}")
async def dossier_page(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    seen = await _seen(request, number)
    done = ACTIONS.get(request.query_params.get("gedaan", ""))
    return await _dossier(request, seen, notice=done.done if done else None)


@get(f"{DOSSIERS}/{{number:str}}/bijlagen/{{index:int}}")
async def attachment(
    request: Request[Any, Any, Any], number: FromPath[str], index: FromPath[int]
) -> Stream:
    seen = await _seen(request, number)
    files = seen.dossier.attachments
    if not 0 <= index < len(files):
        raise PageError(404, "Bijlage niet gevonden", "Dit dossier heeft deze bijlage niet.")
    file = files[index]
    found = services(request)
    await _record(found, seen, Read.ATTACHMENT, file.pointer)
    return Stream(
        found.blobs.open(file.sha256),
        media_type=file.media_type,
        headers={
            "Content-Length": str(file.size),
            "Content-Disposition": content_disposition(
                file.label, inline=file.media_type in view.INLINE
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


@get(f"{DOSSIERS}/{{number:str}}/{ADVICE_FILES}/{{event:int}}/{{index:int}}")
async def advice_file(
    request: Request[Any, Any, Any],
    number: FromPath[str],
    event: FromPath[int],
    index: FromPath[int],
) -> Stream:
    """A file of an advice: for whoever may see the dossier, recorded as an attachment's read."""
    seen = await _seen(request, number)
    events = seen.handled.events
    given = events[event - 1] if 1 <= event <= len(events) else None
    files = advice_files.files_of(given.data) if given and given.kind is Kind.ADVICE_GIVEN else ()
    if not 0 <= index < len(files):
        raise PageError(404, "Bijlage niet gevonden", "Dit advies heeft deze bijlage niet.")
    file = files[index]
    found = services(request)
    await _record(found, seen, Read.ADVICE_FILE, f"{ADVICE_FILES}/{event}/{index}")
    return Stream(
        found.blobs.open(file.sha256),
        media_type=file.media_type,
        headers={
            "Content-Length": str(file.size),
            "Content-Disposition": content_disposition(
                file.label, inline=file.media_type in view.INLINE
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


@get(f"{DOSSIERS}/{{number:str}}/{LETTER}")
async def letter(request: Request[Any, Any, Any], number: FromPath[str]) -> Stream:
    """The sealed decision letter, seen and recorded as an attachment is; 404 until the dossier
    is decided and the outbox made its letter."""
    seen = await _seen(request, number)
    found = services(request)
    sha256 = await _letter_pdf(found, seen)
    if sha256 is None:
        raise PageError(
            404,
            "Beslissingsbrief niet gevonden",
            "Dit dossier heeft (nog) geen beslissingsbrief: ze wordt gemaakt zodra er beslist is.",
        )
    await _record(found, seen, Read.LETTER)
    return Stream(
        found.blobs.open(sha256),
        media_type="application/pdf",
        headers={
            "Content-Length": str(await found.blobs.size(sha256)),
            "Content-Disposition": content_disposition(f"beslissing-{seen.number}.pdf"),
            "X-Content-Type-Options": "nosniff",
        },
    )


@post(f"{DOSSIERS}/{{number:str}}/acties/{{slug:str}}")
async def act(
    request: Request[Any, Any, Any], number: FromPath[str], slug: FromPath[str]
) -> Response[Any]:
    """Confirm, then do: nothing changes before the official saw what will be recorded."""
    action = ACTIONS.get(slug)
    if action is None:
        raise PageError(404, "Pagina niet gevonden", "Deze actie bestaat niet.")
    seen = await _seen(request, number)
    found = services(request)
    received = await _read(request, action, found)
    if not csrf_valid(found.secret, _csrf_subject(seen), _field(received.fields, CSRF_FIELD)):
        await received.discard(found.blobs)
        raise PageError(403, "Dit formulier werd niet aanvaard", "Laad de pagina opnieuw.")
    posted = await received.keep(found, seen.uploads_owner, found.blobs)
    values = typed(action, posted)
    expected = _expected(posted)
    files = await pending(found, seen.uploads_owner, values.get(FILE_REF, ()))
    try:
        wanted = command(action, values, seen.staff, _askable(seen.form), files)
    except InvalidError as problem:
        errors = (*received.refusals, str(problem))
        return await _dossier(request, seen, 422, errors=errors, typed=(action, values))
    if received.refusals:  # a file over the limits: nothing happens, the rest is kept
        return await _dossier(
            request, seen, 422, file_errors=received.refusals, typed=(action, values)
        )
    if not may(seen.staff, wanted, seen.facts):
        raise PageError(403, "Geen toegang", "U mag dit niet doen met dit dossier.")
    if _stale(seen, wanted, expected):
        return await _conflict(request, seen, action, values, expected)
    if _field(posted, STEP_FIELD) != CONFIRMED:
        return await _confirm(request, seen, action, values, wanted)
    return await _do(request, seen, action, values, wanted)


async def _read(request: Request[Any, Any, Any], action: Action, found: Services) -> ActionPost:
    try:
        return await read_action_post(request, action.slug, found.blobs)
    except PostError as error:
        raise PageError(
            error.status, "Dit formulier kon niet gelezen worden", "Laad de pagina opnieuw."
        ) from None


def _stale(seen: Seen, wanted: Command, expected: int) -> bool:
    """Whether the dossier changed since the version its author saw in a way that bears on
    their action: advisers of several departments confirm at the same time, each on its own."""
    if expected > seen.handled.state.version:
        return True
    return any(actions.bears_on(event, wanted) for event in seen.handled.events[expected:])


async def _confirm(
    request: Request[Any, Any, Any], seen: Seen, action: Action, values: Typed, wanted: Command
) -> Response[Any]:
    """The confirmation page; a refusal the procedure would give now is said before it."""
    found = services(request)
    doing = actor(seen.staff, wanted)
    try:
        actions.act(seen.handled.state, wanted, doing, found.clock(), found.handling.departments)
    except RefusedError as refusal:
        return await _dossier(request, seen, 409, errors=(str(refusal),), typed=(action, values))
    return await _confirmation(request, seen, action, values, wanted)


async def _do(
    request: Request[Any, Any, Any], seen: Seen, action: Action, values: Typed, wanted: Command
) -> Response[Any]:
    """Record the action on the version seen, then back to the dossier (post-redirect-get)."""
    found = services(request)
    doing, expected = actor(seen.staff, wanted), seen.handled.state.version
    claim = Claim(seen.uploads_owner, tuple(dict.fromkeys(values.get(FILE_REF, ()))))
    try:
        await in_thread(
            partial(found.handling.act, uploads=claim),
            seen.number,
            wanted,
            doing,
            found.clock(),
            expected,
        )
    except RefusedError as refusal:
        fresh = await _seen(request, seen.number)
        return await _dossier(request, fresh, 409, errors=(str(refusal),), typed=(action, values))
    except UploadsGoneError:
        fresh = await _seen(request, seen.number)
        gone = "Een bestand bij dit advies werd intussen al gebruikt of is verlopen."
        return await _dossier(request, fresh, 409, errors=(gone,), typed=(action, values))
    except ConflictError:
        fresh = await _seen(request, seen.number)
        return await _conflict(request, fresh, action, values, expected)
    return Redirect(f"{_url(seen.number)}?gedaan={action.slug}", status_code=303)


@get(AUDIT)
async def audit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Who read a dossier: for the beheerder, who reads no answers."""
    await require_role(request, "beheerder")
    number = request.query_params.get("dossier", "").strip()[:MAX_NUMBER]
    reads, unknown = None, False
    if number:
        try:
            reads = await in_thread(StaffReads(services(request).engine).of, number)
        except UnknownDossierError:
            unknown = True
    return _page(
        request,
        "reads.html",
        404 if unknown else 200,
        number=number,
        reads=reads,
        unknown=unknown,
        moment=moment_text,
        worklist=DOSSIERS,
    )


router = Router(
    path="/",
    route_handlers=[dossier_page, attachment, advice_file, letter, act, audit],
    guards=[same_origin_posts],
)


# Looking the dossier up ------------------------------------------------------------------


async def _seen(request: Request[Any, Any, Any], number: str) -> Seen:
    staff = await require_role(request)
    session = await current_session(request)
    assert session is not None  # require_role found it
    found = services(request)
    loaded = await in_thread(_load, found, number)
    if loaded is not None:
        dossier, handled, form = loaded
        names = view.Names(form, handled.state, _organisation(found.settings.schemas_dir))
        seen = Seen(staff, session.id_hash, dossier, handled, form, names)
        if may_see(staff, seen.facts):
            return seen
    raise PageError(
        404, "Dossier niet gevonden", "Er is geen dossier met dit nummer dat u mag inzien."
    )


def _load(found: Services, number: str) -> tuple[StoredDossier, Handled, Form] | None:
    if len(number) > MAX_NUMBER:
        return None
    dossier = found.dossiers.get(number)
    form = None if dossier is None else found.catalogue.get(dossier.form_id)
    if dossier is None or form is None:
        return None
    try:
        handled = found.handling.get(number)
    except NoProcedureError:  # nobody handles it in formkit
        return None
    return None if handled is None else (dossier, handled, form)


def _organisation(schemas: Path) -> Organisation | None:
    path = organisation_file(schemas)
    return load_organisation(path) if path.exists() else None


async def _letter_pdf(found: Services, seen: Seen) -> str | None:
    """The blob of the dossier's sealed decision letter; None until it is decided and the
    outbox made the letter (`formkit.work.DecisionLetterPdf`)."""
    if seen.handled.state.outcome is None:  # not decided: no letter to look for
        return None
    stored = await in_thread(found.letters.get, seen.number)
    return None if stored is None else stored.pdf_sha256


async def _letter_size(found: Services, seen: Seen) -> str | None:
    """The decision letter's size as the page offers it; None while there is none."""
    sha256 = await _letter_pdf(found, seen)
    return None if sha256 is None else size_text(await found.blobs.size(sha256))


async def _record(found: Services, seen: Seen, what: Read, pointer: str | None = None) -> None:
    """Before anything is shown: a read that could not be recorded fails the request."""
    reads = StaffReads(found.engine)
    await in_thread(reads.record, seen.number, seen.staff, what, found.clock(), pointer)


# Rendering -------------------------------------------------------------------------------


async def _dossier(
    request: Request[Any, Any, Any],
    seen: Seen,
    status: int = 200,
    *,
    notice: str | None = None,
    errors: Sequence[str] = (),
    file_errors: Sequence[str] = (),
    typed: tuple[Action, Typed] | None = None,
) -> Response[Any]:
    """The dossier's page; `typed`: the action to show open, as typed; `file_errors`: its
    files that were refused."""
    found = services(request)
    shown = _version_shown(request, seen)
    await _record(found, seen, Read.DOSSIER)
    state, now = seen.handled.state, found.clock()
    sizes = {f"sha256:{a.sha256}": a.size for a in seen.dossier.attachments}
    steps = summarise(seen.form, prune(seen.form, shown.answers), lambda _: "", sizes)
    dues = (
        view.due("Volledigheid", state.completeness_due, now),
        view.due("Beslissing", state.decision_due, now),
    )
    return _page(
        request,
        "dossier.html",
        status,
        **_common(seen, services(request).secret),
        phase=seen.names.phase(state.phase),
        state=state,
        dues=[d for d in dues if d is not None],
        advice=view.advice_rows(state, seen.names, now),
        timeline=view.timeline(seen.handled.events, seen.names),
        advice_files=ADVICE_FILES,
        files=view.files(seen.dossier.attachments, seen.names),
        letter=LETTER,
        letter_size=await _letter_size(found, seen),
        versions=_versions(seen),
        shown=shown,
        moment=moment_text,
        steps=steps,
        notice=notice,
        errors=errors,
        file_errors=file_errors,
        file_input=f"actie-{ADVICE}-{FILE_INPUT}",
        available=_available(seen),
        open_action=typed[0].slug if typed else None,
        typed=typed[1] if typed else {},
        pending=await _pending(found, seen, typed[1] if typed else {}),
    )


async def _confirmation(
    request: Request[Any, Any, Any], seen: Seen, action: Action, values: Typed, wanted: Command
) -> Response[Any]:
    return _page(
        request,
        "confirm.html",
        **_common(seen, services(request).secret),
        action=action,
        rows=confirmation_rows(wanted, seen.names),
        hidden=[(name, value) for name, values_ in values.items() for value in values_],
    )


async def _conflict(
    request: Request[Any, Any, Any], seen: Seen, action: Action, values: Typed, expected: int
) -> Response[Any]:
    """What changed since the official looked, and their action as they typed it, to send
    again (through its confirmation) if it still makes sense."""
    found = services(request)
    await _record(found, seen, Read.DOSSIER)
    since = seen.handled.events[max(expected, 0) :]
    return _page(
        request,
        "conflict.html",
        409,
        **_common(seen, found.secret),
        action=action,
        since=view.timeline(since, seen.names, first=max(expected, 0) + 1),
        advice_files=ADVICE_FILES,
        available=_available(seen),
        typed=values,
        pending=await _pending(found, seen, values),
        file_errors=(),
        file_input=f"actie-{ADVICE}-{FILE_INPUT}",
    )


async def _pending(found: Services, seen: Seen, values: Typed) -> tuple[Pending, ...]:
    """The files the official handed in for the action being typed, as its form lists them."""
    refs = values.get(FILE_REF, ())
    return listed(await pending(found, seen.uploads_owner, refs), refs)


def _common(seen: Seen, secret: bytes) -> dict[str, Any]:
    """What every page of the dossier and its action forms need."""
    found_tracks = seen.handled.state.procedure.tracks
    return {
        "number": seen.number,
        "url": _url(seen.number),
        "form": seen.form,
        "official": seen.handled.state.official,
        "worklist": DOSSIERS,
        "csrf": csrf_token(secret, _csrf_subject(seen)),
        "version": seen.handled.state.version,
        "seen_field": SEEN_FIELD,
        "step_field": STEP_FIELD,
        "confirmed": CONFIRMED,
        "options": _Options(
            tracks=tuple((t.id, t.title) for t in found_tracks),
            outcomes=tuple((o.id, o.title) for o in seen.handled.state.procedure.outcomes),
            departments=_departments(seen),
            advising=tuple(
                (d, seen.names.department(d)) for d in advising_departments(seen.staff, seen.facts)
            ),
            opinions=tuple((o, view.OPINION_TITLES[o]) for o in OPINIONS),
            askable=view.askable(seen.form),
        ),
    }


@dataclass(frozen=True, slots=True)
class _Options:
    tracks: tuple[tuple[str, str], ...]
    outcomes: tuple[tuple[str, str], ...]
    departments: tuple[tuple[str, str, bool], ...]  # id, title, asked by default
    advising: tuple[tuple[str, str], ...]  # the departments the official advises for here
    opinions: tuple[tuple[str, str], ...]
    askable: tuple[tuple[str, tuple[view.Askable, ...]], ...]


def _departments(seen: Seen) -> tuple[tuple[str, str, bool], ...]:
    """Every department but the one handling the form, the procedure's defaults checked."""
    state = seen.handled.state
    defaults = set(default_advisers(seen.form, state.answers))
    organisation = seen.names.organisation
    known = [d.id for d in organisation.departments] if organisation else sorted(defaults)
    return tuple(
        (d, seen.names.department(d), d in defaults and d not in state.advice)
        for d in known
        if d != state.procedure.handled_by
    )


_PROTOTYPES: dict[str, Command] = {
    "ontvankelijk": actions.FindAdmissible(),
    "onvolledig": actions.FindIncomplete(""),
    "advies-vragen": actions.RequestAdvice(()),
    "termijn-verlengen": actions.ExtendDeadline(),
    "beslissen": actions.Decide("", ""),
    "afsluiten": actions.Close(),
}


def _available(seen: Seen) -> list[Action]:
    """The actions the official may try on this dossier (the procedure may still refuse)."""
    staff, facts = seen.staff, seen.facts
    found = []
    for action in ACTIONS.values():
        if action.slug == "nemen":
            allowed = may(staff, actions.Assign(staff.subject, staff.name), facts)
        elif action.slug == "advies-geven":
            allowed = bool(advising_departments(staff, facts))
        else:
            allowed = may(staff, _PROTOTYPES[action.slug], facts)
        if allowed:
            found.append(action)
    return found


def _versions(seen: Seen) -> tuple[AnswersVersion, ...]:
    return answers_versions(seen.dossier.filed_at, seen.dossier.answers, seen.handled.events)


def _version_shown(request: Request[Any, Any, Any], seen: Seen) -> AnswersVersion:
    versions = _versions(seen)
    asked = request.query_params.get("versie")
    if asked is None:
        return versions[-1]
    for version in versions:
        if str(version.version) == asked:
            return version
    raise PageError(404, "Versie niet gevonden", "Deze versie van de antwoorden bestaat niet.")


def _askable(form: Form) -> frozenset[str]:
    return frozenset(a.pointer for _, items in view.askable(form) for a in items)


def _page(
    request: Request[Any, Any, Any], template: str, status: int = 200, **values: Any
) -> Response[Any]:
    ctx = PageContext(base_path=BASE, static_url=STATIC)
    html = services(request).renderer.staff_page(template, ctx, csrf_field=CSRF_FIELD, **values)
    return Response(html, status_code=status, media_type=MediaType.HTML)


# Small things ----------------------------------------------------------------------------


def _url(number: str) -> str:
    return f"{DOSSIERS}/{quote(number, safe='')}"


def _csrf_subject(seen: Seen) -> str:
    return f"staff-dossier:{seen.session}:{seen.number}"


def _field(posted: Sequence[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in posted if key == name), None)


def _expected(posted: Sequence[tuple[str, str]]) -> int:
    value = _field(posted, SEEN_FIELD) or ""
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        raise PageError(400, "Dit formulier is onvolledig", "Laad de pagina opnieuw.")
    return int(value)
