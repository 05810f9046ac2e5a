from __future__ import annotations

import struct
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests import office_files

from formkit.filing._sniff import (
    DOCX,
    EMPTY,
    JPEG,
    KNOWN,
    ODS,
    ODT,
    PDF,
    PNG,
    SNIFF_BYTES,
    UNKNOWN,
    XLSX,
    sniff,
)


def png_file() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_file(version: str = "1.7") -> bytes:
    """A real one-page PDF (offsets in the xref table are not checked by the sniffer)."""
    return (
        f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1")
        + b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


JFIF = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00\x43\x00"
EXIF = b"\xff\xd8\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08"
RAW_JPEG = b"\xff\xd8\xff\xdb\x00\x43\x00\x08\x06\x06\x07\x06\x05\x08"
JPEG_2000 = b"\x00\x00\x00\x0cjP  \r\n\x87\n\x00\x00\x00\x14ftypjp2 "


@pytest.mark.parametrize("version", ["1.0", "1.4", "1.7", "2.0"])
def test_a_pdf_of_any_version_is_pdf(version: str) -> None:
    assert sniff(pdf_file(version)) == PDF


@pytest.mark.parametrize("content", [JFIF, EXIF, RAW_JPEG], ids=["jfif", "exif", "raw"])
def test_jpeg_with_any_first_segment_is_jpeg(content: bytes) -> None:
    assert sniff(content) == JPEG


def test_a_png_is_png() -> None:
    assert sniff(png_file()) == PNG


@pytest.mark.parametrize(
    "content",
    [
        b"Dit is geen PDF, alleen tekst in een bestand dat plan.pdf heet.",
        b"\\377\\330\\377 text that spells out a JPEG signature",  # puremagic: image/jpeg
        b"\\x89PNG text that spells out a PNG signature",  # puremagic: image/png
        b"<html><body>%PDF-1.7</body></html>",
        b"%PDF- but no version",
        b"\n%PDF-1.7\n",  # not at offset 0
        b"\xff\xd8\xff",  # a JPEG cut short
        png_file()[:12],  # a PNG signature without its IHDR chunk
        JPEG_2000,  # puremagic's first guess: image/jpeg
    ],
    ids=[
        "text",
        "jpeg-spelled-out",
        "png-spelled-out",
        "html-mentioning-pdf",
        "pdf-without-version",
        "pdf-after-newline",
        "jpeg-cut-short",
        "png-without-ihdr",
        "jpeg-2000",
    ],
)
def test_content_that_only_resembles_an_accepted_type_is_not_that_type(content: bytes) -> None:
    assert sniff(content) not in KNOWN


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00", "image/gif"),
        (JPEG_2000, "image/jp2"),
        (b"<!DOCTYPE html><html></html>", "text/html"),
    ],
    ids=["gif", "jpeg-2000", "html"],
)
def test_other_content_is_named_for_the_message(content: bytes, expected: str) -> None:
    assert sniff(content) == expected


def test_unrecognisable_content_is_octet_stream() -> None:
    assert sniff(b"\x8d\x8b\x14m\xe03[\x81\xd7<\x0b\xeb\xeex32") == UNKNOWN


def test_no_bytes_is_empty() -> None:
    assert sniff(b"") == EMPTY


@given(
    st.sampled_from([(pdf_file(), PDF), (JFIF, JPEG), (png_file(), PNG)]),
    st.binary(max_size=SNIFF_BYTES),
)
def test_the_type_depends_only_on_the_start(known: tuple[bytes, str], tail: bytes) -> None:
    start, media_type = known
    assert sniff(start + tail) == media_type
    assert sniff((start + tail)[:SNIFF_BYTES]) == media_type


@given(st.binary(max_size=2 * SNIFF_BYTES))
def test_any_bytes_get_a_media_type(content: bytes) -> None:
    assert "/" in sniff(content)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (office_files.docx(), DOCX),
        (office_files.xlsx(), XLSX),
        (office_files.odt(), ODT),
        (office_files.odt(b"application/vnd.oasis.opendocument.spreadsheet"), ODS),
    ],
    ids=["docx", "xlsx", "odt", "ods"],
)
def test_an_office_document_is_known_by_its_first_zip_entries(
    content: bytes, expected: str
) -> None:
    assert sniff(content) == expected


@pytest.mark.parametrize(
    "content",
    [
        office_files.plain_zip(),
        office_files.odt(method=zipfile.ZIP_DEFLATED),  # ODF keeps `mimetype` uncompressed
        office_files.odt(b"application/vnd.oasis.opendocument.presentation"),
        office_files.docx()[:20],  # a header cut short
        b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.text",
    ],
    ids=["zip", "odt-compressed-mimetype", "odp", "cut-short", "odt-without-a-name-length"],
)
def test_a_zip_that_is_not_one_of_our_documents_is_none_of_them(content: bytes) -> None:
    assert sniff(content) not in {ODT, ODS, DOCX, XLSX}
