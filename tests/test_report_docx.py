"""The report as a Word document: real footnotes, heading styles, tables, a TOC field."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from assessments.outputs.report.data import build_report
from assessments.outputs.report.docx import report_docx
from tests.builders import full_assessment

pytestmark = pytest.mark.django_db


def test_word_document_has_the_report_with_real_footnotes():
    report = build_report(full_assessment(language="nl"))
    with zipfile.ZipFile(io.BytesIO(report_docx(report))) as docx:
        document = docx.read("word/document.xml").decode()
        notes = docx.read("word/footnotes.xml").decode()
    references = re.findall(r'<w:footnoteReference w:id="(\d+)"', document)
    assert len(references) == report.footnote_count  # one Word footnote per citation
    bodies = re.findall(r'<w:footnote w:id="(\d+)"', notes)
    assert set(references) <= set(bodies)
    assert "Ofcom (2024). Children and parents" in notes
    styles = set(re.findall(r'<w:pStyle w:val="([^"]+)"', document))
    assert {"Heading1", "Heading2", "Heading3", "Heading4"} <= styles  # navigation pane
    assert "TOC \\o" in document  # Word's own table of contents
    text = re.sub(r"<[^>]+>", "", document)
    for expected in ("Voorbereidingen", "Handelingsopties", "Afweging", "Bronnenlijst"):
        assert expected in text
    assert "CONCEPT" not in text  # no watermark
    assert "fn-call" not in document and "[^" not in text
    assert document.count("<w:tbl>") >= 8  # cover, scores, measures, heat map, 5.3, …


def test_kia_export_writes_the_word_document(tmp_path):
    from django.core.management import call_command

    a = full_assessment()
    target = tmp_path / "report.docx"
    call_command("kia_export", a.slug, "--format", "docx", "--output", str(target))
    assert zipfile.is_zipfile(target)
    with zipfile.ZipFile(target) as docx:
        assert "word/footnotes.xml" in docx.namelist()
