"""The webhook handlers: fan a dossier's event out to its subscriptions, then deliver each one
signed.

Fan-out turns one `dossier.created` (or `dossier.decided`, ...) row into one
`webhook.delivery` row per subscription that wants it, so a receiver that is down delays and
retries only its own deliveries. The body and the message id are fixed at fan-out and kept in
the row: every retry sends the same bytes under the same `webhook-id`, and only the timestamp
and signature of the attempt change.

A delivery follows the Standard Webhooks etiquette: 2xx is done; anything else (redirects
included: they are not followed) is retried, after the receiver's Retry-After if it gives one;
410 Gone ends the subscription. The address and secret are read at each attempt, so a removed
subscription receives nothing more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import anyio
import anyio.to_thread
import httpx

from formkit.store.outbox import Job, Message
from formkit.store.webhooks import Subscription, Webhooks
from formkit.webhooks import DOSSIER_CREATED, check_url, dossier_event, message_id, sign
from formkit.work._registry import RetryLaterError, UndeliverableError

DELIVERY = "webhook.delivery"
DOSSIER_PATH = "/api/v1/dossiers/{number}"  # where an integrator reads the dossier
USER_AGENT = "formkit-webhooks"
GONE = 410
_LONGEST_WISH = 7 * 24 * 3600  # seconds; the outbox caps waits lower still

log = logging.getLogger("formkit.outbox")


class FanOut:
    """A dossier's event (`dossier.created` by default): one `webhook.delivery` row per
    subscription that wants it. A handling event's row carries its `data` and a `subject`
    (number and version) that makes its message id its own."""

    def __init__(self, webhooks: Webhooks, base_url: str, event: str = DOSSIER_CREATED) -> None:
        self.webhooks = webhooks
        self.base_url = base_url.rstrip("/")
        self.event = event

    async def handle(self, job: Job) -> list[Message]:
        number, form_id = _text(job.payload, "number"), _text(job.payload, "form")
        url = self.base_url + DOSSIER_PATH.format(number=number)
        more = job.payload.get("data")
        delivery = {
            "id": message_id(self.event, str(job.payload.get("subject", number))),
            "event": self.event,
            "body": dossier_event(
                self.event, number, form_id, url, job.created_at, more if more else None
            ),
        }
        wanting = await anyio.to_thread.run_sync(self.webhooks.matching, self.event, form_id)
        return [(DELIVERY, {**delivery, "webhook": s.id}) for s in wanting]


class Delivery:
    """`webhook.delivery`: POST the signed body to the subscription's address."""

    def __init__(
        self,
        webhooks: Webhooks,
        client: httpx.AsyncClient | None = None,
        timeout: timedelta = timedelta(seconds=15),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.webhooks = webhooks
        self.timeout = timeout.total_seconds()
        self._client = client
        self._own: httpx.AsyncClient | None = None
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def client(self) -> httpx.AsyncClient:
        """The client handed in, or one of its own made at the first delivery.

        Building a client's TLS context takes tens of milliseconds: an instance without
        subscriptions never pays for it. Redirects are not followed (a receiver that moves
        changes its subscription); proxy variables are honoured, so operators can send
        webhooks through an egress proxy.
        """
        if self._client is not None:
            return self._client
        if self._own is None:
            self._own = httpx.AsyncClient(follow_redirects=False, timeout=self.timeout)
        return self._own

    async def aclose(self) -> None:
        """Close the client of its own, if it made one."""
        if self._own is not None:
            await self._own.aclose()
            self._own = None

    async def handle(self, job: Job) -> None:
        subscription_id = _text(job.payload, "webhook")
        subscription = await anyio.to_thread.run_sync(self.webhooks.get, subscription_id)
        if subscription is None or not subscription.active:
            log.info("dropped delivery %s: subscription %s is gone", job.id, subscription_id)
            return
        status, retry_after = await self._post(subscription, job.payload)
        if 200 <= status < 300:
            return
        if status == GONE:  # the receiver wants no more
            await anyio.to_thread.run_sync(self.webhooks.deactivate, subscription.id)
            raise UndeliverableError(f"HTTP 410 Gone: subscription {subscription.id} deactivated")
        raise RetryLaterError(
            f"HTTP {status} from subscription {subscription.id}", after=retry_after
        )

    async def _post(
        self, subscription: Subscription, payload: Mapping[str, Any]
    ) -> tuple[int, timedelta | None]:
        try:
            url = check_url(subscription.url)
        except ValueError as error:
            raise UndeliverableError(str(error)) from None
        body = _text(payload, "body").encode()
        headers = {
            **sign(subscription.secret, _text(payload, "id"), body, self._clock()),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
        }
        try:
            with anyio.fail_after(self.timeout):
                async with self.client.stream("POST", url, content=body, headers=headers) as answer:
                    wish = _retry_after(answer.headers.get("retry-after"), self._clock())
                    return answer.status_code, wish
        except TimeoutError:
            raise RetryLaterError(f"no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise RetryLaterError(f"{type(error).__name__}: {error}") from None


def _text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise UndeliverableError(f"the row's payload has no {name!r}")
    return value


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or as an HTTP date (RFC 9110); None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return timedelta(seconds=min(int(value), _LONGEST_WISH))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(moment - now, timedelta(0))
