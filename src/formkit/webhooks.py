"""Signed webhooks as the Standard Webhooks specification has them (standardwebhooks.com).

A message carries three headers: `webhook-id` (the same on every retry, so a receiver can
ignore repeats), `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`
(`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, space-separated when several). The
secret reads `whsec_<base64>`; the key is its decoded bytes.

The body of `dossier.created` is thin on purpose: the number, the form and the dossier's API
address, never answers or anything about the citizen. The integrator fetches the dossier with
its API key, so every read of personal data is authenticated and logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from formkit._errors import FormkitError

DOSSIER_CREATED = "dossier.created"
PHASE_CHANGED = "dossier.phase-changed"
ADVICE_REQUESTED = "dossier.advice-requested"
ADVICE_GIVEN = "dossier.advice-given"
DECIDED = "dossier.decided"
HANDLING_EVENTS = (PHASE_CHANGED, ADVICE_REQUESTED, ADVICE_GIVEN, DECIDED)
EVENTS = (DOSSIER_CREATED, *HANDLING_EVENTS)
SECRET_PREFIX = "whsec_"  # noqa: S105 - how a secret is written, not a secret
TOLERANCE = timedelta(minutes=5)  # the receivers' window for an attempt's timestamp
SCHEMES = ("http", "https")

_SECRET_BYTES = 32  # the specification asks for 24 to 64


class SignatureError(FormkitError):
    """A webhook message is not signed with the expected secret, or not within the window."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode()


def check_url(url: str) -> str:
    """The receiver's address if it is absolute http(s); other schemes are never called."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"a webhook address must be an absolute http(s) URL, not {url!r}")
    return url


def message_id(event: str, subject: str) -> str:
    """One id per event and subject, stable across retries and replays; no dots in it."""
    digest = hashlib.sha256(f"{event}\0{subject}".encode()).hexdigest()
    return f"msg_{digest[:32]}"


def dossier_created(number: str, form_id: str, url: str, at: datetime) -> str:
    """The body of `dossier.created`: minified JSON, signed and sent exactly as returned."""
    return dossier_event(DOSSIER_CREATED, number, form_id, url, at)


def dossier_event(
    event: str,
    number: str,
    form_id: str,
    url: str,
    at: datetime,
    more: Mapping[str, Any] | None = None,
) -> str:
    """The body of a dossier's event: its number, form and url, and what `more` the event says
    (never answers); minified JSON, signed and sent exactly as returned."""
    data = {"number": number, "form": form_id, "url": url, **(more or {})}
    body = {"type": event, "timestamp": _iso(at), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def signature(secret: str, message: str, timestamp: int, body: bytes) -> str:
    signed = f"{message}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(secret: str, message: str, body: bytes, at: datetime) -> dict[str, str]:
    """The three headers for one attempt at `at`."""
    timestamp = int(at.timestamp())
    return {
        "webhook-id": message,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance: timedelta = TOLERANCE,
) -> None:
    """Raise SignatureError unless one `v1` signature matches and the timestamp is recent."""
    lowered = {name.lower(): value for name, value in headers.items()}
    message = lowered.get("webhook-id", "")
    stamp = lowered.get("webhook-timestamp", "")
    offered = lowered.get("webhook-signature", "").split()
    if not message or not (stamp.isascii() and stamp.isdigit()) or not offered:
        raise SignatureError("the webhook-id, -timestamp or -signature header is missing")
    sent = datetime.fromtimestamp(int(stamp), UTC)
    if abs(now - sent) > tolerance:
        raise SignatureError(f"the timestamp {stamp} is outside the window of {tolerance}")
    expected = signature(secret, message, int(stamp), body).encode()
    if not any(hmac.compare_digest(expected, candidate.encode()) for candidate in offered):
        raise SignatureError("no signature matches")


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise SignatureError("a webhook secret reads whsec_ followed by base64") from None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
