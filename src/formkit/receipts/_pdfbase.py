"""What the city's sealed PDFs share: page, fonts, colours, footer and embedded files.

The receipt (`_pdf`) and the decision letter (`_letter_pdf`) are laid out on this base with
the look a city sets in a `layout.json` (`ReceiptLayout`). Text uses the PDF's built-in
Helvetica when every character is Western European (cp1252): small and fast. A text beyond
that (Ł, Ş, ...) switches the document to the TrueType fonts of the layout, embedded as subsets;
without them such characters print as `?` (the embedded JSON keeps them exactly). Every text
is printed without bidi controls (`display_text`), as the pages show it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from formkit.forms._labels import display_text
from formkit.receipts._layout import ReceiptLayout

_CORE_ENCODING = "cp1252"  # the WinAnsiEncoding fpdf2 declares for the built-in fonts
UNICODE_FAMILY = "receipt"


class LaidOutPdf(FPDF):
    """An A4 page in the layout's margins, fonts and colours; `footer_label` ends each page."""

    def __init__(
        self,
        layout: ReceiptLayout,
        texts: Iterable[str],
        *,
        title: str,
        author: str,
        subject: str,
        moment: datetime,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.layout = layout
        self.core_fonts_encoding = _CORE_ENCODING
        self.text_family = self._choose_family(texts)
        self.footer_label = title
        self.set_margins(layout.margin_mm, layout.margin_mm, layout.margin_mm)
        self.set_auto_page_break(auto=True, margin=layout.margin_mm + 6)
        self.set_title(title)
        self.set_author(self.safe(author))
        self.set_subject(self.safe(subject))
        self.set_creator("formkit")
        self.set_lang("nl-BE")
        self.set_creation_date(moment)

    def footer(self) -> None:
        self.set_y(-(self.layout.margin_mm + 2))
        self.font(7, muted=True)
        self.cell(0, 4, self.safe(f"{self.layout.footer}   {self.footer_label}"))
        self.cell(0, 4, f"pagina {self.page_no()}/{{nb}}", align="R")

    def embed_json(
        self, name: str, document: Mapping[str, Any], description: str, moment: datetime
    ) -> None:
        """Embed `document` as readable JSON: the same content as the sealed JWS."""
        pretty = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        self.embed_file(
            bytes=pretty,
            basename=name,
            desc=description,
            mime_type="application/json",
            modification_date=moment,
            compress=True,
        )

    def embed_jws(self, name: str, token: str, description: str, moment: datetime) -> None:
        self.embed_file(
            bytes=token.encode("ascii"),
            basename=name,
            desc=description,
            mime_type="application/jose",
            modification_date=moment,
            compress=True,
        )

    def lines(self, text: str, height: float, width: float = 0) -> None:
        """`text` left-aligned and wrapped in `width` (0: to the right margin), then a new line."""
        self.multi_cell(
            width, height, self.safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def font(
        self, size: float, *, bold: bool = False, accent: bool = False, muted: bool = False
    ) -> None:
        self.set_font(self.text_family, style="B" if bold else "", size=size)
        layout = self.layout
        colour = layout.accent_colour if accent else layout.muted_colour if muted else None
        self.colour(colour or layout.text_colour)

    def colour(self, colour: str) -> None:
        self.set_text_color(*rgb(colour))

    def safe(self, text: str) -> str:
        """`text` as it may be shown, as the current family can print it: beyond cp1252 only
        with TrueType."""
        shown = display_text(text)
        return shown if self.text_family == UNICODE_FAMILY else core_safe(shown)

    def _choose_family(self, texts: Iterable[str]) -> str:
        if all(_fits_core_fonts(display_text(text)) for text in texts):
            return "helvetica"
        regular, bold = self.layout.regular_font, self.layout.bold_font
        if regular is None or bold is None or not (regular.is_file() and bold.is_file()):
            return "helvetica"
        self.add_font(UNICODE_FAMILY, "", str(regular))
        self.add_font(UNICODE_FAMILY, "B", str(bold))
        return UNICODE_FAMILY


def rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` as three numbers."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def core_safe(text: str) -> str:
    return text.encode(_CORE_ENCODING, "replace").decode(_CORE_ENCODING)


def _fits_core_fonts(text: str) -> bool:
    try:
        text.encode(_CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True
