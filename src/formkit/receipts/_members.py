"""Reading and writing the members of formkit's sealed JSON documents, one way only.

Every reader here is strict: a member missing, extra, of the wrong type or not in the one
written form is a `ReceiptError`, so two different byte strings never read as the same
document.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from formkit._errors import FormkitError
from formkit.receipts._merkle import MAX_JSON_INT

_HEX64 = re.compile(r"[0-9a-f]{64}")
_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


class ReceiptError(FormkitError):
    """A receipt that cannot be made or read; the message says which member and why."""


def format_moment(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`: `2026-11-28T10:00:00Z`, microseconds only when there."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def parse_moment(text: object, what: str = "filed_at") -> datetime:
    if not isinstance(text, str) or not _MOMENT.fullmatch(text):
        raise ReceiptError(f"{what} must be an RFC 3339 moment in UTC ending in Z")
    try:
        moment = datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise ReceiptError(f"{what} is no moment: {text!r}") from None
    if format_moment(moment) != text:
        raise ReceiptError(f"{what} is not written the way formkit writes it")
    return moment


def members_of(data: object, what: str, keys: set[str] | frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ReceiptError(f"{what} must be a JSON object")
    missing, extra = keys - set(data), set(data) - keys
    if missing or extra:
        details = [f"missing {sorted(missing)}"] * bool(missing)
        details += [f"unexpected {sorted(extra)}"] * bool(extra)
        raise ReceiptError(f"{what}: {', '.join(details)}")
    return data


def text_of(members: Mapping[str, Any], key: str) -> str:
    value = members[key]
    if not isinstance(value, str):
        raise ReceiptError(f"{key} must be a string")
    return value


def count_of(members: Mapping[str, Any], key: str) -> int:
    value = members[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_JSON_INT:
        raise ReceiptError(f"{key} must be a whole number from 0 to {MAX_JSON_INT}")
    return value


def hex_of(members: Mapping[str, Any], key: str) -> str:
    value = text_of(members, key)
    if not _HEX64.fullmatch(value):
        raise ReceiptError(f"{key} must be 64 lower-case hex digits")
    return value


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str) or not text.isascii():
        raise ReceiptError(f"{what} must be a base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ReceiptError(f"{what} is not base64") from None
    if b64(data) != text:  # one spelling only: no stray padding bits
        raise ReceiptError(f"{what} is not written the way formkit writes it")
    return data


def is_hex64(text: str) -> bool:
    return _HEX64.fullmatch(text) is not None
