"""The outbox handler that e-mails the citizen when their dossier moves (`citizen.mail`).

The job names the dossier, the version to read and the kind of notice
(`formkit.handling.notices`). The handler reads the dossier as it was at that version, so a
retry tells what happened then, not what happened since; takes the address from the answers the
form's procedure names as its `contact`; and sends through the configured transport. A dossier
whose answers hold no address gets no mail: that is logged, by dossier number only, and the
job is done. What is logged or kept as the row's error never holds an address or an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anyio.to_thread

from formkit.forms._model import Form
from formkit.handling.completion import completion_path
from formkit.handling.notices import COMPLETION, notice, payload_kind, recipient
from formkit.settings import Settings
from formkit.store.handling import HandlingStore
from formkit.store.outbox import Job
from formkit.work._mail_message import MailTemplates, compose, message_id
from formkit.work._mail_transport import MailFolder, SmtpTransport, Transport
from formkit.work._registry import UndeliverableError

log = logging.getLogger("formkit.outbox")
MAIL_FOLDER = "mail"  # under the data folder: the mails when no SMTP server is configured


class CitizenMail:
    def __init__(
        self,
        handling: HandlingStore,
        forms: Callable[[str], Form | None],
        templates: MailTemplates,
        transport: Transport,
        *,
        sender: str,
        base_url: str,
        secret: bytes,
    ) -> None:
        self.handling = handling
        self.forms = forms
        self.templates = templates
        self.transport = transport
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.secret = secret

    async def handle(self, job: Job) -> None:
        number, form_id, version = _job(job.payload)
        kind = payload_kind(job.payload)
        form = self.forms(form_id)
        if kind is None or form is None:
            raise UndeliverableError(f"no {kind or 'such'} notice of form {form_id!r}")
        handled = await anyio.to_thread.run_sync(self.handling.at, number, version)
        if handled is None:
            raise UndeliverableError(f"dossier {number} has no version {version}")
        state = handled.state
        to = recipient(state.procedure.contact, state.answers)
        if to is None:
            log.info("no mail about %s (version %s): no e-mail address answered", number, version)
            return
        link = ""
        if kind == COMPLETION and state.completion is not None:
            link = self.base_url + completion_path(self.secret, number, state.completion)
        said = notice(form, number, kind, state, handled.events[-1], link)
        subject, body = self.templates.render(said, to)
        identifier = message_id(number, version, kind, self.sender)
        try:
            message = compose(self.sender, to, subject, body, identifier, job.created_at)
        except ValueError:
            invalid = f"the e-mail address answered in {number} cannot carry a mail"
            raise UndeliverableError(invalid) from None
        await self.transport.send(message)


def _job(payload: Any) -> tuple[str, str, int]:
    number, form_id, version = (payload.get(name) for name in ("number", "form", "version"))
    if not (isinstance(number, str) and isinstance(form_id, str) and isinstance(version, int)):
        raise UndeliverableError("the row's payload lacks its number, form or version")
    return number, form_id, version


def mail_transport(settings: Settings) -> Transport:
    """The configured SMTP server, or `.eml` files under the data folder without one."""
    server = settings.smtp
    return MailFolder(settings.data_dir / MAIL_FOLDER) if server is None else SmtpTransport(server)


def citizen_mail(
    settings: Settings, handling: HandlingStore, forms: Callable[[str], Form | None], secret: bytes
) -> CitizenMail:
    """The handler as the service runs it, from its settings."""
    templates = MailTemplates(settings.renderers_dir / "mail", settings.city_name)
    return CitizenMail(
        handling,
        forms,
        templates,
        mail_transport(settings),
        sender=settings.mail_sender,
        base_url=settings.base_url,
        secret=secret,
    )
