"""The media type of an upload, judged from its first bytes; the client's word is never taken.

formkit accepts a few kinds of attachment, so the decision rests on exact signatures of our
own, each stricter than a bare magic number:

- PDF: `%PDF-` and a version (`1.x` or `2.x`) at offset 0 (ISO 32000-2, 7.5.2);
- JPEG: the SOI marker `FF D8` followed by the start of a next marker (`FF C0`..`FF FE`);
- PNG: the 8-byte signature followed by the IHDR chunk that must come first;
- OpenDocument (odt, ods): a ZIP whose first entry is `mimetype`, stored uncompressed, holding
  the document's media type (ODF 1.2 part 3, 3.3);
- Office Open XML (docx, xlsx): a ZIP whose first entry is `[Content_Types].xml` and whose
  next entries, in the prefix, are under `word/` or `xl/` (ECMA-376 part 2); a ZIP that is
  neither (or both) is no document of ours.

Documents are accepted only where a slot says so (advice, `formkit.handling.advice_files`).

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
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNKNOWN = "application/octet-stream"
EMPTY = "inode/x-empty"  # what file(1) calls it

SNIFF_BYTES = 8192  # the prefix worth waiting for before judging; far more than a signature

_PDF = re.compile(rb"%PDF-[12]\.[0-9]")
_JPEG = re.compile(rb"\xff\xd8\xff[\xc0-\xfe]")
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"

_ZIP_ENTRY = b"PK\x03\x04"  # a ZIP local file header; its name starts 30 bytes in
# The local header of `mimetype`: any version and flags, method 0 (stored), a name of 8 bytes
# and no extra field, so that its content, the media type, follows the name at once.
_ODF = re.compile(
    rb"PK\x03\x04.{4}\x00\x00.{16}\x08\x00\x00\x00mimetype"
    rb"(application/vnd\.oasis\.opendocument\.[a-z]+)",
    re.S,
)
_ODF_TYPES = frozenset({ODT, ODS})
_OOXML_FIRST = b"[Content_Types].xml"
_OOXML_PARTS = {b"word/": DOCX, b"xl/": XLSX}

KNOWN = frozenset({PDF, JPEG, PNG, ODT, ODS, DOCX, XLSX})


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
    if prefix.startswith(_ZIP_ENTRY):
        document = _document(prefix[:SNIFF_BYTES])
        if document is not None:
            return document
    return _name_other(prefix[:SNIFF_BYTES])


def _document(prefix: bytes) -> str | None:
    """The office document a ZIP's first entries make it, or None."""
    odf = _ODF.match(prefix)
    if odf is not None:
        found = odf.group(1).decode("ascii")
        return found if found in _ODF_TYPES else None
    if _entry_name(prefix, 0) != _OOXML_FIRST:
        return None
    names = [_entry_name(prefix, at) for at in _entries(prefix)]
    kinds = {kind for name in names for part, kind in _OOXML_PARTS.items() if name.startswith(part)}
    return kinds.pop() if len(kinds) == 1 else None


def _entries(prefix: bytes) -> list[int]:
    """Where each local file header in `prefix` starts."""
    found, at = [], prefix.find(_ZIP_ENTRY)
    while at >= 0:
        found.append(at)
        at = prefix.find(_ZIP_ENTRY, at + 1)
    return found


def _entry_name(prefix: bytes, at: int) -> bytes:
    """The name of the local file header at `at` (empty when the prefix ends in it)."""
    header = prefix[at : at + 30]
    if len(header) < 30:
        return b""
    length = int.from_bytes(header[26:28], "little")
    return prefix[at + 30 : at + 30 + length]


def _name_other(prefix: bytes) -> str:
    try:
        guesses = puremagic.magic_string(prefix)
    except (puremagic.PureError, ValueError):
        return UNKNOWN
    # A type that our own signatures just refused is one of puremagic's false matches.
    named = (g.mime_type for g in guesses if g.mime_type and g.mime_type not in KNOWN)
    return next(named, UNKNOWN)
