"""The receipt for people: a one- or two-page Dutch PDF "Ontvangstbewijs", before sealing.

The page shows what the JSON receipt says, in words: dossier, form, the moment in Belgian
time, the citizen's eID signature (name and masked national register number), the answers'
digest, every attachment with size and SHA-256, the place in the public log, and a QR code with
the verification URL. The PDF also carries the receipt itself as embedded files,
`ontvangstbewijs.json` (readable JSON) and `ontvangstbewijs.jws` (the sealed JWS), so the PDF
alone is enough to verify it offline. `_pades.seal_pdf` then seals the whole file.

Text uses the PDF's built-in Helvetica when every character is Western European (cp1252):
small and fast. A name beyond that (Ł, Ş, ...) switches the document to the TrueType fonts of
the layout, embedded as subsets; without them such characters print as `?` (the embedded JSON
keeps them exactly). Every text is printed without bidi controls (`display_text`), as the pages
show it; the embedded JSON keeps those too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from formkit.forms._dutch import moment_text, size_text
from formkit.forms._labels import display_text
from formkit.receipts._document import Receipt
from formkit.receipts._layout import ReceiptLayout

EMBEDDED_JSON = "ontvangstbewijs.json"
EMBEDDED_JWS = "ontvangstbewijs.jws"
_CORE_ENCODING = "cp1252"  # the WinAnsiEncoding fpdf2 declares for the built-in fonts
_UNICODE_FAMILY = "receipt"
_QR_MM = 34.0
_LABEL_MM = 46.0


def render_receipt_pdf(receipt: Receipt, jws: str, layout: ReceiptLayout) -> bytes:
    """The unsealed PDF of `receipt`, with `jws` (the same receipt, sealed) embedded."""
    document = _Document(receipt, layout, _texts_of(receipt))
    document.draw()
    body = receipt.body
    moment = body.filed_at
    pretty = json.dumps(receipt.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    document.embed_file(
        bytes=pretty,
        basename=EMBEDDED_JSON,
        desc="Het ontvangstbewijs in JSON",
        mime_type="application/json",
        modification_date=moment,
        compress=True,
    )
    document.embed_file(
        bytes=jws.encode("ascii"),
        basename=EMBEDDED_JWS,
        desc="Het ontvangstbewijs als JWS, verzegeld door de stad",
        mime_type="application/jose",
        modification_date=moment,
        compress=True,
    )
    return bytes(document.output())


def _texts_of(receipt: Receipt) -> list[str]:
    """Every text of the receipt that comes from outside: what decides the fonts."""
    body = receipt.body
    texts = [body.number, body.form_title, body.version, body.issuer.name, body.verify_url]
    texts += [attachment.name for attachment in body.attachments]
    texts += [attachment.media_type for attachment in body.attachments]
    if body.signer is not None:
        texts += [body.signer.name, body.signer.national_number_masked]
    return texts


class _Document(FPDF):
    """One receipt being laid out; `draw` draws it."""

    def __init__(self, receipt: Receipt, layout: ReceiptLayout, texts: Iterable[str]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.receipt = receipt
        self.layout = layout
        self.core_fonts_encoding = _CORE_ENCODING
        self.text_family = self._choose_family(texts)
        self.set_margins(layout.margin_mm, layout.margin_mm, layout.margin_mm)
        self.set_auto_page_break(auto=True, margin=layout.margin_mm + 6)
        body = receipt.body
        self.set_title(f"Ontvangstbewijs {body.number}")
        self.set_author(self._safe(body.issuer.name))
        self.set_subject(self._safe(body.form_title))
        self.set_creator("formkit")
        self.set_lang("nl-BE")
        self.set_creation_date(body.filed_at)

    def draw(self) -> None:
        self.add_page()
        self._header_block()
        self._details()
        self._attachments()
        self._log()
        self._verification()

    def footer(self) -> None:
        self.set_y(-(self.layout.margin_mm + 2))
        self._font(7, muted=True)
        text = f"{self.layout.footer}   Ontvangstbewijs {self.receipt.body.number}"
        self.cell(0, 4, self._safe(text))
        self.cell(0, 4, f"pagina {self.page_no()}/{{nb}}", align="R")

    # The parts of the page, top to bottom.

    def _header_block(self) -> None:
        body = self.receipt.body
        top = self.get_y()
        self._qr_code(body.verify_url, self.w - self.r_margin - _QR_MM, top)
        if self.layout.logo is not None:
            self.image(str(self.layout.logo), h=14)
        width = self.epw - _QR_MM - 6
        self._font(11, bold=True, accent=True)
        self._lines(body.issuer.name, 6, width)
        self._font(22, bold=True)
        self._lines("Ontvangstbewijs", 11, width)
        self._font(14, bold=True, accent=True)
        self._lines(f"Dossier {body.number}", 8, width)
        self.ln(2)
        self._font(10)
        self._lines(
            f"{body.issuer.name} bevestigt dat dit dossier werd ingediend en dat het is "
            "opgenomen in het openbare register van inzendingen.",
            5,
            width,
        )
        self.set_y(max(self.get_y(), top + _QR_MM + 8) + 2)

    def _details(self) -> None:
        body = self.receipt.body
        self._row("Formulier", body.form_title)
        self._row("Versie van het formulier", body.version, mono=True)
        self._row("Ingediend op", f"{moment_text(body.filed_at)} (Belgische tijd)")
        signer = body.signer
        if signer is None:
            self._row("Ondertekening", "Niet ondertekend met de eID.")
        else:
            who = f"{signer.name}, rijksregisternummer {signer.national_number_masked}"
            self._row("Ondertekend met de eID door", who)
        self._row("Vingerafdruk van de antwoorden (SHA-256)", body.answers_sha256, mono=True)

    def _attachments(self) -> None:
        attachments = self.receipt.body.attachments
        self._heading(f"Bijlagen ({len(attachments)})")
        if not attachments:
            self._paragraph("Geen bijlagen.")
        for number, attachment in enumerate(attachments, start=1):
            self._font(10, bold=True)
            self._lines(f"{number}. {attachment.name}", 5)
            self._font(9, muted=True)
            self._lines(f"{attachment.media_type}, {size_text(attachment.size)}", 4.5)
            self._mono(f"SHA-256 {attachment.sha256}")
            self.ln(1.5)

    def _log(self) -> None:
        proof, head = self.receipt.proof, self.receipt.tree_head.head
        sealed_at = datetime.fromtimestamp(head.timestamp_ms / 1000, tz=UTC)
        self._heading("Openbaar register van inzendingen")
        self._paragraph(
            f"Dit dossier staat op plaats {proof.leaf_index + 1} van {proof.tree_size} in het "
            f"register (index {proof.leaf_index}). De stad verzegelde die stand van het register "
            f"op {moment_text(sealed_at)}; de wortel van de Merkle-boom (RFC 9162) is:"
        )
        self._mono(head.to_dict()["root_hash"])

    def _verification(self) -> None:
        body = self.receipt.body
        self._heading("Zelf controleren")
        self._paragraph(f"Scan de QR-code of ga naar {body.verify_url}")
        self._paragraph(
            f"Dit PDF-bestand is elektronisch verzegeld door {body.issuer.name}. Het bevat het "
            f"volledige ontvangstbewijs als bijlagen {EMBEDDED_JSON} en {EMBEDDED_JWS}, zodat "
            "iedereen het ook zonder internet kan controleren, bijvoorbeeld met "
            "'formkit verify ontvangstbewijs.pdf'. Wie de bijlagen van het dossier bewaart, kan "
            "ook die laten nakijken: hun SHA-256 staat hierboven."
        )

    # Building blocks.

    def _lines(self, text: str, height: float, width: float = 0) -> None:
        """`text` left-aligned and wrapped in `width` (0: to the right margin), then a new line."""
        self.multi_cell(
            width, height, self._safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def _heading(self, text: str) -> None:
        self.ln(3)
        self._font(12, bold=True, accent=True)
        self._lines(text, 7)
        self.ln(0.5)

    def _paragraph(self, text: str) -> None:
        self._font(10)
        self._lines(text, 5)
        self.ln(1)

    def _row(self, label: str, value: str, *, mono: bool = False) -> None:
        """A label in the left column, its value beside it; the taller of the two sets the row."""
        top = self.get_y()
        self._font(9, muted=True)
        self.multi_cell(_LABEL_MM, 5, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        label_bottom = top + self._line_count(label, _LABEL_MM) * 5
        if mono:
            self.set_font("courier", size=8.5)
            self.multi_cell(0, 5, _core_safe(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            self._font(10)
            self._lines(value, 5)
        self.set_y(max(self.get_y(), label_bottom) + 1.5)

    def _mono(self, text: str) -> None:
        """Hashes and other machine text: Courier, which prints them in ASCII anyway."""
        self.set_font("courier", size=8.5)
        self._colour(self.layout.text_colour)
        self.multi_cell(0, 4.5, _core_safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _line_count(self, text: str, width: float) -> int:
        lines = self.multi_cell(
            width, 5, text, align="L", dry_run=True, output=MethodReturnValue.LINES
        )
        assert isinstance(lines, list)
        return max(1, len(lines))

    def _qr_code(self, url: str, x: float, y: float) -> None:
        """The QR code as filled squares: sharp at any zoom, no image needed."""
        matrix = segno.make(url, error="m", micro=False).matrix
        module = _QR_MM / len(matrix)
        self.set_fill_color(0, 0, 0)
        for row, bits in enumerate(matrix):
            column = 0
            while column < len(bits):
                if not bits[column]:
                    column += 1
                    continue
                start = column
                while column < len(bits) and bits[column]:
                    column += 1
                left = x + start * module
                self.rect(left, y + row * module, (column - start) * module, module, style="F")
        self._font(7, muted=True)
        self.set_xy(x, y + _QR_MM + 1)
        self.cell(_QR_MM, 3, "Scan om te controleren", align="C")
        self.set_xy(self.l_margin, y)

    def _font(
        self, size: float, *, bold: bool = False, accent: bool = False, muted: bool = False
    ) -> None:
        self.set_font(self.text_family, style="B" if bold else "", size=size)
        layout = self.layout
        colour = layout.accent_colour if accent else layout.muted_colour if muted else None
        self._colour(colour or layout.text_colour)

    def _colour(self, colour: str) -> None:
        self.set_text_color(int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))

    def _choose_family(self, texts: Iterable[str]) -> str:
        if all(_fits_core_fonts(display_text(text)) for text in texts):
            return "helvetica"
        regular, bold = self.layout.regular_font, self.layout.bold_font
        if regular is None or bold is None or not (regular.is_file() and bold.is_file()):
            return "helvetica"
        self.add_font(_UNICODE_FAMILY, "", str(regular))
        self.add_font(_UNICODE_FAMILY, "B", str(bold))
        return _UNICODE_FAMILY

    def _safe(self, text: str) -> str:
        """`text` as it may be shown, as the current family can print it: beyond cp1252 only
        with TrueType."""
        shown = display_text(text)
        return shown if self.text_family == _UNICODE_FAMILY else _core_safe(shown)


def _core_safe(text: str) -> str:
    return text.encode(_CORE_ENCODING, "replace").decode(_CORE_ENCODING)


def _fits_core_fonts(text: str) -> bool:
    try:
        text.encode(_CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True
