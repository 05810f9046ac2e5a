"""The receipt for people: a one- or two-page Dutch PDF "Ontvangstbewijs", before sealing.

The page shows what the JSON receipt says, in words: dossier, form, the moment in Belgian
time, the citizen's eID signature (name and masked national register number), the answers'
digest, every attachment with size and SHA-256, the place in the public log, and a QR code with
the verification URL. The PDF also carries the receipt itself as embedded files,
`ontvangstbewijs.json` (readable JSON) and `ontvangstbewijs.jws` (the sealed JWS), so the PDF
alone is enough to verify it offline. `_pades.seal_pdf` then seals the whole file. Fonts,
colours and the footer are the shared base's (`_pdfbase`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import segno
from fpdf.enums import MethodReturnValue, XPos, YPos

from formkit.forms._dutch import moment_text, size_text
from formkit.receipts._document import Receipt
from formkit.receipts._layout import ReceiptLayout
from formkit.receipts._pdfbase import LaidOutPdf, core_safe

EMBEDDED_JSON = "ontvangstbewijs.json"
EMBEDDED_JWS = "ontvangstbewijs.jws"
_QR_MM = 34.0
_LABEL_MM = 46.0


def render_receipt_pdf(receipt: Receipt, jws: str, layout: ReceiptLayout) -> bytes:
    """The unsealed PDF of `receipt`, with `jws` (the same receipt, sealed) embedded."""
    document = _Document(receipt, layout, _texts_of(receipt))
    document.draw()
    moment = receipt.body.filed_at
    document.embed_json(EMBEDDED_JSON, receipt.to_dict(), "Het ontvangstbewijs in JSON", moment)
    description = "Het ontvangstbewijs als JWS, verzegeld door de stad"
    document.embed_jws(EMBEDDED_JWS, jws, description, moment)
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


class _Document(LaidOutPdf):
    """One receipt being laid out; `draw` draws it."""

    def __init__(self, receipt: Receipt, layout: ReceiptLayout, texts: Iterable[str]) -> None:
        body = receipt.body
        super().__init__(
            layout,
            texts,
            title=f"Ontvangstbewijs {body.number}",
            author=body.issuer.name,
            subject=body.form_title,
            moment=body.filed_at,
        )
        self.receipt = receipt

    def draw(self) -> None:
        self.add_page()
        self._header_block()
        self._details()
        self._attachments()
        self._log()
        self._verification()

    # The parts of the page, top to bottom.

    def _header_block(self) -> None:
        body = self.receipt.body
        top = self.get_y()
        self._qr_code(body.verify_url, self.w - self.r_margin - _QR_MM, top)
        if self.layout.logo is not None:
            self.image(str(self.layout.logo), h=14)
        width = self.epw - _QR_MM - 6
        self.font(11, bold=True, accent=True)
        self.lines(body.issuer.name, 6, width)
        self.font(22, bold=True)
        self.lines("Ontvangstbewijs", 11, width)
        self.font(14, bold=True, accent=True)
        self.lines(f"Dossier {body.number}", 8, width)
        self.ln(2)
        self.font(10)
        self.lines(
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
            self.font(10, bold=True)
            self.lines(f"{number}. {attachment.name}", 5)
            self.font(9, muted=True)
            self.lines(f"{attachment.media_type}, {size_text(attachment.size)}", 4.5)
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

    def _heading(self, text: str) -> None:
        self.ln(3)
        self.font(12, bold=True, accent=True)
        self.lines(text, 7)
        self.ln(0.5)

    def _paragraph(self, text: str) -> None:
        self.font(10)
        self.lines(text, 5)
        self.ln(1)

    def _row(self, label: str, value: str, *, mono: bool = False) -> None:
        """A label in the left column, its value beside it; the taller of the two sets the row."""
        top = self.get_y()
        self.font(9, muted=True)
        self.multi_cell(_LABEL_MM, 5, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        label_bottom = top + self._line_count(label, _LABEL_MM) * 5
        if mono:
            self.set_font("courier", size=8.5)
            self.multi_cell(0, 5, core_safe(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            self.font(10)
            self.lines(value, 5)
        self.set_y(max(self.get_y(), label_bottom) + 1.5)

    def _mono(self, text: str) -> None:
        """Hashes and other machine text: Courier, which prints them in ASCII anyway."""
        self.set_font("courier", size=8.5)
        self.colour(self.layout.text_colour)
        self.multi_cell(0, 4.5, core_safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

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
        self.font(7, muted=True)
        self.set_xy(x, y + _QR_MM + 1)
        self.cell(_QR_MM, 3, "Scan om te controleren", align="C")
        self.set_xy(self.l_margin, y)
