"""Small office documents as their writers lay them out, for the sniffing and advice tests."""

from __future__ import annotations

import io
import zipfile

ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def _zip(entries: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def docx(text: str = "Verslag") -> bytes:
    """A Word document: `[Content_Types].xml` first, its parts under `word/`."""
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED),
            ("_rels/.rels", b"<Relationships/>", zipfile.ZIP_DEFLATED),
            ("word/document.xml", f"<w:document>{text}</w:document>".encode(), 8),
        ]
    )


def xlsx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED),
            ("_rels/.rels", b"<Relationships/>", zipfile.ZIP_DEFLATED),
            ("xl/workbook.xml", b"<workbook/>", zipfile.ZIP_DEFLATED),
        ]
    )


def odt(mimetype: bytes = ODT_TYPE, method: int = zipfile.ZIP_STORED) -> bytes:
    """An OpenDocument text: its `mimetype` entry first, stored (`method`: to break the rule)."""
    return _zip([("mimetype", mimetype, method), ("content.xml", b"<office/>", 8)])


def plain_zip() -> bytes:
    return _zip([("readme.txt", b"Hallo", zipfile.ZIP_DEFLATED)])
