"""The receipt a citizen keeps: the answers as filed, the proof last, and a tagged PDF/UA file.

Read back by independent readers: poppler's `pdftotext` (what a person sees) and
`pdfinfo -struct-text` (the structure tree with the text of each element, as assistive
technology gets it), pikepdf for the structure itself (veraPDF is not on these machines), and
`formkit verify` for the seal.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from tests.conftest import SCHEMAS, answers
from tests.receipts.receipt_support import ISSUER, NOW

import formkit
from formkit.filing._filing import Attachment
from formkit.receipts import (
    EMBEDDED_JSON,
    Receipt,
    Seal,
    add_verify_command,
    assemble_receipt,
    issue_pdf,
    receipt_body,
    sign_tree_head,
)
from formkit.receipts._merkle import InclusionProof, MerkleTree, TreeHead
from formkit.receipts._pades import read_sealed_pdf
from formkit.render import StepAnswers, prune, summarise

NATIONAL_NUMBERS = ("78043031167", "81092924072", "99071920394")  # in valid-full.json
PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Do", "sh"}


@dataclass(frozen=True)
class Filed:
    form: formkit.Form
    receipt: Receipt
    steps: tuple[StepAnswers, ...]
    pdf: bytes


@pytest.fixture(scope="module")
def filed(seal: Seal) -> Filed:
    """The full evenement example filed, with its sealed PDF receipt as the outbox makes it."""
    form = formkit.load_form(SCHEMAS / "evenement.json")
    document = prune(form, answers("evenement", "valid-full"))
    files = tuple(
        Attachment(f"/bijlagen/{slot}", f"{index:064x}", 10_000 + index, "application/pdf", name)
        for index, (slot, name) in enumerate(
            (slot, value["naam"]) for slot, value in document["bijlagen"].items()
        )
    )
    body = receipt_body(
        number="EVT-2026-000042",
        form_id=form.id,
        form_title=form.title,
        version=form.version,
        filed_at=NOW,
        answers=document,
        attachments=files,
        issuer=ISSUER,
    )
    tree = MerkleTree([body.leaf_hash()])
    moment = int((NOW + timedelta(minutes=1)).timestamp() * 1000)
    head = sign_tree_head(TreeHead(tree.size, tree.root_hash(), moment), seal)
    receipt = assemble_receipt(body, InclusionProof(0, 1, ()), head)
    sizes = {f"sha256:{f.sha256}": f.size for f in files}
    steps = summarise(form, document, lambda _: "", sizes, masked=True)
    return Filed(form, receipt, steps, issue_pdf(receipt, seal, answers=steps))


def _run(tool: str, *arguments: str, data: bytes) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is not installed: apt-get install poppler-utils", pytrace=False)
    result = subprocess.run([found, *arguments], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def _words(pdf: bytes) -> str:
    """The text a person reads, every run of white space (line ends too) as one space."""
    return " ".join(_run("pdftotext", "-layout", "-", "-", data=pdf).split())


# What a person reads.


def test_the_answers_are_printed_under_the_review_pages_titles(filed: Filed) -> None:
    text = _words(filed.pdf)
    titles = [step.title for step in filed.form.steps]
    places = [text.index(title, text.index("Uw antwoorden")) for title in titles]
    assert places == sorted(places)
    assert "Naam van het evenement Veemarkt Zomert" in text
    assert "Begin 28 augustus 2027 om 14:00" in text
    assert "Verwacht aantal bezoekers 2.500" in text
    assert "Soort materiaal Podiumelementen Aantal 12" in text
    assert "Grondplan grondplan-veemarkt.pdf" in text


def test_national_register_numbers_are_printed_masked(filed: Filed) -> None:
    text = _words(filed.pdf)
    assert "Rijksregisternummer 78.04.30-***.**" in text
    assert "Rijksregisternummer 99.07.19-***.**" in text
    for number in NATIONAL_NUMBERS:
        assert number not in text
        assert f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}" not in text


def test_the_answers_are_printed_not_added_to_the_sealed_receipt(
    filed: Filed, seal_root: x509.Certificate
) -> None:
    root = seal_root.public_bytes(serialization.Encoding.DER)
    embedded = json.loads(read_sealed_pdf(filed.pdf, [root]).embedded[EMBEDDED_JSON])
    assert embedded == filed.receipt.to_dict()
    assert "Veemarkt Zomert" not in json.dumps(embedded)


def test_the_technical_proof_is_the_last_section(filed: Filed) -> None:
    text = _words(filed.pdf)
    proof = text.index("Het technisch bewijs")
    assert proof > text.index("draaiboek-veemarkt-zomert.pdf")  # the last answer
    body = filed.receipt.body
    for fingerprint in (body.answers_sha256, body.version, *(a.sha256 for a in body.attachments)):
        assert text.index(fingerprint) > proof
    assert text.index("plaats 1 van 1 in het register") > proof
    assert text.index("formkit verify ontvangstbewijs.pdf") > proof


def test_no_number_is_wrapped_onto_a_line_of_its_own(filed: Filed) -> None:
    lines = _run("pdftotext", "-layout", "-", "-", data=filed.pdf).splitlines()
    alone = [line for line in lines if re.fullmatch(r"\s*[\d.,:/-]+\s*", line)]
    assert alone == []
    assert filed.receipt.body.version in _words(filed.pdf)  # 71 characters, on one line


# What assistive technology gets.


def test_the_pdf_is_tagged_with_language_title_and_marked_content(filed: Filed) -> None:
    with pikepdf.open(io.BytesIO(filed.pdf)) as pdf:
        catalog = pdf.Root
        assert str(catalog.Lang) == "nl-BE"
        assert bool(catalog.MarkInfo.Marked) is True
        assert bool(catalog.ViewerPreferences.DisplayDocTitle) is True
        assert "/StructTreeRoot" in catalog
        with pdf.open_metadata() as metadata:
            assert metadata["dc:title"] == "Ontvangstbewijs EVT-2026-000042"
            assert metadata["pdfuaid:part"] == "1"
        assert str(pdf.docinfo.Title) == "Ontvangstbewijs EVT-2026-000042"


def test_the_qr_code_is_a_figure_whose_alternative_text_gives_its_link(filed: Filed) -> None:
    with pikepdf.open(io.BytesIO(filed.pdf)) as pdf:
        figures = [e for e in _elements(pdf.Root.StructTreeRoot.K) if e.S == "/Figure"]
        assert len(figures) == 1
        alt = str(figures[0].Alt)
    assert alt.startswith("QR-code met de link om dit ontvangstbewijs te controleren")
    assert alt.endswith(filed.receipt.body.verify_url)


def test_headings_come_in_reading_order_without_skipping_a_level(filed: Filed) -> None:
    with pikepdf.open(io.BytesIO(filed.pdf)) as pdf:
        roles = [str(e.S)[1:] for e in _elements(pdf.Root.StructTreeRoot.K)]
    headings = [role for role in roles if re.fullmatch(r"H\d", role)]
    steps = ["H3"] * len(filed.form.steps)
    assert headings == ["H1", "H2", *steps, "H2", "H3", "H3"]
    assert roles[0] == "Document"
    assert set(roles) <= {"Document", "Sect", "H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody"} | {
        "Figure"
    }


def test_poppler_reads_the_structure_with_its_text_in_reading_order(filed: Filed) -> None:
    tree = _run("pdfinfo", "-struct-text", "-", data=filed.pdf)
    read = [(role, text) for role, text in _struct_text(tree) if text]
    headings = [text for role, text in read if role in {"H1", "H2", "H3"}]
    step_titles = [step.title for step in filed.form.steps]
    assert headings == [
        "Ontvangstbewijs",
        "Uw antwoorden",
        *step_titles,
        "Het technisch bewijs",
        "Vingerafdrukken",
        "Openbaar register van inzendingen",
    ]
    pairs = list(itertools.pairwise(read))
    assert (("Lbl", "Rijksregisternummer"), ("LBody", "78.04.30-***.**")) in pairs
    assert (("Lbl", "Naam van het evenement"), ("LBody", "Veemarkt Zomert")) in pairs
    paragraph = next(text for role, text in read if text.startswith("Stad Mechelen bevestigt"))
    assert " is opgenomen in " in paragraph  # a wrapped line keeps its space


def test_every_mark_on_a_page_is_tagged_content_or_an_artifact(filed: Filed) -> None:
    with pikepdf.open(io.BytesIO(filed.pdf)) as pdf:
        parents = _parent_tree(pdf)
        for number, page in enumerate(pdf.pages):
            key = int(page.obj.StructParents)
            seen = []
            for mcid, operator in _painting(page):
                assert mcid is not None, f"untagged {operator} on page {number + 1}"
                if mcid >= 0:
                    seen.append(mcid)
            owners = parents[key]
            assert sorted(set(seen)) == list(range(len(owners)))
            for mcid in set(seen):  # the parent tree leads back to the element that holds it
                assert _holds(owners[mcid], mcid, page.obj)


def test_every_font_is_embedded(filed: Filed) -> None:
    with pikepdf.open(io.BytesIO(filed.pdf)) as pdf:
        fonts = [font for page in pdf.pages for font in page.Resources.Font.values()]
        assert fonts
        for font in fonts:
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant.FontDescriptor
            assert "/ToUnicode" in font


# The seal.


def test_formkit_verify_accepts_the_receipt_and_refuses_it_changed(
    filed: Filed, seal_root: x509.Certificate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "root.pem").write_bytes(seal_root.public_bytes(serialization.Encoding.PEM))
    document = prune(filed.form, answers("evenement", "valid-full"))
    (tmp_path / "antwoorden.json").write_text(json.dumps(document), encoding="utf-8")
    good = tmp_path / "ontvangstbewijs.pdf"
    good.write_bytes(filed.pdf)
    assert _verify(
        good, "--trust", tmp_path / "root.pem", "--answers", tmp_path / "antwoorden.json"
    )
    assert capsys.readouterr().out.splitlines()[-1] == "Alles klopt."
    changed = tmp_path / "gewijzigd.pdf"
    changed.write_bytes(filed.pdf.replace(b"/Lang (nl-BE)", b"/Lang (nl-NL)", 1))
    assert changed.read_bytes() != filed.pdf
    assert not _verify(changed, "--trust", tmp_path / "root.pem")
    assert "werd gewijzigd na het verzegelen" in capsys.readouterr().out


def _verify(*arguments: str | Path) -> bool:
    parser = argparse.ArgumentParser(prog="formkit")
    add_verify_command(parser.add_subparsers(required=True))
    parsed = parser.parse_args(["verify", *map(str, arguments)])
    status: int = parsed.command(parsed)
    return status == 0


# Reading the structure.


def _elements(element: Any) -> Iterator[Any]:
    """The structure elements under `element` (itself first), in reading order."""
    yield element
    for kid in element.K:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield from _elements(kid)


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, list[Any]]:
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    return {int(numbers[i]): list(numbers[i + 1]) for i in range(0, len(numbers), 2)}


def _holds(element: Any, mcid: int, page: Any) -> bool:
    for kid in element.K:
        if isinstance(kid, int) and kid == mcid:
            return bool(element.Pg.objgen == page.objgen)
        is_reference = isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"
        if is_reference and int(kid.MCID) == mcid and kid.Pg.objgen == page.objgen:
            return True
    return False


def _painting(page: pikepdf.Page) -> Iterator[tuple[int | None, str]]:
    """Every operator that paints, with the MCID it is marked with: -1 inside an artifact,
    None outside any marked content."""
    stack: list[int] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name == "BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append(-1 if mcid is None else int(mcid))
        elif name == "BMC":
            stack.append(-1)  # /Artifact
        elif name == "EMC":
            stack.pop()
        elif name in PAINTING:
            yield (stack[-1] if stack else None), name
    assert not stack


def _struct_text(tree: str) -> Iterator[tuple[str, str]]:
    """`pdfinfo -struct-text` as (role, text): each element, then its text if it has any."""
    role = ""
    for line in tree.splitlines():
        stripped = line.strip()
        if stripped.startswith('"'):
            yield role, stripped.strip('"')
        elif stripped:
            role = stripped.split()[0]
            yield role, ""
