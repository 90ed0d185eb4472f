"""The PDF's layout, measured: nothing beyond the text block, every note on its call's page.

One PDF is rendered for the module: the full test assessment (final, so no watermark) with a
long unbroken token in an answer and enough risks and measures for chapter 4 to run over
several pages.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.db import transaction
from pypdf import PdfReader

from assessments.constants import Status
from assessments.models import Answer
from assessments.report.render import render_pdf_document
from tests.report_builders import add_risks, full_assessment

MM = 72 / 25.4
RIGHT_MARGIN = 20 * MM  # static/report/report.css: @page margin
WORD = re.compile(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
LONG_TOKEN = "https://example.org/search?" + "&".join(f"parameter{n}=value{n}" for n in range(14))


@pytest.fixture(scope="module")
def pdf(django_db_setup, django_db_blocker, tmp_path_factory) -> bytes:
    with django_db_blocker.unblock(), transaction.atomic():
        a = full_assessment(language="nl", status=Status.FINAL)
        Answer.objects.filter(assessment=a, question="2.2").update(
            text=f"Zie {LONG_TOKEN} voor de instellingen.[^ofcom-2024] [^dpc-2023]"
        )
        add_risks(a, 6, measures=4)
        content = render_pdf_document(a).content
        transaction.set_rollback(True)
    return content


def test_no_footnote_is_lost_or_more_than_a_page_after_its_call(pdf):
    """Every call's note exists; it is on the call's page, or (WeasyPrint 70, footnote-policy
    auto, when it does not fit) on the next one: see README, "PDF report"."""
    reader = PdfReader(io.BytesIO(pdf))
    page_of = {id(page.indirect_reference.get_object()): n for n, page in enumerate(reader.pages)}
    destinations = reader.named_destinations
    calls, moved = 0, 0
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            target = annotation.get_object().get("/Dest")
            if isinstance(target, str) and target.startswith("fn-"):
                calls += 1
                assert target in destinations, f"note {target} is lost"
                note_page = page_of[id(destinations[target]["/Page"].get_object())]
                assert note_page in (number, number + 1), f"{target} is far from its call"
                moved += note_page != number
    assert calls > 30
    assert moved <= calls // 10


def test_notes_link_back_to_their_calls(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    names = set(reader.named_destinations)
    assert {"fn-1", "fnref-1"} <= names
    backlinks = [
        a.get_object().get("/Dest") for page in reader.pages for a in page.get("/Annots", [])
    ]
    assert "fnref-1" in backlinks


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_no_text_beyond_the_right_margin(pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', out, re.S)
    assert len(pages) > 10
    words = 0
    for width, body in pages:
        limit = float(width) - RIGHT_MARGIN + 1.0  # 1 pt for rounding
        for x_max, word in WORD.findall(body):
            words += 1
            assert float(x_max) <= limit, f"{word!r} ends at {x_max} pt, beyond {limit:.1f} pt"
    assert words > 3000
    text = out.replace("\n", "")
    assert "parameter13=value13" in re.sub(r"<[^>]+>", "", text)  # the long token is all there
