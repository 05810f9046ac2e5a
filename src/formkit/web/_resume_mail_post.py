"""E-mail the resume link: the small form in the "Bewaard" banner of a step.

    POST /formulieren/{form}/{draft}/link-mailen     email, token, stap: queue the mail

The banner shows the link to go on later (`_flow`, "Bewaar en ga later verder"); this mails
that same link: the token is posted back and must be the draft's current one, so nothing else
can be mailed from here. The mail goes through the outbox, sealed
(`formkit.work.resume_mail_job`); the address is used for that mail only and kept nowhere
else. A refused address is said at the field; the banner and its link stay. Each client may
post this a few times a minute (`ratelimit`): an address anyone may type must not make
formkit a mail cannon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request

from formkit.forms._model import Form, Step
from formkit.render import ResumeMailBox
from formkit.store.drafts import StoredDraft
from formkit.web._flow import Place, in_thread
from formkit.web.problems import ProblemError
from formkit.web.security import CSRF_FIELD, csrf_valid
from formkit.web.services import services
from formkit.work import resume_mail_job

PATH = "link-mailen"
REFUSED = "Vul een geldig e-mailadres in, zoals naam@voorbeeld.be."
_ADDRESS = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_GONE = "Deze link is niet meer geldig: bewaar uw antwoorden opnieuw voor een nieuwe link."


def mail_box(place: Place, token: str, step: Step) -> ResumeMailBox:
    """The banner's mail form for a fresh resume link."""
    return ResumeMailBox(f"{place.draft_url}/{PATH}", token, step.id)


@dataclass(frozen=True, slots=True)
class Mailed:
    """What the step shows after the post: its banner, with the link and the mail form."""

    step: Step
    resume: tuple[str, datetime]  # the link and until when it works
    box: ResumeMailBox
    status: int


async def mail_link(request: Request[Any, Any, Any], place: Place, draft: StoredDraft) -> Mailed:
    """Queue the mail of the draft's resume link, or say why the address was refused."""
    found = services(request)
    posted = await request.form()
    if not csrf_valid(found.secret, f"draft:{draft.id}", posted.get(CSRF_FIELD)):
        raise ProblemError("forbidden", "Het formulier kon niet veilig verstuurd worden.")
    token, step = str(posted.get("token", "")), _step(place.form, posted.get("stap"))
    owner = await in_thread(found.drafts.resume, token, found.filer.clock())
    if owner is None or owner.id != draft.id or step is None:
        raise ProblemError("not-found", _GONE)
    public = found.settings.public_url or str(request.base_url)
    link = place.resume_url(token, public, step.id)
    resume = (link, draft.expires_at)
    address = str(posted.get("email", "")).strip()
    box = mail_box(place, token, step)
    if not _deliverable(address):
        refused = ResumeMailBox(box.action, token, step.id, address, REFUSED)
        return Mailed(step, resume, refused, 422)
    job = resume_mail_job(
        found.secret, to=address, link=link, form_title=place.form.title, until=draft.expires_at
    )
    await in_thread(found.outbox.enqueue, [job])
    return Mailed(step, resume, ResumeMailBox(box.action, token, step.id, sent_to=address), 200)


def _step(form: Form, step_id: object) -> Step | None:
    return next((s for s in form.steps if s.id == step_id), None)


def _deliverable(address: str) -> bool:
    """An address a mail can go to: a name, an @ and a domain with a dot; at most 254 long."""
    return len(address) <= 254 and _ADDRESS.fullmatch(address) is not None
