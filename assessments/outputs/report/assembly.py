"""One tagged PDF from the PDFs of the report's parts (issue 21), with pikepdf.

pikepdf (qpdf) is chosen over WeasyPrint's ``Document.copy`` and over pypdf:
``Document.copy`` needs every part's layout in one process (the memory this is meant to
save), and pypdf is pure Python and an order of magnitude slower on a document of hundreds
of pages. qpdf copies objects between files keeping one map per source file, so a part's
structure tree, outline and destinations copied after its pages point at the copied pages.

What the assembly does, part by part in print order:

* pages: appended; each page's ``/StructParents`` becomes its page index in the whole
  document, each link annotation's ``/StructParent`` the next free key after the pages;
* structure: one ``StructTreeRoot`` and one ``Document`` element whose children are the
  parts' top-level elements in order (WeasyPrint already makes one top-level element per
  page fragment, so this is the tree a serial render has); one ``ParentTree`` (the notes'
  IDs are unique already: each part's start with its name, ``artifacts.note_ids``);
* named destinations: one sorted ``/Dests`` tree, each name from the part that holds the
  anchor (the empty targets a part adds for other parts' anchors are dropped), so a link
  across parts lands where the anchor really is;
* outline: the parts' bookmarks chained in order;
* catalog: language, metadata (XMP with the PDF/UA identifier), document info and viewer
  preferences of the front part;
* page numbers: each page gets the matching page of the pagination document ("pagina X
  van Y", drawn as an artifact) as an overlay.
"""

from __future__ import annotations

import io
import itertools
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String

_CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/PageMode")


@dataclass(frozen=True)
class PartPdf:
    """A part's PDF and the anchors it holds (the others' names in it are stand-ins)."""

    content: bytes
    owned: frozenset[str]


def _dest_pairs(names: pikepdf.Object | None) -> Iterable[tuple[str, pikepdf.Object]]:
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return
    for name, value in pikepdf.NameTree(dests).items():
        yield str(name), value


def outline(content: bytes) -> tuple[int, dict[str, int]]:
    """A PDF's page count, and each of its named destinations with its page index."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        found: dict[str, int] = {}
        for name, dest in _dest_pairs(pdf.Root.get("/Names")):
            target = dest[0] if isinstance(dest, Array) else dest["/D"][0]
            found[name] = index[target.objgen]
        return len(pdf.pages), found


class _Assembly:
    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        self.root = self.pdf.make_indirect(
            Dictionary(Type=Name.StructTreeRoot, K=Array(), ParentTree=Dictionary())
        )
        self.document = self.pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(), P=self.root)
        )
        self.root.K.append(self.document)
        self.page_entries: list[pikepdf.Object] = []
        self.annotation_entries: list[tuple[pikepdf.Object, pikepdf.Object]] = []
        self.dests: dict[str, pikepdf.Object] = {}
        self.outlines: list[pikepdf.Object] = []  # each part's /Outlines, copied

    def add(self, part: PartPdf) -> pikepdf.Pdf:
        src = pikepdf.open(io.BytesIO(part.content))
        start = len(self.pdf.pages)
        with warnings.catch_warnings():  # the named destinations are rebuilt in finish()
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            self.pdf.pages.extend(src.pages)
        tree = self.pdf.copy_foreign(src.Root.StructTreeRoot)
        for kid in tree.K[0].K:
            kid.P = self.document
            self.document.K.append(kid)
        entries = _numbers(tree.ParentTree)
        pages = len(src.pages)
        for key in range(pages):
            self.page_entries.append(entries.get(key, Array()))
            self.pdf.pages[start + key].obj.StructParents = start + key
        for offset in range(pages):
            for annotation in self.pdf.pages[start + offset].obj.get("/Annots", Array()):
                old = annotation.get("/StructParent")
                if old is not None and int(old) in entries:
                    self.annotation_entries.append((annotation, entries[int(old)]))
        for name, dest in _dest_pairs(self._copied(src, "/Names")):
            if name in part.owned and name not in self.dests:
                self.dests[name] = dest
        outlines = self._copied(src, "/Outlines")
        if outlines is not None and outlines.get("/First") is not None:
            self.outlines.append(outlines)
        return src

    def _copied(self, src: pikepdf.Pdf, key: str) -> pikepdf.Object | None:
        """``src``'s catalog entry ``key`` copied into the assembly (or None)."""
        value = src.Root.get(key)
        if value is None:
            return None
        return self.pdf.copy_foreign(value if value.is_indirect else src.make_indirect(value))

    def finish(self, front: pikepdf.Pdf, pagination: bytes | None) -> bytes:
        pdf = self.pdf
        nums = Array()
        for key, entry in enumerate(self.page_entries):
            nums.append(key)
            nums.append(entry)
        key = len(self.page_entries)
        for annotation, entry in self.annotation_entries:
            annotation.StructParent = key
            nums.append(key)
            nums.append(entry)
            key += 1
        self.root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = key
        pdf.Root.StructTreeRoot = self.root
        if self.dests:
            flat = Array()
            for name in sorted(self.dests):
                flat.append(String(name))
                flat.append(self.dests[name])
            pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(Names=flat)))
        self._outline()
        for key_name in _CATALOG_KEYS:
            value = self._copied(front, key_name)
            if value is not None:
                pdf.Root[key_name] = value
        if "/Info" in front.trailer:
            pdf.trailer.Info = pdf.copy_foreign(front.trailer.Info)
        if pagination is not None:
            _number_pages(pdf, pagination)
        out = io.BytesIO()
        pdf.save(
            out,
            min_version=front.pdf_version,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return out.getvalue()

    def _outline(self) -> None:
        if not self.outlines:
            return
        pdf = self.pdf
        top = pdf.make_indirect(Dictionary(Type=Name.Outlines))
        items: list[pikepdf.Object] = []
        count = 0
        for outlines in self.outlines:
            item = outlines.get("/First")
            while item is not None:
                items.append(item)
                item = item.get("/Next")
            count += int(outlines.get("/Count", 0))
        for previous, item in itertools.pairwise(items):
            previous.Next = item
            item.Prev = previous
        for item in items:
            item.Parent = top
        for item, key in ((items[0], "/Prev"), (items[-1], "/Next")):
            if key in item:
                del item[key]
        top.First, top.Last, top.Count = items[0], items[-1], count
        pdf.Root.Outlines = top


def _numbers(parent_tree: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """A flat number tree (WeasyPrint writes one ``/Nums`` array) as a dict."""
    nums = parent_tree.get("/Nums", Array())
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _number_pages(pdf: pikepdf.Pdf, pagination: bytes) -> None:
    with pikepdf.open(io.BytesIO(pagination)) as numbers:
        if len(numbers.pages) != len(pdf.pages):
            raise ValueError("the pagination document has another number of pages")
        for page, numbered in zip(pdf.pages, numbers.pages, strict=True):
            form = pdf.copy_foreign(numbered.as_form_xobject())
            name = page.add_resource(form, Name.XObject, prefix="KiaPage")
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(
                b"Q\nq /Artifact <</Type /Pagination /Subtype /Footer>> BDC "
                + str(name).encode()
                + b" Do EMC Q\n"
            )


def assemble(parts: Sequence[PartPdf], pagination: bytes | None) -> bytes:
    """The parts (front first) as one PDF; ``pagination`` draws the page numbers."""
    assembly = _Assembly()
    sources = [assembly.add(part) for part in parts]
    try:
        return assembly.finish(sources[0], pagination)
    finally:
        for source in sources:
            source.close()
