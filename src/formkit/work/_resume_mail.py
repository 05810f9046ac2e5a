"""The outbox handler that mails a citizen the link to go on with a saved form (`draft.mail`).

The citizen saved a form for later and asked for the link by e-mail. The row's payload holds
the address and the link sealed under the instance's secret (AES-GCM, `formkit.accounts.seal`),
never in clear: the link opens the answers, and only its hash is kept with the draft. The
handler opens it, writes the mail from `renderers/mail/resume.txt` and sends it; a payload it
cannot open (another secret, a changed row) is a dead letter, and nothing of it is logged.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from formkit.accounts import seal, unseal
from formkit.handling.deadlines import local_day
from formkit.handling.notices import Recipient
from formkit.settings import Settings
from formkit.store.outbox import Job, Message
from formkit.work._mail import mail_transport
from formkit.work._mail_message import MailTemplates, compose, message_id
from formkit.work._mail_transport import Transport
from formkit.work._registry import UndeliverableError

TOPIC = "draft.mail"
_CONTEXT = "formkit-draft-mail"  # what the seal is bound to: only this handler opens it


def resume_mail_job(
    secret: bytes, *, to: str, link: str, form_title: str, until: datetime
) -> Message:
    """The outbox row that mails `link` to `to`, sealed."""
    said = {"to": to, "link": link, "form": form_title, "until": until.isoformat()}
    return TOPIC, {"sealed": seal(_key(secret), json.dumps(said), _CONTEXT)}


class ResumeMail:
    def __init__(
        self, templates: MailTemplates, transport: Transport, *, sender: str, secret: bytes
    ) -> None:
        self.templates = templates
        self.transport = transport
        self.sender = sender
        self.secret = secret

    async def handle(self, job: Job) -> None:
        said = self._opened(job.payload)
        until = local_day(datetime.fromisoformat(said["until"]))
        subject, body = self.templates.render_kind(
            "resume", form_title=said["form"], link=said["link"], until=until
        )
        identifier = message_id("concept", job.id, "resume", self.sender)
        try:
            message = compose(
                self.sender, Recipient(said["to"], ""), subject, body, identifier, job.created_at
            )
        except ValueError:
            raise UndeliverableError("the address asked for cannot carry a mail") from None
        await self.transport.send(message)

    def _opened(self, payload: Any) -> dict[str, str]:
        sealed = payload.get("sealed") if isinstance(payload, dict) else None
        opened = unseal(_key(self.secret), sealed, _CONTEXT) if isinstance(sealed, str) else None
        if opened is None:
            raise UndeliverableError("the row's payload cannot be opened with this secret")
        said: dict[str, str] = json.loads(opened)
        return said


def _key(secret: bytes) -> bytes:
    """A key of its own for these rows, derived from the instance's secret."""
    return hashlib.sha256(b"formkit-draft-mail\x00" + secret).digest()


def resume_mail(settings: Settings, secret: bytes) -> ResumeMail:
    """The handler as the service runs it, from its settings."""
    templates = MailTemplates(settings.renderers_dir / "mail", settings.city_name)
    return ResumeMail(
        templates, mail_transport(settings), sender=settings.mail_sender, secret=secret
    )
