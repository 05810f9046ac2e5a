"""What the city's sealed PDFs share: page, fonts, colours, footer and embedded files.

The receipt (`_pdf`) and the decision letter (`_letter_pdf`) are laid out on this base with
the look a city sets in a `layout.json` (`ReceiptLayout`). Text uses the PDF's built-in
Helvetica when every character is Western European (cp1252): small and fast. A text beyond
that (Ł, Ş, ...) switches the document to the TrueType fonts of the layout, embedded as subsets;
without them such characters print as `?` (the embedded JSON keeps them exactly). A tagged
document (`tagged=True`, the receipt) always embeds the layout's fonts, as PDF/UA requires.
Every text is printed without bidi controls (`display_text`), as the pages show it.

Tagging (`_tagged`): `tagged(role)` wraps what is drawn in marked content of one structure
element (a heading, a paragraph, a figure with `alt`), `group(role)` opens an element that
holds others (a section, a list); a page break inside an element closes its marked content
before the footer and opens it again on the next page. The footer is an artifact. `finish`
writes the structure tree after fpdf2's output. The marked-content operators go through
fpdf2's content-stream writer `_out`, which is private: fpdf2 is pinned below 3, and the
receipt tests read every page's operators back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from fpdf import FPDF, ViewerPreferences
from fpdf.enums import MethodReturnValue, XPos, YPos

from formkit.forms._labels import display_text
from formkit.receipts._layout import ReceiptLayout
from formkit.receipts._tagged import LEAVES, Element, Structure, add_structure

_CORE_ENCODING = "cp1252"  # the WinAnsiEncoding fpdf2 declares for the built-in fonts
UNICODE_FAMILY = "receipt"
MONO_FAMILY = "receipt-mono"


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
        tagged: bool = False,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.layout = layout
        self.core_fonts_encoding = _CORE_ENCODING
        self.text_family = self._choose_family(texts, embedded=tagged)
        self._mono_family: str | None = None  # chosen when first used
        self.footer_label = title
        self.document_title = title
        self.structure = Structure()
        self._marking: Element | None = None  # the leaf whose marked content is open
        self.set_margins(layout.margin_mm, layout.margin_mm, layout.margin_mm)
        self.set_auto_page_break(auto=True, margin=layout.margin_mm + 6)
        self.set_title(title)
        self.set_author(self.safe(author))
        self.set_subject(self.safe(subject))
        self.set_creator("formkit")
        self.set_lang("nl-BE")
        self.set_creation_date(moment)
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)

    def footer(self) -> None:
        with self.artifact():
            self.set_y(-(self.layout.margin_mm + 2))
            self.font(7, muted=True)
            self.cell(0, 4, self.safe(f"{self.layout.footer}   {self.footer_label}"))
            self.cell(0, 4, f"pagina {self.page_no()}/{{nb}}", align="R")

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        """A new page; marked content open at the break ends on this page and goes on there."""
        marking, self._marking = self._marking, None
        if marking is not None:
            self._out("EMC")
        super().add_page(*args, **kwargs)
        if marking is not None:
            self._begin_marked(marking)

    def finish(self) -> bytes:
        """The PDF's bytes, with its structure tree when anything was tagged."""
        drawn = bytes(self.output())
        if self.structure.empty:
            return drawn
        return add_structure(drawn, self.structure, self.document_title)

    # Tagging (see the module doc).

    @contextmanager
    def group(self, role: str) -> Iterator[None]:
        """A structure element holding others: a section, a list, a list item."""
        self.structure.open(role)
        try:
            yield
        finally:
            self.structure.close()

    @contextmanager
    def tagged(self, role: str, alt: str | None = None) -> Iterator[None]:
        """What is drawn inside is the content of one element: a heading, a paragraph, ..."""
        if role not in LEAVES or self._marking is not None:
            raise ValueError(f"{role} cannot be tagged here")
        element = self.structure.open(role, alt)
        self._begin_marked(element)
        try:
            yield
        finally:
            self._out("EMC")
            self._marking = None
            self.structure.close()

    @contextmanager
    def artifact(self) -> Iterator[None]:
        """What is drawn inside is page furniture, not content: readers skip it."""
        if self._marking is not None:  # the footer of a break inside an element
            raise ValueError("an artifact cannot be drawn inside tagged content")
        self._out("/Artifact BMC")
        try:
            yield
        finally:
            self._out("EMC")

    def _begin_marked(self, element: Element) -> None:
        assert self.structure.current is element
        self._out(f"/{element.role} <</MCID {self.structure.mark(self.page)}>> BDC")
        self._marking = element

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
        self.column(text, height, width)
        self.set_x(self.l_margin)

    def column(self, text: str, height: float, width: float = 0) -> None:
        """`text` wrapped in a column `width` wide from here; then below it, in that column.

        Each wrapped line keeps the space it was broken at (invisible at a line's end), so
        that text extracted from the PDF, by a screen reader too, does not glue the last
        word of a line to the first of the next."""
        left = self.get_x()
        width = width or self.w - self.r_margin - left
        wrapped = self.multi_cell(
            width, height, self.safe(text), dry_run=True, output=MethodReturnValue.LINES
        )
        assert isinstance(wrapped, list)
        for index, line in enumerate(wrapped):
            self.set_x(left)
            shown = line if index == len(wrapped) - 1 else f"{line} "
            self.cell(width, height, shown, new_x=XPos.LEFT, new_y=YPos.NEXT)

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

    def mono(self, size: float) -> None:
        """Hashes and other machine text, in the monospaced font."""
        if self._mono_family is None:
            self._mono_family = self._choose_mono()
        self.set_font(self._mono_family, size=size)
        self.colour(self.layout.text_colour)

    def _choose_family(self, texts: Iterable[str], *, embedded: bool) -> str:
        if not embedded and all(_fits_core_fonts(display_text(text)) for text in texts):
            return "helvetica"
        regular, bold = self.layout.regular_font, self.layout.bold_font
        if regular is None or bold is None or not (regular.is_file() and bold.is_file()):
            return "helvetica"
        self.add_font(UNICODE_FAMILY, "", str(regular))
        self.add_font(UNICODE_FAMILY, "B", str(bold))
        return UNICODE_FAMILY

    def _choose_mono(self) -> str:
        mono = self.layout.mono_font
        if self.text_family != UNICODE_FAMILY or mono is None or not mono.is_file():
            return "courier"
        self.add_font(MONO_FAMILY, "", str(mono))
        return MONO_FAMILY


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
