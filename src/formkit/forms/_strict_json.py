"""JSON from outside, decoded so that it means exactly one thing.

`decode` gives what `msgspec.json.decode` gives (the same ints, floats, big numbers and
refusals), and refuses besides:

- an object that names a key twice: `{"a": 1, "a": 2}` means 1 to one reader and 2 to
  another, and filed answers and a signed digest must mean one thing;
- nesting deeper than `MAX_DEPTH`: no form goes near it, and every walk of the answers after
  this one (validation, binding, canonical JSON) may then recurse without a second thought;
- bytes that are not UTF-8.

Finding duplicates costs little. Outside strings, a `:` only ever follows an object's key, so
a document's `:` bytes are its keys plus the colons inside its strings. msgspec writes the
decoded document back with every colon as it is: one `:` fewer there for each key a duplicate
dropped. A colon can also be written `\\u003a`, which msgspec writes back as a plain `:`; a
document spelling one that way (none does in practice) is read a second time, slowly, to count
its keys one by one.

Errors:

FormkitError
└── JsonError (also a ValueError)
    ├── InvalidJsonError    not JSON, or not UTF-8; carries `position` (a byte offset) if known
    ├── DuplicateKeyError   an object names a key twice; carries `key`
    └── TooDeepError        nested deeper than `MAX_DEPTH`
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

from formkit._errors import FormkitError

MAX_DEPTH = 64  # arrays and objects inside each other; evenement's deepest answer is at 4

_ESCAPED_COLONS = (b"\\u003a", b"\\u003A")
_POSITION = re.compile(r"\(byte (\d+)\)")


class JsonError(FormkitError, ValueError):
    """Not one JSON document that formkit accepts."""


class InvalidJsonError(JsonError):
    def __init__(self, reason: str, position: int | None = None) -> None:
        self.position = position
        super().__init__(reason)


class DuplicateKeyError(JsonError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"the key {key!r} appears twice in one object")


class TooDeepError(JsonError):
    def __init__(self) -> None:
        super().__init__(f"nested deeper than {MAX_DEPTH} levels")


def decode(data: bytes | bytearray | str) -> Any:
    """The document in `data`; a `JsonError` says why there is none."""
    if isinstance(data, str):
        data = data.encode(errors="surrogatepass")
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        raise InvalidJsonError(str(error), _position(str(error), len(data))) from None
    except UnicodeDecodeError as error:  # its offset is within one string: not telling
        raise InvalidJsonError(f"not UTF-8: {error.reason}") from None
    except RecursionError:
        raise TooDeepError from None
    if _nests_deeper(data, document):
        raise TooDeepError
    if _may_have_dropped_keys(data, document):
        key = _first_duplicate(data)
        if key is not None:
            raise DuplicateKeyError(key)
    return document


def explain(error: JsonError, data: bytes | bytearray | str) -> str:
    """`error` in `data` as a command line says it: what is wrong and, if known, where."""
    if isinstance(error, InvalidJsonError) and error.position is not None:
        line, column = _line_and_column(data, error.position)
        return f"invalid JSON (line {line}, column {column}): {error}"
    return f"invalid JSON: {error}"


def _position(message: str, length: int) -> int | None:
    """The byte offset msgspec's `message` names; the end, for a document cut short."""
    found = _POSITION.search(message)
    if found:
        return int(found.group(1))
    return length if "truncated" in message else None


def _line_and_column(data: bytes | bytearray | str, position: int) -> tuple[int, int]:
    """Where the byte at `position` is, as an editor counts: line and column, from 1."""
    raw = data.encode(errors="surrogatepass") if isinstance(data, str) else bytes(data)
    before = raw[:position].decode(errors="replace")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def _nests_deeper(data: bytes | bytearray, document: Any) -> bool:
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return False  # too few brackets to nest that deep, strings included
    level = [document] if isinstance(document, dict | list) else []
    for _ in range(MAX_DEPTH):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def _may_have_dropped_keys(data: bytes | bytearray, document: Any) -> bool:
    """Whether decoding `data` into `document` may have dropped a key named twice in one
    object: certainly not when False; when True, `_first_duplicate` tells."""
    colons = data.count(b":")
    if colons == 0:
        return False  # no object has a key
    if any(escaped in data for escaped in _ESCAPED_COLONS):
        return True
    return msgspec.json.encode(document).count(b":") != colons


def _first_duplicate(data: bytes | bytearray) -> str | None:
    """The first key `data` names twice in one object, if any. Only for valid JSON."""

    def pairs(items: list[tuple[str, Any]]) -> None:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)

    try:
        # Numbers stay text: only the keys matter here, and a huge integer is no error.
        json.loads(data, object_pairs_hook=pairs, parse_int=str, parse_float=str)
    except DuplicateKeyError as error:
        return error.key
    return None
