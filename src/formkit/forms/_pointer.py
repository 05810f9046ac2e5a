"""JSON Pointers (RFC 6901): the one way formkit names a place in an answer document."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_MISSING = object()


def escape(token: str | int) -> str:
    text = str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape(token) for token in tokens)


def from_path(path: Iterable[str | int]) -> str:
    return join("", *path)


def tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/': {pointer!r}")
    parts = pointer[1:].split("/")
    if "~" not in pointer:  # nothing escaped: the common case, on every validation
        return parts
    return [t.replace("~1", "/").replace("~0", "~") for t in parts]


def child(node: Any, token: str, default: Any = None) -> Any:
    """One step down: the member or item named by `token`, or `default`."""
    if isinstance(node, dict):  # decoded JSON: checked before the slower Mapping ABC
        return node.get(token, default)
    if isinstance(node, Mapping):
        return node.get(token, default)
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    return default


def resolve(document: Any, pointer: str, default: Any = None) -> Any:
    """The value at `pointer`, or `default` when the document has nothing there."""
    node = document
    for token in tokens(pointer):
        node = child(node, token, _MISSING)
        if node is _MISSING:
            return default
    return node


def generic(pointer: str) -> str:
    """The pointer with array indexes replaced by `*`: the field, not one instance of it."""
    if pointer and not pointer.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/': {pointer!r}")
    # Escaping never touches digits, so the escaped tokens can be tested as they stand.
    return "/".join("*" if t.isdigit() else t for t in pointer.split("/"))
