"""WeasyPrint itself: lay out one HTML document and write a tagged PDF (PDF/UA-1).

The one place that calls WeasyPrint for the report; imported lazily (it is slow to import).
It only ever gets our fetcher (``fetcher.make_fetcher``), which serves the app's own static
files and nothing else."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessments.outputs.report import artifacts, layout_fixes
from assessments.outputs.report import fetcher as fetchers

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": False}
# A part of the report laid out alone names itself (``parts.part_document``).
PART_META = re.compile(r'<meta name="kia-part" content="([a-z0-9-]+)">')


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def weasyprint_document(html: str, *, url_fetcher=None) -> RenderedPdf:
    """WeasyPrint alone: lay out ``html`` and write the PDF (the benchmark's baseline)."""
    from weasyprint import HTML  # noqa: PLC0415 -- slow

    artifacts.install()  # running headers, footers and the watermark as artifacts
    layout_fixes.install()  # every note on its call's page, no line of only "ge-"
    part = PART_META.search(html, 0, 4000)
    artifacts.note_ids(f"note-{part.group(1)}" if part else "note")
    document = HTML(
        string=html, base_url=None, url_fetcher=url_fetcher or fetchers.make_fetcher()
    ).render(**PDF_OPTIONS)
    return RenderedPdf(document.write_pdf(**PDF_OPTIONS), len(document.pages))
