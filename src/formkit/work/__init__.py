"""Work after a filing, from the durable outbox: the handler registry, the worker, webhooks.

    handlers = default_handlers(webhooks, base_url)
    await OutboxWorker(outbox, handlers).run(stop)

or, as the service does it, `await serve(outbox, webhooks, settings, stop)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

import httpx

from formkit.handling.notices import TOPIC as CITIZEN_MAIL
from formkit.settings import Settings
from formkit.store.outbox import Outbox
from formkit.store.webhooks import Webhooks
from formkit.webhooks import DOSSIER_CREATED, HANDLING_EVENTS
from formkit.work._letters import (
    DECISION_LETTER,
    DecisionLetterPdf,
    LetterWork,
    issue_stored_letter,
)
from formkit.work._mail import CitizenMail, citizen_mail, mail_transport
from formkit.work._receipts import (
    RECEIPT_PDF,
    AnswersOf,
    ReceiptPdf,
    filed_answers,
    issue_stored_pdf,
    stored_jws,
)
from formkit.work._registry import Handler, Handlers, RetryLaterError, UndeliverableError
from formkit.work._resume_mail import TOPIC as DRAFT_MAIL
from formkit.work._resume_mail import ResumeMail, resume_mail, resume_mail_job
from formkit.work._webhooks import DELIVERY, Delivery, FanOut
from formkit.work._worker import OutboxWorker

__all__ = [
    "CITIZEN_MAIL",
    "DECISION_LETTER",
    "DELIVERY",
    "DRAFT_MAIL",
    "RECEIPT_PDF",
    "AnswersOf",
    "CitizenMail",
    "DecisionLetterPdf",
    "Delivery",
    "FanOut",
    "Handler",
    "Handlers",
    "LetterWork",
    "OutboxWorker",
    "ReceiptPdf",
    "ResumeMail",
    "RetryLaterError",
    "UndeliverableError",
    "citizen_mail",
    "default_handlers",
    "filed_answers",
    "issue_stored_letter",
    "issue_stored_pdf",
    "mail_transport",
    "resume_mail",
    "resume_mail_job",
    "serve",
    "stored_jws",
]


def default_handlers(
    webhooks: Webhooks,
    base_url: str,
    timeout: timedelta = timedelta(seconds=15),
    client: httpx.AsyncClient | None = None,
) -> Handlers:
    """formkit's own handlers; a deployment registers more with `Handlers.register`."""
    return Handlers(
        {
            DOSSIER_CREATED: FanOut(webhooks, base_url),
            **{event: FanOut(webhooks, base_url, event) for event in HANDLING_EVENTS},
            DELIVERY: Delivery(webhooks, client, timeout),
        }
    )


async def serve(
    outbox: Outbox,
    webhooks: Webhooks,
    settings: Settings,
    stop: asyncio.Event,
    more: Mapping[str, Handler] | None = None,
) -> None:
    """The service's worker until `stop` is set; `more` handlers beside the webhooks'."""
    delivery = Delivery(webhooks, timeout=settings.webhook_timeout)
    handlers = default_handlers(webhooks, settings.base_url).register(DELIVERY, delivery)
    for topic, handler in (more or {}).items():
        handlers = handlers.register(topic, handler)
    worker = OutboxWorker(
        outbox,
        handlers,
        concurrency=settings.outbox_concurrency,
        poll=settings.outbox_poll,
    )
    try:
        await worker.run(stop)
    finally:
        await delivery.aclose()
