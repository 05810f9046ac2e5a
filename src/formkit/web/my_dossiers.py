"""A logged-in citizen's own dossiers: the list, one dossier, its documents.

    GET /mijn-dossiers                                  the list (`listing`, on the home page)
    GET /mijn-dossiers/{number}                         one dossier: phases, who handles it,
                                                        the deadline, what the city asks, the
                                                        history and the documents
    GET /mijn-dossiers/{number}/ontvangstbewijs.pdf     the sealed receipt
    GET /mijn-dossiers/{number}/handtekeningbewijs.json the signature evidence (signed with eID)
    GET /mijn-dossiers/{number}/beslissing.pdf          the sealed decision letter, once made

A citizen's dossiers are those in which their national number is the applicant's, a
co-applicant's or the signer's: the parties filing records (`formkit.store.parties`), found by
the keyed hash of the number they logged in with. Any other number, and one that does not
exist, gets the same 404: nothing says whether a dossier exists. A visitor who is not logged
in is sent to the login. The completion the city asks for is answered on the completion page
(`formkit.web.completion`), through the link its mail carries, made here for the party.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import MediaType, Request, Response, Router, get
from litestar.params import FromPath
from litestar.response import Redirect, Stream

from formkit.accounts import Citizen, national_number_key
from formkit.filing._filing import Role
from formkit.forms._dutch import day_text, moment_text
from formkit.forms._model import Form
from formkit.handling.completion import completion_path
from formkit.handling.deadlines import local_day
from formkit.render import PageContext
from formkit.store.dossiers import StoredDossier
from formkit.store.handling import Handled, NoProcedureError
from formkit.store.parties import DossierParties, PartyDossier
from formkit.web import _my_dossier_view as view
from formkit.web._citizen_auth import BASE, current_citizen
from formkit.web._disposition import content_disposition
from formkit.web._dossier_view import Names
from formkit.web._evidence_download import EVIDENCE_NAME, NOT_SIGNED, evidence_response
from formkit.web._flow import BASE as FORMS
from formkit.web._flow import in_thread
from formkit.web._receipt_download import RECEIPT_NAME, sealed_pdf
from formkit.web.pages import STATIC, PageError
from formkit.web.security import CSRF_FIELD
from formkit.web.services import Services, services

DOSSIER = f"{BASE}/{{number:str}}"
LETTER_NAME = "beslissing"
MAX_NUMBER = 40  # characters of a dossier number
INCOMPLETE = "onvolledig"


@dataclass(frozen=True, slots=True)
class Listed:
    """A line of the citizen's list."""

    number: str
    url: str
    form_title: str
    filed: str
    phase: str
    roles: str
    completion: str | None  # the link to answer the city's question, while it asks one


@dataclass(frozen=True, slots=True)
class OpenDraft:
    """A form the citizen began logged in and did not file yet, on the list."""

    form_title: str
    url: str  # where it goes on: the draft's own address
    saved: str  # last saved, in words
    until: str  # kept until, in words


async def open_drafts(request: Request[Any, Any, Any], citizen: Citizen) -> tuple[OpenDraft, ...]:
    """The citizen's drafts not filed yet, last saved first; of forms still in service."""
    found = services(request)
    drafts = await in_thread(found.drafts.open_drafts, _key(found, citizen), found.clock())
    return tuple(
        OpenDraft(
            form.title,
            f"{FORMS}/{form.id}/{draft.id}",
            moment_text(draft.updated_at),
            day_text(local_day(draft.expires_at)),
        )
        for draft in drafts
        for form in (found.catalogue.get(draft.form_id),)
        if form is not None
    )


async def listing(request: Request[Any, Any, Any], citizen: Citizen) -> tuple[Listed, ...]:
    """The citizen's dossiers, newest first."""
    found = services(request)
    return await in_thread(_listing, found, _key(found, citizen))


def _listing(found: Services, key: str) -> tuple[Listed, ...]:
    return tuple(_listed(found, row) for row in DossierParties(found.engine).dossiers(key))


def _listed(found: Services, row: PartyDossier) -> Listed:
    form = found.catalogue.get(row.form_id)
    procedure = form.annotations.procedure if form else None
    phase = procedure.phase(row.phase) if procedure else None
    completion = None
    if row.phase == INCOMPLETE:  # the projection says the city asks: the link needs the moment
        handled = _handled(found, row.number)
        asked = handled.state.completion if handled else None
        completion = completion_path(found.secret, row.number, asked) if asked else None
    return Listed(
        row.number,
        f"{BASE}/{row.number}",
        form.title if form else row.form_id,
        day_text(local_day(row.filed_at)),
        phase.title if phase else row.phase,
        view.role_text(row.roles),
        completion,
    )


@dataclass(frozen=True, slots=True)
class Mine:
    """A dossier of the logged-in citizen."""

    citizen: Citizen
    roles: frozenset[Role]
    dossier: StoredDossier
    form: Form | None  # None: a form taken out of service
    handled: Handled | None  # None: its form has no procedure, nobody handles it in formkit

    @property
    def number(self) -> str:
        return self.dossier.number

    @property
    def url(self) -> str:
        return f"{BASE}/{self.number}"


