"""The report as HTML and as a tagged PDF (PDF/UA-1), rendered by WeasyPrint.

WeasyPrint itself is called in ``engine`` only. The PDF is laid out in parts in parallel
(``parallel``: parts, part cache, assembly) unless ``KIA_REPORT_PARALLEL`` is off; the
serial path, one WeasyPrint pass over the whole HTML, is the reference both must match.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation

from assessments.domain import versions
from assessments.domain.models import Assessment
from assessments.domain.workspace import Workspace
from assessments.outputs.report import engine, parallel
from assessments.outputs.report import fetcher as fetchers
from assessments.outputs.report.child import Limits, render_limited
from assessments.outputs.report.data import Report, build_report
from assessments.outputs.report.engine import RenderedPdf
from assessments.outputs.report.typography import typeset

TEMPLATE = "report/report.html"
STYLESHEET = "report/report.css"


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


def raw_weasyprint(html: str, *, url_fetcher=None) -> bytes:
    return engine.weasyprint_document(html, url_fetcher=url_fetcher).content


def render_pdf_document(
    assessment: Assessment,
    *,
    url_fetcher=None,
    workspace: Workspace | None = None,
    limited: bool = False,
    heartbeat=None,
) -> RenderedPdf:
    """The PDF of ``assessment`` (or of the version read into ``workspace``).

    Laid out in parts in parallel (``parallel``) unless ``KIA_REPORT_PARALLEL`` is off or
    the report is short (``KIA_REPORT_PARALLEL_MIN_CHARS``).
    ``limited``: laid out in child processes with the time and memory limits of the
    settings (``KIA_RENDER_SECONDS``, ``KIA_RENDER_MEMORY_MB``), calling ``heartbeat()``
    while it waits; raises ``child.RenderFailed`` with a plain reason. The HTML is always
    built here (database, Markdown): the child only lays it out."""
    html = render_html(assessment, workspace=workspace)
    if settings.KIA_REPORT_PARALLEL and len(html) >= settings.KIA_REPORT_PARALLEL_MIN_CHARS:
        return parallel.render(
            html, limits=_limits(limited), heartbeat=heartbeat, url_fetcher=url_fetcher
        )
    if not limited:
        return engine.weasyprint_document(html, url_fetcher=url_fetcher)
    import weasyprint  # noqa: F401, PLC0415 -- slow: imported once here, so every child starts with it

    return render_limited(
        lambda h: engine.weasyprint_document(h, url_fetcher=url_fetcher),
        html,
        _limits(True),
        heartbeat,
    )


def _limits(limited: bool) -> Limits:
    """The settings' limits; without ``limited`` (the command line, tests) only generous
    ones, against a runaway child."""
    if limited:
        return Limits(seconds=settings.KIA_RENDER_SECONDS, memory_mb=settings.KIA_RENDER_MEMORY_MB)
    return Limits(seconds=24 * 3600, memory_mb=max(settings.KIA_RENDER_MEMORY_MB, 8192))


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
    return render_limited(engine.weasyprint_document, html, limits)
