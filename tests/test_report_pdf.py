"""The PDF itself (pypdf): pages, text, metadata, tags, bookmarks, footnotes, watermark.

Every test runs on the serial path and on the parallel one (parts laid out apart and
assembled, ``outputs.report.parallel``).

Each PDF is rendered once per module, inside a transaction that is rolled back.
"""

from __future__ import annotations

import io
import itertools

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader
from pypdf.generic import ContentStream

from assessments.domain.states import Status
from assessments.outputs.report.render import render_pdf_document
from tests.builders import full_assessment


def _render(django_db_blocker, path: str, **kwargs):
    """Rendered on the serial path, or laid out in parts in parallel (``parallel``)."""
    parallel = {"KIA_REPORT_PARALLEL": path == "parallel", "KIA_REPORT_PARALLEL_MIN_CHARS": 0}
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(**parallel):
        assessment = full_assessment(**kwargs)
        rendered = render_pdf_document(assessment)
        title = assessment.title
        transaction.set_rollback(True)
    return rendered, PdfReader(io.BytesIO(rendered.content)), title


@pytest.fixture(scope="module", params=["serial", "parallel"])
def path(request):
    return request.param


@pytest.fixture(scope="module")
def draft(django_db_setup, django_db_blocker, path):
    return _render(django_db_blocker, path, language="en")


@pytest.fixture(scope="module")
def final(django_db_setup, django_db_blocker, path):
    return _render(django_db_blocker, path, language="en", status=Status.FINAL)


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_pages_and_text(draft):
    rendered, reader, _ = draft
    assert rendered.pages == len(reader.pages) > 1
    text = "\n".join(texts(reader))
    for heading in ("1. Preparation", "4. Options for action", "5. Weighing", "Contents"):
        assert heading in text
    assert "Describe the digital service." in text
    assert "List of sources" in text and "Appendix: responses of the service" in text


def test_metadata_language_and_tags(draft):
    _, reader, title = draft
    assert reader.metadata.title == title
    assert reader.metadata.author == "Research Bureau"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])


def test_bookmarks_for_chapters_and_questions(draft):
    _, reader, _ = draft
    outline = reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert {"1. Preparation", "3. Risks", "5. Weighing", "Contents"} <= set(top)
    nested = [item.title for group in outline if isinstance(group, list) for item in group]
    assert "2.1 Description" in nested and "3.1 Content risks" in nested
    assert "2.8 Self-actualisation" in nested


def test_table_of_contents_has_page_numbers(draft):
    _, reader, _ = draft
    toc = reader.pages[1].extract_text()
    chapter_3 = next(line for line in toc.splitlines() if line.startswith("3. Risks"))
    page = int(chapter_3.rstrip(".").split()[-1])
    assert "3. Risks" in reader.pages[page - 1].extract_text()


def test_footnotes_sit_on_the_page_of_their_citation(draft):
    _, reader, _ = draft
    page = next(t for t in texts(reader) if "Self-harm videos reach children." in t)
    assert "NICAM (2023). Kijkwijzer op TikTok en Instagram." in page


def test_running_header_and_page_numbers(draft):
    _, reader, title = draft
    pages = texts(reader)
    total = len(pages)
    assert f"page 2 of {total}" in pages[1]
    title = title.replace("'", "’")  # typeset
    assert all(title in text for text in pages[1:])
    assert "page 1 of" not in pages[0]  # the cover has no footer


def test_watermark_on_every_page_of_a_draft_only(draft, final):
    assert all("DRAFT" in text for text in texts(draft[1]))
    assert not any("DRAFT" in text for text in texts(final[1]))


# --- The structure tree (PDF/UA) ----------------------------------------------------------


def structure(reader: PdfReader):
    """(elements in reading order as (tag, dict), ids of the elements reachable from the root)."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    order, reachable = [], set()

    def walk(node):
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "idnum"):
                reachable.add(kid.idnum)
            kid = kid.get_object()
            if isinstance(kid, dict) and "/S" in kid:
                order.append((kid["/S"], kid))
                walk(kid)

    walk(root)
    return order, reachable


def marked_content_ids(reader: PdfReader, page) -> list[int]:
    ids = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BDC" and len(operands) > 1 and hasattr(operands[1], "get"):
            mcid = operands[1].get("/MCID")
            if mcid is not None:
                ids.append(int(mcid))
    return ids


def test_every_marked_content_is_in_the_structure_tree(draft):
    """Running headers, footers and the watermark are artifacts, not orphaned content."""
    _, reader, _ = draft
    _, reachable = structure(reader)
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    for number, page in enumerate(reader.pages):
        ids = marked_content_ids(reader, page)
        assert ids, f"page {number + 1} has no tagged content"
        refs = parents[number]
        for mcid in ids:
            assert refs[mcid].idnum in reachable, f"page {number + 1}: MCID {mcid} orphaned"


def test_watermark_is_not_tagged_content(draft, final):
    counts = []
    for _, reader, _ in (draft, final):
        order, _ = structure(reader)
        counts.append(sum(1 for tag, _ in order if tag == "/Div"))
    assert counts[0] == counts[1]  # the draft's watermark adds no structure element


def test_heading_levels_never_skip(draft):
    _, reader, _ = draft
    order, _ = structure(reader)
    levels = [int(tag[2]) for tag, _ in order if len(tag) == 3 and tag.startswith("/H")]
    assert len(levels) > 50
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"H{before} followed by H{after}"


def test_pdfua_checker_finds_no_errors(draft, tmp_path):
    """``pdfua`` checks the machine-checkable subset of PDF/UA-1 (warnings are allowed)."""
    pdfua = pytest.importorskip("pdfua")
    path = tmp_path / "report.pdf"
    path.write_bytes(draft[0].content)
    report = pdfua.validate(str(path))
    errors = [
        f"{f.rule_id}: {f.message}" for f in report.findings if f.severity >= pdfua.Severity.ERROR
    ]
    assert errors == []


def test_bookmarks_name_every_section_in_words(draft):
    _, reader, _ = draft

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    names = set(titles(reader.outline))
    for name in ("Reading guide", "Disclaimers", "Limitations", "Cooperation of the service",
                 "Introduction", "Appendix: responses of the service",
                 "Response of ClipShare Ltd.", "List of sources"):  # fmt: skip
        assert name in names
    assert not any(name.startswith(("q-", "chapter-", "risk-")) for name in names)


def test_footnotes_are_notes_and_passages_in_another_language_carry_it(draft):
    """Every footnote is a Note with a unique ID (PDF/UA-1 7.9) holding the link back to
    its call; the call is a Link to the note. ``[text]{lang=nl}`` gives its Span /Lang."""
    _, reader, _ = draft
    order, _ = structure(reader)
    notes = [element for tag, element in order if tag == "/Note"]
    calls = [
        a.get_object()["/Dest"]
        for page in reader.pages
        for a in page.get("/Annots", [])
        if str(a.get_object().get("/Dest", "")).startswith("fn-")
    ]
    assert len(calls) >= 2 and len(notes) >= len(calls)
    ids = [str(note["/ID"]) for note in notes]
    assert len(set(ids)) == len(ids)

    def links_in(node) -> list[str]:
        found = []
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/S") == "/Link":
                found.append("link")
            if isinstance(kid, dict) and "/S" in kid:
                found += links_in(kid)
        return found

    assert all(links_in(note) for note in notes)  # the number links back to the call
    langs = [(tag, str(element["/Lang"])) for tag, element in order if "/Lang" in element]
    assert langs == [("/Span", "nl")]
