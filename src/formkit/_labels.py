"""A client's file name, made safe to show and to offer back as a download name.

The name is only a label: blobs are stored by their hash. What the client sends is untrusted, so
the label keeps letters, digits and punctuation of any script, but drops any path and every
control and formatting character (among them the bidi overrides that make `gpj.exe` read as
`exe.jpg`), makes every line break or odd space one plain space, and replaces the characters
Windows refuses in file names. It fits in 255 bytes of UTF-8, the limit of
common file systems, keeping the extension when it has to be cut. It is never empty.
"""

from __future__ import annotations

import re
import unicodedata

FALLBACK = "bijlage"
MAX_BYTES = 255
MAX_EXTENSION = 16  # longer "extensions" are just part of the name when cutting

_WINDOWS_RESERVED = frozenset('<>:"|?*')
_SPACES = re.compile(r" {2,}")
_EDGES = " ."  # a leading dot hides a file; Windows drops trailing dots and spaces


def sanitise_label(filename: str) -> str:
    """A safe display label for `filename` as the client sent it."""
    name = unicodedata.normalize("NFC", filename)
    name = re.split(r"[/\\]", name)[-1]  # a path's last part: browsers of old sent full paths
    name = "".join(_clean(char) for char in name)
    name = _SPACES.sub(" ", name).strip(_EDGES)
    name = _fit(name, MAX_BYTES).strip(_EDGES)
    return name or FALLBACK


def _clean(char: str) -> str:
    if char.isspace():  # every kind of space, tab and line break
        return " "
    if unicodedata.category(char).startswith("C"):  # control, format (bidi), private, unassigned
        return ""
    if char in _WINDOWS_RESERVED:
        return "_"
    return char


def _fit(name: str, limit: int) -> str:
    if len(name.encode()) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION:
        return _cut(name, limit)
    suffix = dot + extension
    return _cut(stem, limit - len(suffix.encode())).rstrip(_EDGES) + suffix


def _cut(text: str, limit: int) -> str:
    """The longest prefix of `text` that fits in `limit` bytes, never half a character."""
    return text.encode()[:limit].decode(errors="ignore")
