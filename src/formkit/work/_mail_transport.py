"""Where the citizen's mails go: an SMTP server, or (without one) `.eml` files in a folder.

`SmtpTransport` speaks SMTP with the standard library's `smtplib` in a worker thread, one
connection per mail: the mails are few (one per phase change) and a connection kept open would
only time out between them. What the server answers decides what happens to the outbox row: a
4xx answer or no answer at all is temporary (the row is retried later), a 5xx answer is
permanent (a dead letter). The server's own words are never kept: they often quote the address.

`MailFolder` is the development default (`make run`): each mail is written whole as
`<Message-ID>.eml`, readable by any mail program, under a temporary name first and then moved
into place, so a reader never sees half a mail and a repeat replaces the file with the same bytes.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import anyio.to_thread

from formkit._errors import FormkitError
from formkit.settings import SmtpServer
from formkit.work._registry import RetryLaterError, UndeliverableError

TIMEOUT = 30.0  # seconds for each step of the conversation; the outbox's lease is longer
_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver `message`, or raise `RetryLaterError` or `UndeliverableError`."""
        ...


class SmtpTransport:
    def __init__(self, server: SmtpServer, timeout: float = TIMEOUT) -> None:
        self.server = server
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        await anyio.to_thread.run_sync(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        server = self.server
        try:
            with self._connect() as client:
                if server.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if server.user:
                    client.login(server.user, server.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise failure(min(codes, default=550)) from None
        except smtplib.SMTPResponseException as error:
            raise failure(error.smtp_code) from None
        except (smtplib.SMTPException, OSError) as error:  # no answer, no TLS, a lost line
            raise RetryLaterError(f"SMTP server {server.host}: {type(error).__name__}") from None

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.security == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=context)
        return smtplib.SMTP(server.host, server.port, timeout=self.timeout)


def failure(code: int) -> FormkitError:
    """What an SMTP reply code means for the outbox row: try again later, or never."""
    if 400 <= code < 500:
        return RetryLaterError(f"SMTP {code}: the server asks to try again later")
    return UndeliverableError(f"SMTP {code}: the server refused the mail")


class MailFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        await anyio.to_thread.run_sync(self._write, message)

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{file_name(message)}.eml"
        # Only the service's user reads them: they hold the citizen's address and name.
        handle, draft = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".eml.part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(message.as_bytes())
                file.flush()
                os.fsync(file.fileno())
            Path(draft).replace(path)
        except BaseException:
            Path(draft).unlink(missing_ok=True)
            raise


def file_name(message: EmailMessage) -> str:
    """The mail's file name: its Message-ID, made safe (a repeat writes the same file)."""
    return _UNSAFE.sub("_", str(message["Message-ID"] or "").strip("<> ")) or "mail"
