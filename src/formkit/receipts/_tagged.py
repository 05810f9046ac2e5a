"""A tagged PDF's logical structure: recorded while fpdf2 draws, written with pikepdf after.

fpdf2 (2.8) has no public API for a structure tree: it tags images with alternative text as a
flat list of figures, one page each (py-pdf/fpdf2#355). So the drawing code wraps what it
draws in marked content (`BDC`/`EMC` with an MCID per page, `LaidOutPdf.tagged`) and records
here which structure element each piece belongs to; `add_structure` then writes the tree the
PDF 1.7 way (ISO 32000-1, 14.7 and 14.8): `/StructTreeRoot` with a `/Document` element, the
elements in reading order, a parent tree from each page's MCIDs back to their elements,
`/StructParents` on the pages, `/MarkInfo << /Marked true >>`, and the XMP title and PDF/UA
identification (`pdfuaid:part 1`). Page furniture (the footer) is drawn as `/Artifact`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

# The standard structure types this module writes (ISO 32000-1, 14.8.4).
CONTAINERS = frozenset({"Document", "Sect", "L", "LI", "LBody"})  # hold elements
LEAVES = frozenset({"H1", "H2", "H3", "H4", "P", "Lbl", "LBody", "Figure"})  # hold content


@dataclass(frozen=True, slots=True)
class Marked:
    """One marked-content sequence: its page (from 1) and its MCID on that page."""

    page: int
    mcid: int


@dataclass(slots=True)
class Element:
    """A structure element: a container of elements, or a leaf holding marked content."""

    role: str
    alt: str | None = None
    kids: list[Element | Marked] = field(default_factory=list)


class Structure:
    """The structure of one document while it is drawn: which element is open, which MCID is
    next on each page."""

    def __init__(self) -> None:
        self.root = Element("Document")
        self._open: list[Element] = [self.root]
        self._next_mcid: dict[int, int] = {}

    @property
    def empty(self) -> bool:
        return not self.root.kids

    @property
    def current(self) -> Element:
        return self._open[-1]

    def open(self, role: str, alt: str | None = None) -> Element:
        """A new element as the last child of the open one, open from now on."""
        if role not in CONTAINERS | LEAVES:
            raise ValueError(f"not a structure type this PDF uses: {role}")
        element = Element(role, alt)
        self.current.kids.append(element)
        self._open.append(element)
        return element

    def close(self) -> None:
        if len(self._open) == 1:
            raise ValueError("the document element stays open")
        self._open.pop()

    def mark(self, page: int) -> int:
        """The next MCID on `page`, recorded as content of the open leaf."""
        if self.current.role not in LEAVES:
            raise ValueError(f"a {self.current.role} holds elements, not content")
        mcid = self._next_mcid.get(page, 0)
        self._next_mcid[page] = mcid + 1
        self.current.kids.append(Marked(page, mcid))
        return mcid


def add_structure(pdf: bytes, structure: Structure, title: str) -> bytes:
    """`pdf` with `structure` as its structure tree, marked as tagged, titled in its XMP."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        _Writer(document).write(structure)
        with document.open_metadata(set_pikepdf_as_editor=False) as metadata:
            metadata["dc:title"] = title
            metadata["pdfuaid:part"] = "1"
        out = io.BytesIO()
        document.save(out, min_version="1.7")  # PDF/UA-1 is built on PDF 1.7
    return out.getvalue()


class _Writer:
    def __init__(self, document: pikepdf.Pdf) -> None:
        self.document = document
        self.pages = [page.obj for page in document.pages]
        self.parents: dict[int, dict[int, pikepdf.Object]] = {}  # page -> mcid -> element

    def write(self, structure: Structure) -> None:
        root = self.document.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        root.K = self._element(structure.root, root)
        numbers = Array()
        for page, by_mcid in sorted(self.parents.items()):
            self.pages[page - 1].StructParents = page - 1
            self.pages[page - 1].Tabs = Name.S  # annotations in structure order
            numbers.append(page - 1)
            numbers.append(
                self.document.make_indirect(Array([by_mcid[m] for m in sorted(by_mcid)]))
            )
        root.ParentTree = self.document.make_indirect(Dictionary(Nums=numbers))
        root.ParentTreeNextKey = len(self.pages)
        catalog = self.document.Root
        catalog.StructTreeRoot = root
        catalog.MarkInfo = Dictionary(Marked=True)

    def _element(self, element: Element, parent: pikepdf.Object) -> pikepdf.Object:
        made = self.document.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name("/" + element.role), P=parent)
        )
        if element.alt is not None:
            made.Alt = pikepdf.String(element.alt)
        first_page = next((k.page for k in element.kids if isinstance(k, Marked)), None)
        if first_page is not None:
            made.Pg = self.pages[first_page - 1]
        kids = Array()
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(self._element(kid, made))
                continue
            self.parents.setdefault(kid.page, {})[kid.mcid] = made
            if kid.page == first_page:
                kids.append(kid.mcid)
            else:  # content on a later page: a marked-content reference names its page
                page = self.pages[kid.page - 1]
                kids.append(Dictionary(Type=Name.MCR, Pg=page, MCID=kid.mcid))
        made.K = kids
        return made
