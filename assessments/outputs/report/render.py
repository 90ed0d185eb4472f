"""The report as HTML and as a tagged PDF (PDF/UA-1), rendered by WeasyPrint.

WeasyPrint is imported inside the functions that need it (it is slow to import), and it
only ever gets our fetcher (``fetcher.make_fetcher``), which serves the app's own static
files and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation

from assessments.domain import versions
from assessments.domain.models import Assessment
from assessments.domain.workspace import Workspace
from assessments.outputs.report import artifacts, layout_fixes
from assessments.outputs.report import fetcher as fetchers
from assessments.outputs.report.child import Limits, render_limited
from assessments.outputs.report.data import Report, build_report
from assessments.outputs.report.typography import typeset

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


def render_html(
    assessment: Assessment, *, for_pdf: bool = True, workspace: Workspace | None = None
) -> str:
    """The report's HTML: of the live assessment, or of a version read into ``workspace``."""
    return report_html(build_report(assessment, workspace), for_pdf=for_pdf)


def weasyprint_document(html: str, *, url_fetcher=None) -> RenderedPdf:
    """WeasyPrint alone: lay out ``html`` and write the PDF (the benchmark's baseline)."""
    from weasyprint import HTML  # noqa: PLC0415 -- slow

    artifacts.install()  # running headers, footers and the watermark as artifacts
    layout_fixes.install()  # every note on its call's page, no line of only "ge-"
    document = HTML(
        string=html, base_url=None, url_fetcher=url_fetcher or fetchers.make_fetcher()
    ).render(**PDF_OPTIONS)
    return RenderedPdf(document.write_pdf(**PDF_OPTIONS), len(document.pages))


def raw_weasyprint(html: str, *, url_fetcher=None) -> bytes:
    return weasyprint_document(html, url_fetcher=url_fetcher).content


def render_pdf_document(
    assessment: Assessment,
    *,
    url_fetcher=None,
    workspace: Workspace | None = None,
    limited: bool = False,
    heartbeat=None,
) -> RenderedPdf:
    """The PDF of ``assessment`` (or of the version read into ``workspace``).

    ``limited``: laid out in a child process with the time and memory limits of the
    settings (``KIA_RENDER_SECONDS``, ``KIA_RENDER_MEMORY_MB``), calling ``heartbeat()``
    while it waits; raises ``child.RenderFailed`` with a plain reason. The HTML is always
    built here (database, Markdown): the child only lays it out."""
    html = render_html(assessment, workspace=workspace)
    if not limited:
        return weasyprint_document(html, url_fetcher=url_fetcher)
    import weasyprint  # noqa: F401, PLC0415 -- slow: imported once here, so every child starts with it

    limits = Limits(seconds=settings.KIA_RENDER_SECONDS, memory_mb=settings.KIA_RENDER_MEMORY_MB)
    return render_limited(
        lambda h: weasyprint_document(h, url_fetcher=url_fetcher), html, limits, heartbeat
    )


def render_pdf(assessment: Assessment) -> bytes:
    """The assessment's report as PDF bytes, synchronously (CLI export): a final or
    published assessment's is made from its version, a draft's from its rows."""

    ws = versions.standing_workspace(assessment)
    return render_pdf_document(ws.assessment if ws else assessment, workspace=ws).content


COMPARISON_TEMPLATE = "report/comparison.html"
COMPARISON_STYLESHEET = "report/comparison.css"


def comparison_html(comparison, *, for_pdf: bool = True) -> str:
    """The HTML of a comparison of assessments (``comparison.side_by_side``), in the
    reader's language."""
    stylesheet = (
        fetchers.static_url(COMPARISON_STYLESHEET) if for_pdf else static(COMPARISON_STYLESHEET)
    )
    html = render_to_string(COMPARISON_TEMPLATE, {"c": comparison, "stylesheet_url": stylesheet})
    return typeset(html, translation.get_language() or "nl")


def render_comparison_pdf(comparison, *, seconds: int) -> RenderedPdf:
    """The comparison as PDF, laid out in the limited child process (at most ``seconds``,
    the memory limit of the settings); raises ``child.RenderFailed``."""
    import weasyprint  # noqa: F401, PLC0415 -- slow: imported once here, so every child starts with it

    html = comparison_html(comparison)
    limits = Limits(
        seconds=min(seconds, settings.KIA_RENDER_SECONDS), memory_mb=settings.KIA_RENDER_MEMORY_MB
    )
    return render_limited(weasyprint_document, html, limits)
