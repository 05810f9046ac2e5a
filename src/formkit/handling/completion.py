"""The citizen's link to complete a dossier the city found incomplete.

The city's mail carries `/aanvullen/<number>/<token>`. The token is a MAC of the dossier's number
and the moment the city asked, under the service's secret: nothing is stored, it opens only the
completion that was asked, and it stops working once the citizen has completed (or the city
asks again, which makes a new moment and a new token).

`link_status` reads a token against a dossier's events: the request it opens while that is
open, or the moment its request was completed, so that a second visit can say so instead of
calling the link broken.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from formkit.handling.events import Event, Kind
from formkit.handling.state import CompletionRequest

PATH = "/aanvullen"
_CONTEXT = b"formkit-completion\x00"


def completion_token(secret: bytes, number: str, request: CompletionRequest) -> str:
    # In UTC: the moment read back from the database must make the same token as the one the
    # event was recorded with, whatever time zone the caller's clock used.
    asked = request.asked.astimezone(UTC).isoformat()
    subject = f"{number}\x00{asked}".encode()
    mac = hmac.new(secret, _CONTEXT + subject, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def completion_valid(
    secret: bytes, number: str, request: CompletionRequest | None, token: str
) -> bool:
    """Whether `token` opens `request`, the dossier's open completion request (None: none)."""
    if request is None:
        return False
    return hmac.compare_digest(completion_token(secret, number, request), token)


def completion_path(secret: bytes, number: str, request: CompletionRequest) -> str:
    """The path (under the service's base URL) that opens the completion page."""
    return f"{PATH}/{number}/{completion_token(secret, number, request)}"


@dataclass(frozen=True, slots=True)
class Completed:
    """The token's request was answered by the citizen at `at`."""

    at: datetime


def link_status(
    secret: bytes,
    number: str,
    open_request: CompletionRequest | None,
    events: Iterable[Event],
    token: str,
) -> CompletionRequest | Completed | None:
    """What `token` opens now: the open request, the completion that answered its request,
    or None (a token this dossier never made, or a request the city replaced)."""
    if completion_valid(secret, number, open_request, token):
        return open_request
    asked: CompletionRequest | None = None
    for event in events:
        if event.kind is Kind.FOUND_INCOMPLETE:
            request = CompletionRequest(event.at, "", ())
            asked = request if completion_valid(secret, number, request, token) else None
        elif event.kind is Kind.COMPLETED and asked is not None:
            return Completed(event.at)
    return None
