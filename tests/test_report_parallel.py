"""The report laid out in parts in parallel (issue 21): the same document as one pass.

For the two demos and a (small) benchmark document, the serial path
(``KIA_REPORT_PARALLEL=False``) and the parallel path give the same pages, text, links,
bookmarks and structure tree, and the parallel PDF passes the PDF/UA checker. Then: a
re-export lays out only the part that changed, a part that fails fails the whole render,
a child that dies is replaced once, and a cache entry of another WeasyPrint, stylesheet
or code is never found."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from assessments.domain.models import Assessment, Organisation, Risk
from assessments.outputs.report import parallel, partcache, parts
from assessments.outputs.report.child import Job, Limits, RenderFailed, render_many
from assessments.outputs.report.render import render_html, render_pdf_document
from tests import builders

LIMITS = Limits(seconds=600, memory_mb=4096)


def _both(assessment: Assessment) -> tuple[bytes, bytes]:
    with override_settings(KIA_REPORT_PARALLEL=False):
        serial = render_pdf_document(assessment).content
    with override_settings(KIA_REPORT_PARALLEL=True, KIA_REPORT_PARALLEL_MIN_CHARS=0):
        together = render_pdf_document(assessment).content
    return serial, together


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both paths' PDFs of the homework and TikTok demos and of a benchmark document."""
    found = {}
    with (
        override_settings(KIA_REPORT_PARTS_DIR=str(tmp_path_factory.mktemp("parts"))),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("kia_demo", stdout=io.StringIO(), stderr=io.StringIO())
        for assessment in Assessment.objects.filter(organisation__slug="demo"):
            found[assessment.slug] = _both(assessment)
        org = Organisation.objects.create(name="Bench", slug="bench-parallel")
        bench = builders.berenschot_size(
            org, slug="bench-parallel", risks=8, paragraphs=1, sources=80
        )
        found["bench"] = _both(bench)
        transaction.set_rollback(True)
    return found


def _page_texts(content: bytes, reader: PdfReader) -> list[list[str]]:
    """Each page's lines, sorted (the page numbers are drawn last on the parallel path):
    by poppler's ``pdftotext`` where it is installed (CI), which is many times faster than
    pypdf's extraction, else by pypdf."""
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        pages = text.split("\f")[: len(reader.pages)]
    else:
        pages = [page.extract_text() for page in reader.pages]
    return [sorted(line.strip() for line in page.splitlines() if line.strip()) for page in pages]


def _links(reader: PdfReader) -> list[tuple]:
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    named = {name: pages[dest.page.idnum] for name, dest in reader.named_destinations.items()}
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            dest = annotation.get("/Dest")
            action = annotation.get("/A")
            found.append(
                (
                    number,
                    named.get(str(dest), "missing") if dest is not None else None,
                    action.get("/URI") if action else None,
                    tuple(round(float(x)) for x in annotation["/Rect"]),
                )
            )
    return found


def _outline(reader: PdfReader, items=None, depth=0) -> list[tuple]:
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += _outline(reader, item, depth + 1)
        else:
            found.append((depth, item.title, reader.get_destination_page_number(item)))
    return found


def _elements(content: bytes) -> list[tuple[str, str | None]]:
    """The structure tree's elements in reading order, as (type, ID) (pikepdf: fast)."""
    found: list[tuple[str, str | None]] = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if "/S" in node:
                found.append((str(node.S), str(node.ID) if "/ID" in node else None))
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            stack.extend(reversed([k for k in kids if isinstance(k, pikepdf.Dictionary)]))
    return found


@dataclass
class Facts:
    pages: int
    texts: list[list[str]]
    links: list[tuple]
    outline: list[tuple]
    elements: list[tuple[str, str | None]]
    catalog: dict


def _facts(content: bytes) -> Facts:
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    return Facts(
        pages=len(reader.pages),
        texts=_page_texts(content, reader),
        links=_links(reader),
        outline=_outline(reader),
        elements=_elements(content),
        catalog={
            "lang": str(root["/Lang"]),
            "marked": bool(root["/MarkInfo"]["/Marked"]),
            "title": reader.metadata.title,
            "pdfua": b"pdfuaid" in root["/Metadata"].get_object().get_data(),
        },
    )


@pytest.fixture(scope="module")
def facts(rendered) -> dict[str, tuple[Facts, Facts]]:
    return {
        name: (_facts(serial), _facts(together)) for name, (serial, together) in rendered.items()
    }


@pytest.mark.parametrize("name", ["voorbeeld-huiswerkapp", "tiktok-2025", "bench"])
def test_the_parallel_path_gives_the_serial_document(facts, name):
    serial, together = facts[name]
    assert together.pages == serial.pages > 5
    assert together.texts == serial.texts
    assert together.links == serial.links
    assert all(link[1] != "missing" for link in together.links)
    assert together.outline == serial.outline
    assert [tag for tag, _ in together.elements] == [tag for tag, _ in serial.elements]
    notes = [note for tag, note in together.elements if tag == "/Note"]
    assert notes and len(notes) == len(set(notes))
    assert together.catalog == serial.catalog and together.catalog["pdfua"]


def test_the_parallel_tiktok_report_passes_the_pdfua_checker(rendered, tmp_path):
    """``test_report_pdf`` runs the checker on both paths for its document; here the
    largest demo (warnings are allowed)."""
    pdfua = pytest.importorskip("pdfua")
    path = tmp_path / "parallel.pdf"
    path.write_bytes(rendered["tiktok-2025"][1])
    findings = pdfua.validate(str(path)).findings
    assert [f.message for f in findings if f.severity >= pdfua.Severity.ERROR] == []


def test_page_numbers_count_the_whole_document(facts):
    together = facts["tiktok-2025"][1]
    total = together.pages
    assert not any(line.startswith("pagina") for line in together.texts[0])  # the cover
    for number in (2, total // 2, total):
        assert f"pagina {number} van {total}" in together.texts[number - 1]


# --- Parts, cache, failures -----------------------------------------------------------------


def test_the_report_is_cut_where_it_starts_a_new_page(db):
    assessment = builders.full_assessment(language="en")
    whole = parts.split(render_html(assessment), min_chars=0)
    names = [part.name for part in whole.parts]
    assert names[0] == "front" and names[-1] == "colophon"
    assert {"chapter-1", "chapter-3", "chapter-5", "sources"} <= set(names)
    assert all(part.body.lstrip().startswith("<section") for part in whole.parts)
    grouped = parts.split(render_html(assessment))
    assert grouped.parts[0].name == "front" and len(grouped.parts) < len(whole.parts)
    assert "".join(p.body for p in grouped.parts) == "".join(p.body for p in whole.parts)
    with pytest.raises(ValueError, match="no part markers"):
        parts.split("<html><body><p>x</p></body></html>")


def test_a_part_links_to_the_anchors_of_other_parts_through_invisible_targets(db):
    whole = parts.split(render_html(builders.full_assessment(language="en")), min_chars=0)
    owners = whole.owner()
    front = parts.part_document(whole, 0, owners)
    assert 'content="front"' in front
    targets = front[front.index("part-targets") : front.index("</div></div>") + 12]
    assert 'id="chapter-3"' in targets  # the contents link to chapter 3
    own = next(iter(whole.front.ids))
    assert f'id="{own}"' not in targets
    assert parts.css_string('A "quote" </style>') == '"A \\22 quote\\22  \\3c /style\\3e "'


def test_a_re_export_lays_out_only_the_part_that_changed(db, tmp_path):
    assessment = builders.full_assessment(language="en")
    with override_settings(KIA_REPORT_PARALLEL=True, KIA_REPORT_PARTS_DIR=str(tmp_path)):
        first = parallel._Renderer(LIMITS, None, None)
        cold = parallel.render(render_html(assessment), limits=LIMITS, renderer=first)
        assert parallel.FRONT in first.laid_out and parallel.PAGINATION in first.laid_out
        same = parallel._Renderer(LIMITS, None, None)
        again = parallel.render(render_html(assessment), limits=LIMITS, renderer=same)
        assert same.laid_out == [] and again.pages == cold.pages
        risk = assessment.risks.order_by("order").first()
        Risk.objects.filter(pk=risk.pk).update(impact_justification="Changed justification.")
        edited = parallel._Renderer(LIMITS, None, None)
        html = render_html(assessment)
        parallel.render(html, limits=LIMITS, renderer=edited)
    whole = parts.split(html)
    changed = [str(i) for i, p in enumerate(whole.parts) if "Changed justification" in p.body]
    assert len(changed) == 1
    assert set(edited.laid_out) <= {*changed, parallel.FRONT, parallel.PAGINATION}
    assert changed[0] in edited.laid_out


def test_a_cache_entry_of_another_weasyprint_stylesheet_or_code_is_never_found(monkeypatch):
    import weasyprint

    html = '<link rel="stylesheet" href="kia-static:report/report.css"><p>x</p>'
    before = partcache.key(html)
    assert partcache.key(html) == before
    assert partcache.key(html + " ") != before
    monkeypatch.setattr(weasyprint, "__version__", "0.1")
    partcache._code_version.cache_clear()
    assert partcache.key(html) != before
    monkeypatch.undo()
    partcache._code_version.cache_clear()
    monkeypatch.setattr(partcache.finders, "find", lambda path: __file__)  # another stylesheet
    assert partcache.key(html) != before


def test_the_cache_keeps_within_its_size(settings, tmp_path):
    settings.KIA_REPORT_PARTS_DIR = str(tmp_path)
    settings.KIA_REPORT_PARTS_MB = 1
    for n in range(3):
        partcache.put(f"{n:02d}" + "a" * 62, b"x" * 600_000)
        time.sleep(0.01)
    assert partcache.get("00" + "a" * 62) is None  # the oldest went
    assert partcache.get("02" + "a" * 62) == b"x" * 600_000


def test_a_cache_that_cannot_be_written_costs_only_time(settings, tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    settings.KIA_REPORT_PARTS_DIR = str(blocked)
    partcache.put("ab" + "c" * 62, b"%PDF")
    assert partcache.get("ab" + "c" * 62) is None
    assert "was not kept" in caplog.text


def _fail(html: str) -> str:
    raise ValueError("broken part")


def _slow(html: str) -> str:
    time.sleep(30)
    return html


def _die_once(html: str) -> str:
    flag = Path(html)
    if not flag.exists():
        flag.write_text("died")
        os._exit(3)
    return "second try"


def test_a_part_that_fails_fails_the_whole_render():
    jobs = [Job("good", str.upper, "a"), Job("bad", _fail, "b")]
    with pytest.raises(RenderFailed, match="renderer error"):
        render_many(jobs, LIMITS, workers=2)


def test_a_part_that_takes_too_long_fails_the_whole_render():
    with pytest.raises(RenderFailed, match="time limit of 1 s"):
        render_many([Job("slow", _slow, "")], Limits(seconds=1, memory_mb=4096), workers=1)


def test_a_child_that_dies_is_replaced_once(tmp_path):
    flag = tmp_path / "flag"
    jobs = [Job("x", _die_once, str(flag)), Job("y", str.upper, "y")]
    done = render_many(jobs, LIMITS, workers=2)
    assert done == {"x": "second try", "y": "Y"}
    dying = [Job("z", lambda html: os._exit(3), "")]
    with pytest.raises(RenderFailed, match="exit code 3"):
        render_many(dying, LIMITS, workers=1)


def test_the_serial_path_stays_selectable_and_short_reports_take_it(db, tmp_path):
    assessment = builders.full_assessment(language="en")
    kept = str(tmp_path)
    with override_settings(
        KIA_REPORT_PARALLEL=False, KIA_REPORT_PARALLEL_MIN_CHARS=0, KIA_REPORT_PARTS_DIR=kept
    ):
        rendered = render_pdf_document(assessment)
    assert rendered.pages > 5
    assert not any(tmp_path.iterdir())  # no part was laid out or kept
    size = len(render_html(assessment))
    with override_settings(KIA_REPORT_PARALLEL_MIN_CHARS=size + 1, KIA_REPORT_PARTS_DIR=kept):
        render_pdf_document(assessment)
    assert not any(tmp_path.iterdir())  # too short to earn its parts
    with override_settings(KIA_REPORT_PARALLEL_MIN_CHARS=size, KIA_REPORT_PARTS_DIR=kept):
        assert render_pdf_document(assessment).pages == rendered.pages
    assert any(tmp_path.iterdir())
