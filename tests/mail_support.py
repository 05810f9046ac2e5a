"""A real SMTP server on loopback for the mail tests: aiosmtpd on an event loop in a thread.

It keeps every mail it accepts, and can be told to answer the next RCPT or DATA commands with
an error reply instead (`451 ...` to make the sender try again later, `550 ...` to refuse).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Inbox:
    port: int = 0
    refuse_rcpt: list[str] = field(default_factory=list)  # replies for the next RCPTs
    refuse_data: list[str] = field(default_factory=list)  # replies for the next DATAs
    always_refuse_rcpt: str = ""  # this reply to every RCPT
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook names
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        with self.lock:
            if self.always_refuse_rcpt:
                return self.always_refuse_rcpt.format(address=address)
            if self.refuse_rcpt:
                return self.refuse_rcpt.pop(0).format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        with self.lock:
            if self.refuse_data:
                return self.refuse_data.pop(0)
            content = envelope.original_content or b""
            self.received.append((list(envelope.rcpt_tos), content))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = [content for _, content in self.received]
        return [message_from_bytes(r, _class=EmailMessage, policy=policy.default) for r in raw]

    def raw(self) -> list[bytes]:
        with self.lock:
            return [content for _, content in self.received]


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (a free port: `inbox.port`) until the block ends."""
    inbox = Inbox()
    loop = asyncio.new_event_loop()

    def protocol() -> SMTP:
        return SMTP(inbox, hostname="smtp.test", loop=loop)

    server = loop.run_until_complete(loop.create_server(protocol, "127.0.0.1", 0))
    inbox.port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, name="smtp-server", daemon=True)
    thread.start()
    try:
        yield inbox
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
