"""The report as HTML and as a tagged PDF (PDF/UA-1), rendered by WeasyPrint.

WeasyPrint is imported inside the functions that need it (it is slow to import), and it
only ever gets our fetcher (``fetcher.make_fetcher``), which serves the app's own static
files and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation

from assessments.models import Assessment
from assessments.report import artifacts
from assessments.report import fetcher as fetchers
from assessments.report.data import Report, build_report
from assessments.report.typography import typeset

TEMPLATE = "report/report.html"
STYLESHEET = "report/report.css"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": False}


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def report_html(report: Report, *, for_pdf: bool = True) -> str:
    """The HTML of a built report. ``for_pdf`` links the stylesheet for our fetcher;
    otherwise for a browser (``STATIC_URL``)."""
    report.stylesheet_url = fetchers.static_url(STYLESHEET) if for_pdf else static(STYLESHEET)
    with translation.override(report.language):
        return typeset(render_to_string(TEMPLATE, {"report": report}), report.language)


def render_html(assessment: Assessment, *, for_pdf: bool = True) -> str:
    return report_html(build_report(assessment), for_pdf=for_pdf)


def weasyprint_document(html: str, *, url_fetcher=None) -> RenderedPdf:
    """WeasyPrint alone: lay out ``html`` and write the PDF (the benchmark's baseline)."""
    from weasyprint import HTML

    artifacts.install()  # running headers, footers and the watermark as artifacts
    document = HTML(
        string=html, base_url=None, url_fetcher=url_fetcher or fetchers.make_fetcher()
    ).render(**PDF_OPTIONS)
    return RenderedPdf(document.write_pdf(**PDF_OPTIONS), len(document.pages))


def raw_weasyprint(html: str, *, url_fetcher=None) -> bytes:
    return weasyprint_document(html, url_fetcher=url_fetcher).content


def render_pdf_document(assessment: Assessment, *, url_fetcher=None) -> RenderedPdf:
    return weasyprint_document(render_html(assessment), url_fetcher=url_fetcher)


def render_pdf(assessment: Assessment) -> bytes:
    """The assessment's report as PDF bytes, synchronously (CLI export, background task)."""
    return render_pdf_document(assessment).content
