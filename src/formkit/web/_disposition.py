"""`Content-Disposition` for a stored file (RFC 6266): shown in the browser, or downloaded."""

from __future__ import annotations

from urllib.parse import quote

from formkit.forms._labels import sanitise_label


def content_disposition(label: str, *, inline: bool = False) -> str:
    """The file under its name, made safe: no path, no control or bidi character, no quote;
    in ASCII for old clients, in UTF-8 for the others."""
    name = sanitise_label(label)
    fallback = "".join(char if char.isascii() else "_" for char in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
