"""A notice as an e-mail: its words from `renderers/mail/`, its headers fixed by the job.

Everything in the message follows from the job and the dossier at the job's version, the Date
(the event's moment) and the Message-ID included: a mail sent again after a worker died is
the same mail, byte for byte, and mail programs that see its Message-ID twice show it once.
Headers are written by the standard library's SMTP policy, so a name like `Zoë Hendrickx` or a
phase `Beëindigd` is encoded as RFC 2047 words and no header can be broken by what it holds.
"""

from __future__ import annotations

from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

import jinja2

from formkit.forms._dutch import day_text
from formkit.handling.notices import Notice, Recipient


class MailTemplates:
    """The mail templates: `<kind>.txt` sets `subject`; its output is the body."""

    def __init__(self, folder: Path, city: str) -> None:
        self.city = city
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folder),
            autoescape=jinja2.select_autoescape(["html"]),  # plain text is not HTML
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.filters["day"] = day_text

    def render(self, notice: Notice, recipient: Recipient) -> tuple[str, str]:
        """The subject and the body of `notice` for `recipient`."""
        return self.render_kind(notice.kind, notice=notice, recipient=recipient)

    def render_kind(self, kind: str, **values: Any) -> tuple[str, str]:
        """The subject and the body of the mail `<kind>.txt` with `values` (and `city`)."""
        template = self.environment.get_template(f"{kind}.txt")
        module = template.make_module({**values, "city": self.city})
        subject = " ".join(str(getattr(module, "subject", "")).split())
        return subject, str(module).strip() + "\n"


def message_id(number: str, version: int, kind: str, sender: str) -> str:
    """One Message-ID per dossier, version and kind of notice, in the sender's domain."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<citizen-mail.{number}.{version}.{kind}@{domain}>"


def compose(
    sender: str,
    recipient: Recipient,
    subject: str,
    body: str,
    identifier: str,
    moment: datetime,
) -> EmailMessage:
    """The mail; raises ValueError when the recipient's address cannot carry one."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    try:
        message["To"] = Address(display_name=recipient.name, addr_spec=recipient.address)
    except HeaderParseError as error:  # not a ValueError, as the other refusals are
        raise ValueError(str(error)) from None
    message["Subject"] = subject
    message["Date"] = format_datetime(moment)
    message["Message-ID"] = identifier
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    message.set_content(body, cte="quoted-printable")
    return message
