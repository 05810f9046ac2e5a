"""The app factory: `create_app(settings)` wires the services into a Litestar app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, cast

import sqlalchemy as sa
from litestar import Litestar, Request, Response, get
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import (
    HTTPScope,
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Receive,
    Scope,
    Send,
)

from formkit.settings import Settings
from formkit.store.writer import WriterUnavailableError
from formkit.web import (
    _api_decision,
    api,
    api_feed,
    api_handling,
    citizen,
    citizen_eid,
    completion,
    log,
    my_dossiers,
    pages,
    security,
    staff,
    staff_dossier,
    staff_worklist,
    verification,
)
from formkit.web.outbox_process import OutboxProcess
from formkit.web.problems import MEDIA_TYPE, ProblemError, body
from formkit.web.ratelimit import RateLimitMiddleware
from formkit.web.services import Services

logger = logging.getLogger("formkit")

_STATUS_SLUGS = {
    400: "malformed-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    415: "unsupported-media-type",
    503: "unavailable",
}
_STATUS_DETAILS = {
    404: "Deze pagina of dit adres bestaat niet.",
    405: "Deze methode is hier niet toegestaan.",
    413: "De aanvraag is te groot.",
}


def create_app(settings: Settings | None = None, services: Services | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    services = services or Services.build(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await services.queue.start()
        writer = asyncio.create_task(services.queue.run(), name="formkit-filing-writer")
        stop_outbox = asyncio.Event()
        outbox = asyncio.create_task(_outbox(services, stop_outbox), name="formkit-outbox")
        try:
            yield
        finally:
            stop_outbox.set()
            await outbox
            await services.staff.aclose()
            await services.citizens.aclose()
            writer.cancel()
            with suppress(asyncio.CancelledError):
                await writer
            services.close()

    app = _App(
        route_handlers=[
            api.router,
            api_handling.router,
            _api_decision.router,
            api_feed.router,
            log.router,
            pages.router,
            verification.router,
            completion.router,
            staff.router(settings),
            staff_worklist.worklist,
            staff_dossier.router,
            citizen.router(settings),
            citizen_eid.router,
            my_dossiers.router,
            pages.static_files(settings.renderers_dir),
            health,
        ],
        lifespan=[lifespan, pages.draft_sweeper],
        before_send=[security.headers_hook(settings)],
        middleware=[RateLimitMiddleware(services.rate_limits, services.api_keys)],
        exception_handlers={Exception: _handle},
        request_max_body_size=settings.max_request_bytes,
        openapi_config=None,
        debug=False,
    )
    app.state.services = services
    return app


class _App(Litestar):
    """Litestar, answering HEAD wherever GET is answered (RFC 9110 §9.3.2): the same status and
    headers, no body. Litestar routes HEAD only to handlers declared for it, so the method is
    changed before routing, here, and the body dropped on the way out."""

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        if scope["type"] == ScopeType.HTTP and cast("HTTPScope", scope)["method"] == "HEAD":
            as_get: Any = {**scope, "method": "GET"}
            await super().__call__(as_get, receive, _headers_only(cast("Send", send)))
        else:
            await super().__call__(scope, receive, send)


def _headers_only(send: Send) -> Send:
    async def send_headers_only(message: Any) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return send_headers_only


async def _outbox(services: Services, stop: asyncio.Event) -> None:
    """The outbox's work until `stop`: in a process of its own, in this one, or elsewhere."""
    where = services.settings.outbox_worker
    if where == "process":
        await OutboxProcess(services.settings).run(stop)
    elif where == "thread":
        await services.work(stop)
    else:  # `formkit work` processes do it
        await stop.wait()


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


def _handle(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """One error shape: problem details for machines (pages come with their own error page)."""
    if not _for_machines(request.url.path):
        return pages.error_response(request, error)
    problem = _as_problem(error)
    if problem.status >= 500:
        logger.exception("request failed: %s %s", request.method, request.url.path, exc_info=error)
    base = request.app.state.services.settings.base_url
    return Response(
        body(problem, base, request.url.path),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=problem.headers,
    )


_MACHINE_ROOTS = ("/api", "/log")


def _for_machines(path: str) -> bool:
    """The API and the log answer in problem details; `/log/` reaches us as `/log`."""
    return any(path == root or path.startswith(root + "/") for root in _MACHINE_ROOTS)


def _as_problem(error: Exception) -> ProblemError:
    if isinstance(error, ProblemError):
        return error
    if isinstance(error, HTTPException):
        status = error.status_code
        slug = _STATUS_SLUGS.get(status, "malformed-request" if status < 500 else "internal")
        detail = _STATUS_DETAILS.get(status, "De aanvraag kan niet verwerkt worden.")
        return ProblemError(slug, detail, headers=dict(error.headers or {}))
    if isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError | WriterUnavailableError):
        # The database is down or locked too long, or the writer stopped: a retry may succeed,
        # and one with the same idempotency key never files twice.
        return ProblemError(
            "unavailable",
            "We kunnen uw aanvraag nu niet bewaren. Probeer het over enkele minuten opnieuw.",
            headers={"Retry-After": "30"},
        )
    return ProblemError("internal", "Er ging iets mis bij ons. Probeer het later opnieuw.")
