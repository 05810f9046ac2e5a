"""Text from outside, made safe to show: a client's file name, and any name or answer.

A file name is only a label: blobs are stored by their hash. What the client sends is
untrusted, so `sanitise_label` keeps letters, digits and punctuation of any script, but drops
any path and every control and formatting character (among them the bidi overrides that make
`gpj.exe` read as `exe.jpg`), makes every line break or odd space one plain space, and
replaces the characters Windows refuses in file names. It fits in 255 bytes of UTF-8, the
limit of common file systems, keeping the extension when it has to be cut. It is never empty.

Any other text a citizen or an integrator wrote (a name, an answer, a file name in the answers)
is stored exactly as sent: the filed answers and the digest signed over them must stay what
was sent. Only where it is shown (pages, the receipt PDF) `display_text` drops the bidi
controls, which would otherwise reorder it and what follows it ("evil" shown as "live").
"""

from __future__ import annotations

import re
import unicodedata

FALLBACK = "bijlage"
MAX_BYTES = 255
MAX_EXTENSION = 16  # longer "extensions" are just part of the name when cutting

_WINDOWS_RESERVED = frozenset('<>:"|?*')
# Embeddings, overrides and isolates, the marks LRM, RLM and ALM: invisible, they reorder text.
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
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


def display_text(text: str) -> str:
    """`text` as it may be shown: in the order it was written, without bidi controls."""
    if text.isascii():  # most text: nothing to drop, and this check is cheap
        return text
    return text.translate(_BIDI_CONTROLS)


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
