"""The media type of an upload, judged from its first bytes; the client's word is never taken.

formkit accepts three kinds of attachment, so the decision rests on three exact signatures of
our own, each stricter than a bare magic number:

- PDF: `%PDF-` and a version (`1.x` or `2.x`) at offset 0 (ISO 32000-2, 7.5.2);
- JPEG: the SOI marker `FF D8` followed by the start of a next marker (`FF C0`..`FF FE`);
- PNG: the 8-byte signature followed by the IHDR chunk that must come first.

`puremagic` only names what other content looks like, for messages and logs. It does not decide,
because from a prefix it calls things what they are not: the text `\\377\\330\\377` is
"image/jpeg" to it, the text `\\x89PNG` "image/png", and a JPEG 2000 file "image/jpeg" first.
"""

from __future__ import annotations

import re

import puremagic

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
UNKNOWN = "application/octet-stream"
EMPTY = "inode/x-empty"  # what file(1) calls it

SNIFF_BYTES = 8192  # the prefix worth waiting for before judging; far more than a signature

_PDF = re.compile(rb"%PDF-[12]\.[0-9]")
_JPEG = re.compile(rb"\xff\xd8\xff[\xc0-\xfe]")
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"

KNOWN = frozenset({PDF, JPEG, PNG})


def sniff(prefix: bytes) -> str:
    """The media type of content that starts with `prefix` (its first `SNIFF_BYTES` suffice)."""
    if not prefix:
        return EMPTY
    if _PDF.match(prefix):
        return PDF
    if _JPEG.match(prefix):
        return JPEG
    if prefix.startswith(_PNG):
        return PNG
    return _name_other(prefix[:SNIFF_BYTES])


def _name_other(prefix: bytes) -> str:
    try:
        guesses = puremagic.magic_string(prefix)
    except (puremagic.PureError, ValueError):
        return UNKNOWN
    # A type that our own signatures just refused is one of puremagic's false matches.
    named = (g.mime_type for g in guesses if g.mime_type and g.mime_type not in KNOWN)
    return next(named, UNKNOWN)
