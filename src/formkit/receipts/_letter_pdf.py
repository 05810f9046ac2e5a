"""The decision letter for people: a Dutch PDF drawn from the city's template, then sealed.

The wording is the city's: `renderers/letter/letter.html`, a Jinja template (autoescaped)
written in the small HTML that fpdf2 draws (`write_html`), with the look of
`renderers/letter/layout.json` (the receipt's `ReceiptLayout`). The template is given the
letter in words (`letter`: dates in Dutch, advice in words, the motivation as paragraphs); it
decides nothing. The PDF carries the letter itself as `beslissing.json` and `beslissing.jws`,
like a receipt, and is sealed whole with PAdES by `_pades`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from fpdf.fonts import TextStyle
from pyhanko.sign.timestamps.api import TimeStamper

from formkit.forms._dutch import day_text, moment_text
from formkit.forms._labels import display_text
from formkit.forms._rules import CITY_TIME_ZONE
from formkit.receipts._jws import issue_jws
from formkit.receipts._layout import ReceiptLayout, read_layout
from formkit.receipts._letter import DecisionLetter
from formkit.receipts._members import ReceiptError
from formkit.receipts._pades import seal_pdf_async
from formkit.receipts._pdfbase import LaidOutPdf, core_safe
from formkit.receipts._seal import Seal

LETTER_JSON = "beslissing.json"
LETTER_JWS = "beslissing.jws"
TEMPLATE_FILE = "letter.html"
LAYOUT_FILE = "layout.json"
SEAL_REASON = "Beslissing"


@dataclass(frozen=True)
class LetterTemplate:
    """The city's letter: its Jinja template and its look (see renderers/letter/README.md)."""

    template: jinja2.Template
    layout: ReceiptLayout

    @classmethod
    def read(cls, folder: Path) -> LetterTemplate:
        """`letter.html` and `layout.json` in `folder`; ReceiptError when either is unusable."""
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folder),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        try:
            template = environment.get_template(TEMPLATE_FILE)
        except jinja2.TemplateError as error:
            raise ReceiptError(f"cannot read the letter template in {folder}: {error}") from None
        return cls(template, read_layout(folder / LAYOUT_FILE))


def render_letter_pdf(letter: DecisionLetter, jws: str, template: LetterTemplate) -> bytes:
    """The unsealed PDF of `letter`, with `jws` (the same letter, sealed) embedded."""
    try:
        html = template.template.render(letter=letter_words(letter))
    except jinja2.TemplateError as error:
        raise ReceiptError(f"the letter template fails: {error}") from None
    body = letter.body
    document = LaidOutPdf(
        template.layout,
        [html],
        title=f"Beslissing {body.number}",
        author=body.issuer.name,
        subject=body.form_title,
        moment=body.decided_at,
    )
    document.add_page()
    if template.layout.logo is not None:
        document.image(str(template.layout.logo), h=14)
    document.font(10)
    shown = html if document.text_family != "helvetica" else core_safe(html)
    document.write_html(
        shown,
        font_family=document.text_family,
        tag_styles=_styles(document),
        ul_bullet_char="•",  # fpdf2 spells its default bullet outside cp1252
    )
    document.embed_json(LETTER_JSON, letter.to_dict(), "De beslissing in JSON", body.decided_at)
    description = "De beslissing als JWS, verzegeld door de stad"
    document.embed_jws(LETTER_JWS, jws, description, body.decided_at)
    return bytes(document.output())


async def issue_letter_pdf_async(
    letter: DecisionLetter,
    seal: Seal,
    template: LetterTemplate,
    *,
    jws: str | None = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """The letter as a PDF sealed with PAdES, as a receipt is (`issue_pdf_async`)."""
    token = jws if jws is not None else issue_jws(letter.to_dict(), seal)
    unsealed = render_letter_pdf(letter, token, template)
    return await seal_pdf_async(unsealed, seal, timestamper=timestamper, reason=SEAL_REASON)


def letter_words(letter: DecisionLetter) -> dict[str, Any]:
    """What the template is given: the letter in words, every text without bidi controls."""
    body, proof = letter.body, letter.proof
    addressee = body.addressee
    return {
        "city": _shown(body.issuer.name),
        "number": body.number,
        "form": body.form,
        "form_title": _shown(body.form_title),
        "decided_at": moment_text(body.decided_at),
        "decided_on": day_text(body.decided_at.astimezone(CITY_TIME_ZONE).date()),
        "decided_by": _shown(body.decided_by.title),
        "outcome": {"title": _shown(body.outcome.title), "favourable": body.outcome.favourable},
        "motivation": _paragraphs(body.motivation),
        "advice": [{"title": _shown(a.title), "words": a.words} for a in body.advice],
        "handled_by": {
            "title": _shown(body.handled_by.title),
            "mailbox": _shown(body.handled_by.mailbox),
        },
        "addressee": None
        if addressee is None
        else {"name": _shown(addressee.name), "address": [_shown(a) for a in addressee.address]},
        "log": {"place": proof.leaf_index + 1, "size": proof.tree_size},
        "embedded_json": LETTER_JSON,
        "embedded_jws": LETTER_JWS,
    }


def _styles(document: LaidOutPdf) -> dict[str, TextStyle]:
    accent = document.layout.accent_colour
    return {
        "h1": TextStyle(color=accent, font_size_pt=16, t_margin=4, b_margin=2),
        "h2": TextStyle(color=accent, font_size_pt=13, t_margin=4, b_margin=1),
        "h3": TextStyle(color=accent, font_size_pt=11, t_margin=3, b_margin=1),
    }


def _paragraphs(text: str) -> list[str]:
    """The motivation as the official wrote it: a paragraph per non-empty line."""
    return [" ".join(line.split()) for line in _shown(text).splitlines() if line.strip()]


def _shown(text: str) -> str:
    return display_text(text)
