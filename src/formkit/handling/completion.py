"""The citizen's link to complete a dossier the city found incomplete.

The city's mail carries `/aanvullen/<number>/<token>`. The token is a MAC of the dossier's number
and the moment the city asked, under the service's secret: nothing is stored, it opens only the
completion that was asked, and it stops working once the citizen has completed (or the city
asks again, which makes a new moment and a new token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from formkit.handling.state import CompletionRequest

PATH = "/aanvullen"
_CONTEXT = b"formkit-completion\x00"


def completion_token(secret: bytes, number: str, request: CompletionRequest) -> str:
    subject = f"{number}\x00{request.asked.isoformat()}".encode()
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