@get(DOSSIER)
async def dossier_page(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    mine = await _mine(request, number)
    if isinstance(mine, Redirect):
        return mine
    found = services(request)
    receipt = await in_thread(found.receipts.get, mine.number)
    letter = await in_thread(found.letters.get, mine.number)
    values: dict[str, Any] = {
        "number": mine.number,
        "url": mine.url,
        "form_title": mine.form.title if mine.form else mine.dossier.form_id,
        "filed": moment_text(mine.dossier.filed_at),
        "roles": view.role_text(mine.roles),
        "receipt": f"{mine.url}/{RECEIPT_NAME}.pdf" if receipt is not None else None,
        "evidence": f"{mine.url}/{EVIDENCE_NAME}.json" if mine.dossier.signer else None,
        "letter": f"{mine.url}/{LETTER_NAME}.pdf" if letter is not None and letter.ready else None,
        "home": BASE,
        # Without a procedure (nobody handles the form in formkit) only the above is known.
        **dict.fromkeys(("phase", "steps", "contact", "term", "asked", "history")),
        "decided": False,
    }
    if mine.handled is not None and mine.form is not None:
        values |= _handling(found, mine.form, mine.handled)
    return _page(request, "dossier.html", **values)


def _handling(found: Services, form: Form, handled: Handled) -> dict[str, Any]:
    state, events = handled.state, handled.events
    names = Names(form, state, found.organisation())
    request = state.completion
    asked = None
    if request is not None:
        asked = {
            "message": request.message,
            "answers": names.answers(request.pointers),
            "since": moment_text(request.asked),
            "link": completion_path(found.secret, handled.number, request),
        }
    phase = state.procedure.phase(state.phase)
    return {
        "phase": phase,
        "steps": view.phase_steps(state, events),
        "contact": view.contact(state, names.organisation),
        "term": view.decision_term(state, events, found.clock()),
        "asked": asked,
        "decided": state.outcome is not None,
        "history": view.history(events, names),
    }


@get(f"{DOSSIER}/{RECEIPT_NAME}.pdf")
async def receipt_pdf(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    mine = await _mine(request, number)
    if isinstance(mine, Redirect):
        return mine
    found = services(request)
    stored = await in_thread(found.receipts.get, mine.number)
    if stored is None:
        raise PageError(404, "Geen ontvangstbewijs", "Voor dit dossier is er geen ontvangstbewijs.")
    return await sealed_pdf(found, stored)


@get(f"{DOSSIER}/{EVIDENCE_NAME}.json")
async def evidence_json(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    mine = await _mine(request, number)
    if isinstance(mine, Redirect):
        return mine
    response = evidence_response(mine.dossier)
    if response is None:
        raise PageError(404, "Geen handtekeningbewijs", NOT_SIGNED)
    return response


@get(f"{DOSSIER}/{LETTER_NAME}.pdf")
async def letter_pdf(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    mine = await _mine(request, number)
    if isinstance(mine, Redirect):
        return mine
    found = services(request)
    stored = await in_thread(found.letters.get, mine.number)
    if stored is None or stored.pdf_sha256 is None:
        raise PageError(
            404,
            "Nog geen beslissing",
            "De beslissingsbrief van dit dossier is er nog niet. Kom later terug.",
        )
    return Stream(
        found.blobs.open(stored.pdf_sha256),
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(f"{LETTER_NAME}-{mine.number}.pdf"),
            "Content-Length": str(await found.blobs.size(stored.pdf_sha256)),
        },
    )


router = Router(path="/", route_handlers=[dossier_page, receipt_pdf, evidence_json, letter_pdf])


async def _mine(request: Request[Any, Any, Any], number: str) -> Mine | Redirect:
    """The citizen's dossier `number`; the login without a citizen; else the one 404."""
    citizen = await current_citizen(request)
    if citizen is None:
        return Redirect(BASE, status_code=303)
    found = services(request)
    mine = await in_thread(_load, found, citizen, number)
    if mine is None:
        raise PageError(
            404,
            "Dossier niet gevonden",
            "Bij uw dossiers is er geen dossier met dit nummer. Kijk het nummer na, of kies "
            "het dossier in uw lijst.",
        )
    return mine


def _load(found: Services, citizen: Citizen, number: str) -> Mine | None:
    if len(number) > MAX_NUMBER:
        return None
    roles = DossierParties(found.engine).roles(number, _key(found, citizen))
    dossier = found.dossiers.get(number) if roles else None
    if dossier is None:
        return None
    form = found.catalogue.get(dossier.form_id)
    return Mine(citizen, roles, dossier, form, _handled(found, number))


def _handled(found: Services, number: str) -> Handled | None:
    try:
        return found.handling.get(number)
    except NoProcedureError:
        return None


def _key(found: Services, citizen: Citizen) -> str:
    return national_number_key(found.secret, citizen.national_number)


def _page(request: Request[Any, Any, Any], template: str, **values: Any) -> Response[Any]:
    ctx = PageContext(static_url=STATIC)
    html = services(request).renderer.citizen_page(template, ctx, csrf_field=CSRF_FIELD, **values)
    return Response(html, media_type=MediaType.HTML)
