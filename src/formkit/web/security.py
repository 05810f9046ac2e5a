"""Security headers on every response, and forgery protection for the citizen pages' posts.

The pages must work in a third-party iframe, where a browser sends no SameSite cookies. So
nothing depends on a cookie: the draft id travels in the URL, and a post's CSRF token is an
HMAC of what the post acts on (the draft id, or the form id for a post that starts a draft)
under the instance's secret. A page another site serves cannot know the token; the post of a
page this service served can. On top of that a post a browser marks as cross-site (Fetch
Metadata, or an Origin that is not ours) is refused before its body is read.

The API under /api/v1 authenticates with bearer keys and sets no cookies, so it has no CSRF
check; its responses get the same headers all the same, and `Cache-Control: no-store` on
all but its public documents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Message, Scope

from formkit.settings import Settings

BeforeSend = Callable[[Message, Scope], Awaitable[None]]
CSRF_FIELD = "_csrf"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_SAME_ORIGIN = {"same-origin", "none"}  # "none": the citizen typed the address or a bookmark
# The API's documents anyone may read: the forms, the OpenAPI document, the problem types.
_REFERRER = b"referrer-policy"
CAPABILITY_ROOT = "/aanvullen"  # formkit.handling.completion.PATH
_PUBLIC_API = re.compile(r"/api/v1/(forms(/[^/]+)?|openapi\.json|problems/[^/]+)")


def csrf_token(secret: bytes, subject: str) -> str:
    """The token a page carries for posts that act on `subject` (`draft:<id>`, `new:<form>`)."""
    mac = hmac.new(secret, b"formkit-csrf\x00" + subject.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def csrf_valid(secret: bytes, subject: str, token: str | None) -> bool:
    return token is not None and hmac.compare_digest(csrf_token(secret, subject), token)


def same_origin_posts(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A guard: refuse a post that a browser says comes from another site."""
    if connection.scope.get("method", "GET") in _SAFE_METHODS:
        return
    site = connection.headers.get("sec-fetch-site")
    if site is not None and site not in _SAME_ORIGIN:
        raise PermissionDeniedException("cross-site post")
    origin = connection.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc not in _own_hosts(connection):
        raise PermissionDeniedException("cross-origin post")


def _own_hosts(connection: ASGIConnection[Any, Any, Any, Any]) -> set[str]:
    """The host the request was sent to, and the public one (a proxy may rewrite Host)."""
    settings: Settings = connection.app.state.services.settings
    return {connection.headers.get("host", ""), urlsplit(settings.base_url).netloc}


def content_security_policy(
    frame_ancestors: Iterable[str], login_providers: Iterable[str] = ()
) -> str:
    """No inline script or style anywhere; only the listed origins may frame a page.

    Forms post to this service only; a browser holds a post's redirects to that too, so the
    logout forms, which send the browser on to end the identity provider's session, need the
    providers' origins (`login_providers`) besides.
    """
    ancestors = " ".join(frame_ancestors) or "'none'"
    form_targets = " ".join(["'self'", *login_providers])
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            f"form-action {form_targets}",
            "base-uri 'none'",
            f"frame-ancestors {ancestors}",
        )
    )


def security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(
            settings.frame_ancestors, _origins(settings.staff_issuer, settings.citizen_issuer)
        ),
        "X-Content-Type-Options": "nosniff",
        # The draft id is in the URL: it must never leave in a Referer to another site.
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if not settings.frame_ancestors:
        headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def _origins(*urls: str) -> list[str]:
    """The distinct origins of the URLs that are set."""
    found = [f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, urls) if parts.netloc]
    return list(dict.fromkeys(found))


def headers_hook(settings: Settings) -> BeforeSend:
    """A before-send hook adding the security headers to every HTTP response that lacks them.

    A hook rather than a middleware: Litestar runs middleware only on matched routes, and the
    404 page of an unknown address needs the headers as much as any other.

    Responses that may hold personal data are never stored by a cache (`no-store`), unless a
    handler says otherwise: see `may_hold_personal_data`.
    """
    extra = [(k.lower().encode(), v.encode()) for k, v in security_headers(settings).items()]
    capability = [(k, b"no-referrer" if k == _REFERRER else v) for k, v in extra]

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers", ()))
        present = {bytes(name).lower() for name, _ in headers}
        chosen = capability if capability_in_path(scope["path"]) else extra
        headers.extend((k, v) for k, v in chosen if k not in present)
        if may_hold_personal_data(scope["path"]) and b"cache-control" not in present:
            headers.append((b"cache-control", b"no-store"))
        message["headers"] = headers

    return add_headers


def capability_in_path(path: str) -> bool:
    """Pages whose address is itself the key (the completion link's token): no Referer at
    all, not even to this site's own style sheet, so the address is never sent anywhere."""
    return path == CAPABILITY_ROOT or path.startswith(CAPABILITY_ROOT + "/")


def may_hold_personal_data(path: str) -> bool:
    """The citizen's and the staff's pages, and every API answer but the public documents,
    refusals included.

    Listed the other way round, the public documents, so that a new API operation is private
    until someone decides it is not.
    """
    personal = ("/formulieren", "/behandeling", "/mijn-dossiers")
    if path.startswith(personal) or capability_in_path(path):
        return True
    return (path == "/api" or path.startswith("/api/")) and not _PUBLIC_API.fullmatch(path)


def posted_token(request: Request[Any, Any, Any], fields: Iterable[tuple[str, str]]) -> str | None:
    """The CSRF token of a post: from its form fields, or a header for scripted posts."""
    for name, value in fields:
        if name == CSRF_FIELD:
            return value
    return request.headers.get("x-csrf-token")
