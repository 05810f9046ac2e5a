"""The receipt for people: a tagged Dutch PDF "Ontvangstbewijs", before sealing.

Top to bottom, in reading order: who confirms what (dossier, form, the moment in Belgian time,
the citizen's eID signature with a masked national register number) beside a QR code to the
verification page; the citizen's answers as the review page (Overzicht) shows them, step by
step (`formkit.render.summarise`, national register numbers masked); and last, in plain words,
the technical proof: how to check the receipt, the fingerprints (SHA-256) of the answers, the
form version and every attachment, and the place in the public log.

The answers are printed only: the receipt's JSON (the log's leaf) holds their SHA-256, as it
always did, and the PAdES seal over the whole file vouches for what is printed. The PDF carries
the receipt itself as embedded files, `ontvangstbewijs.json` (readable JSON) and
`ontvangstbewijs.jws` (the sealed JWS), so the PDF alone is enough to verify it offline.

The PDF is tagged (PDF/UA-1): headings, paragraphs, lists of label and value, the QR code as a
figure with alternative text, the language (nl-BE) and the title shown as the window's title;
fonts are embedded (`_pdfbase`, `_tagged`). No number is wrapped onto a line of its own: a
number keeps the word before it, and a fingerprint fits one line or breaks in two halves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import segno
from fpdf.enums import MethodReturnValue, XPos, YPos

from formkit.forms._dutch import moment_text, size_text
from formkit.receipts._document import Receipt
from formkit.receipts._layout import ReceiptLayout
from formkit.receipts._pdfbase import LaidOutPdf

if TYPE_CHECKING:  # the summary's shape only: the receipt draws what it is given
    from formkit.render import Answer, StepAnswers

EMBEDDED_JSON = "ontvangstbewijs.json"
EMBEDDED_JWS = "ontvangstbewijs.jws"
_QR_MM = 34.0
_LABEL_MM = 52.0
_INDENT_MM = 5.0
_MONO_PT = 8.5
_SMALLEST_MONO_PT = 7.0
_NBSP = "\u00a0"
_NUMBER_AFTER_SPACE = re.compile(r" (?=[\d€]\S*)")  # a number keeps the word before it


def render_receipt_pdf(
    receipt: Receipt,
    jws: str,
    layout: ReceiptLayout,
    answers: Sequence[StepAnswers] | None = None,
) -> bytes:
    """The unsealed PDF of `receipt`, with `jws` (the same receipt, sealed) embedded.

    `answers` are the filed answers as `formkit.render.summarise(..., masked=True)` gives
    them; without them (the form is not known any more) the receipt says where they are."""
    document = _Document(receipt, layout, _texts_of(receipt, answers or ()), answers)
    document.draw()
    moment = receipt.body.filed_at
    document.embed_json(EMBEDDED_JSON, receipt.to_dict(), "Het ontvangstbewijs in JSON", moment)
    description = "Het ontvangstbewijs als JWS, verzegeld door de stad"
    document.embed_jws(EMBEDDED_JWS, jws, description, moment)
    return document.finish()


def _texts_of(receipt: Receipt, answers: Sequence[StepAnswers]) -> list[str]:
    """Every text of the receipt that comes from outside: what decides the fonts."""
    body = receipt.body
    texts = [body.number, body.form_title, body.version, body.issuer.name, body.verify_url]
    texts += [attachment.name for attachment in body.attachments]
    texts += [attachment.media_type for attachment in body.attachments]
    if body.signer is not None:
        texts += [body.signer.name, body.signer.national_number_masked]
    if body.authentication is not None:
        login = body.authentication
        texts += [login.name, login.national_number_masked, login.provider_name]
    for step in answers:
        texts.append(step.step.title)
        texts += _answer_texts(step.answers)
    return texts


def _answer_texts(answers: Iterable[Answer]) -> list[str]:
    texts: list[str] = []
    for answer in answers:
        texts += [answer.label, answer.text, *answer.lines, *_answer_texts(answer.entries)]
    return texts


def keep_numbers(text: str) -> str:
    """`text` with each number bound to the word before it: never a number alone on a line."""
    return _NUMBER_AFTER_SPACE.sub(_NBSP, text)


class _Document(LaidOutPdf):
    """One receipt being laid out; `draw` draws it."""

    def __init__(
        self,
        receipt: Receipt,
        layout: ReceiptLayout,
        texts: Iterable[str],
        answers: Sequence[StepAnswers] | None,
    ) -> None:
        body = receipt.body
        super().__init__(
            layout,
            texts,
            title=f"Ontvangstbewijs {body.number}",
            author=body.issuer.name,
            subject=body.form_title,
            moment=body.filed_at,
            tagged=True,
        )
        self.receipt = receipt
        self.answers = answers

    def draw(self) -> None:
        self.add_page()
        self._header_block()
        self._details()
        self._answers()
        self._proof()

    # The parts of the page, top to bottom.

    def _header_block(self) -> None:
        body = self.receipt.body
        top = self.get_y()
        if self.layout.logo is not None:
            with self.artifact():  # the city's name follows in words
                self.image(str(self.layout.logo), h=14)
        width = self.epw - _QR_MM - 6
        with self.tagged("P"):
            self.font(11, bold=True, accent=True)
            self.lines(body.issuer.name, 6, width)
        with self.tagged("H1"):
            self.font(22, bold=True)
            self.lines("Ontvangstbewijs", 11, width)
        with self.tagged("P"):
            self.font(14, bold=True, accent=True)
            self.lines(f"Dossier {body.number}", 8, width)
        self.ln(2)
        self._paragraph(
            f"{body.issuer.name} bevestigt dat dit dossier werd ingediend en dat het is "
            "opgenomen in het openbare register van inzendingen. Op dit ontvangstbewijs staan "
            "uw antwoorden zoals u ze indiende; het technisch bewijs staat achteraan.",
            width,
        )
        bottom = self.get_y()
        self._qr_code(body.verify_url, self.w - self.r_margin - _QR_MM, top)
        self.set_y(max(bottom, top + _QR_MM + 8) + 2)

    def _details(self) -> None:
        body = self.receipt.body
        signer = body.signer
        with self.group("L"):
            self._row("Formulier", body.form_title)
            self._row("Ingediend op", f"{moment_text(body.filed_at)} (Belgische tijd)")
            login = body.authentication
            if login is not None:
                who = f"{login.name}, rijksregisternummer {login.national_number_masked}"
                how = f"aangemeld via {login.provider_name}, betrouwbaarheidsniveau"
                self._row("Ingediend na aanmelding door", f"{who}; {how} {login.assurance}")
            elif signer is None:
                self._row("Ondertekening", "Niet ondertekend met de eID.")
            else:
                who = f"{signer.name}, rijksregisternummer {signer.national_number_masked}"
                self._row("Ondertekend met de eID door", who)

    def _answers(self) -> None:
        self._heading("Uw antwoorden", "H2")
        if self.answers is None:
            self._paragraph(
                "De antwoorden staan in uw dossier. Hun vingerafdruk staat hieronder: daarmee "
                "kan iedereen nagaan dat ze niet gewijzigd werden."
            )
            return
        for step in self.answers:
            with self.group("Sect"):
                self._heading(step.step.title, "H3")
                if not step.answers:
                    self._paragraph("U heeft hier niets ingevuld.")
                    continue
                with self.group("L"):
                    self._entries(step.answers, 0.0)

    def _entries(self, answers: Iterable[Answer], indent: float) -> None:
        for answer in answers:
            if answer.entries:
                with self.group("LI"):
                    self._group_label(answer.label, indent)
                    with self.group("LBody"), self.group("L"):
                        self._entries(answer.entries, indent + _INDENT_MM)
            else:
                value = "\n".join(answer.lines) if answer.lines else answer.text
                self._row(answer.label, value, indent=indent)

    def _proof(self) -> None:
        body = self.receipt.body
        self._heading("Het technisch bewijs", "H2")
        self._paragraph(
            "Hieronder staat wat nodig is om na te gaan dat dit ontvangstbewijs echt is en niet "
            f"gewijzigd werd. Scan de QR-code of ga naar {body.verify_url}"
        )
        self._paragraph(
            f"Dit PDF-bestand is elektronisch verzegeld door {body.issuer.name}. Het bevat het "
            f"volledige ontvangstbewijs als bijlagen {EMBEDDED_JSON} en {EMBEDDED_JWS}, zodat "
            "iedereen het ook zonder internet kan controleren, bijvoorbeeld met "
            "'formkit verify ontvangstbewijs.pdf'."
        )
        self._heading("Vingerafdrukken", "H3")
        self._paragraph(
            "Een vingerafdruk (SHA-256) is een code van 64 tekens die helemaal anders wordt als "
            "er ook maar één teken verandert. Wie de bijlagen van het dossier bewaart, kan ze zo "
            "laten nakijken."
        )
        with self.group("L"):
            self._row("Uw antwoorden", body.answers_sha256, mono=True)
            self._row("Versie van het formulier", body.version, mono=True)
            for attachment in body.attachments:
                kind = f"{attachment.media_type}, {size_text(attachment.size)}"
                self._row(attachment.name, kind, fingerprint=f"SHA-256 {attachment.sha256}")
        self._log()

    def _log(self) -> None:
        proof, head = self.receipt.proof, self.receipt.tree_head.head
        sealed_at = datetime.fromtimestamp(head.timestamp_ms / 1000, tz=UTC)
        self._heading("Openbaar register van inzendingen", "H3")
        self._paragraph(
            f"Dit dossier staat op plaats {proof.leaf_index + 1} van {proof.tree_size} in het "
            f"register (index {proof.leaf_index}). De stad verzegelde die stand van het register "
            f"op {moment_text(sealed_at)}; de wortel van de Merkle-boom (RFC 9162) is:"
        )
        self._room_for(5)
        with self.tagged("P"):
            self._mono(head.to_dict()["root_hash"], self.epw)
        self.ln(1)

    # Building blocks.

    def _heading(self, text: str, role: str) -> None:
        size, height = (13.0, 7.5) if role == "H2" else (11.0, 6.5)
        self.ln(3 if role == "H2" else 2)
        self._room_for(height + 12)  # a heading stays with what follows it
        with self.tagged(role):
            self.font(size, bold=True, accent=True)
            self.lines(keep_numbers(text), height)
        self.ln(0.5)

    def _paragraph(self, text: str, width: float = 0) -> None:
        self._room_for(5)  # no page break before its first line: no empty marked content
        with self.tagged("P"):
            self.font(10)
            self.lines(keep_numbers(text), 5, width)
        self.ln(1)

    def _group_label(self, label: str, indent: float) -> None:
        self._room_for(11)
        self.set_x(self.l_margin + indent)
        with self.tagged("Lbl"):
            self.font(9.5, bold=True)
            self.column(label, 5, self.epw - indent)
        self.ln(0.5)

    def _row(
        self,
        label: str,
        value: str,
        *,
        indent: float = 0.0,
        mono: bool = False,
        fingerprint: str | None = None,
    ) -> None:
        """A list item: the label in the left column, its value beside it."""
        left = self.l_margin + indent
        label_width = _LABEL_MM - indent
        value_width = self.epw - _LABEL_MM
        label_text, value_text = keep_numbers(label), keep_numbers(value)
        self.font(10)
        value_lines = 1 if mono else self._line_count(value_text, value_width)
        rows = max(self._line_count(label_text, label_width, 9), value_lines)
        self._room_for(min(rows * 5, 60) + (5 if fingerprint else 0))
        top, page = self.get_y(), self.page
        with self.group("LI"):
            self.set_x(left)
            with self.tagged("Lbl"):
                self.font(9, muted=True)
                self.column(label_text, 5, label_width)
            label_bottom = self.get_y() if self.page == page else top
            self.set_xy(self.l_margin + _LABEL_MM, top)
            with self.tagged("LBody"):
                if mono:
                    self._mono(value, value_width, left=self.l_margin + _LABEL_MM)
                else:
                    self.font(10)
                    self.column(value_text, 5, value_width)
                if fingerprint is not None:
                    self._mono(fingerprint, value_width, left=self.l_margin + _LABEL_MM)
        bottom = self.get_y() if self.page != page else max(self.get_y(), label_bottom)
        self.set_y(bottom + 1.5)

    def _mono(self, text: str, width: float, *, left: float = 0) -> None:
        """A fingerprint on one line, smaller when needed; too long even then, it breaks in
        two halves (never one character alone)."""
        self.mono(_MONO_PT)
        needed = self.get_string_width(text)
        size = max(_SMALLEST_MONO_PT, min(_MONO_PT, _MONO_PT * width / needed))
        self.mono(size)
        lines = [text]
        if self.get_string_width(text) > width:
            half = (len(text) + 1) // 2
            lines = [text[:half], text[half:]]
        for line in lines:
            if left:
                self.set_x(left)
            self.cell(width, 4.5, self.safe(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if left:
            self.set_x(left)

    def _line_count(self, text: str, width: float, size: float | None = None) -> int:
        if size is not None:
            self.font(size)
        lines = self.multi_cell(
            width, 5, self.safe(text), align="L", dry_run=True, output=MethodReturnValue.LINES
        )
        assert isinstance(lines, list)
        return max(1, len(lines))

    def _room_for(self, height: float) -> None:
        """A new page first when `height` millimetres no longer fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def _qr_code(self, url: str, x: float, y: float) -> None:
        """The QR code as filled squares (sharp at any zoom, no image needed): a figure whose
        alternative text says where it leads."""
        matrix = segno.make(url, error="m", micro=False).matrix
        module = _QR_MM / len(matrix)
        alt = f"QR-code met de link om dit ontvangstbewijs te controleren: {url}"
        with self.tagged("Figure", alt=alt):
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
