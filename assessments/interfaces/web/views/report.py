"""The report: a page to request the PDF, its status, the downloads and an HTML preview.

The request never waits for WeasyPrint: ``report_start`` queues a background task (see
``assessments.outputs.report.cache``); the page polls ``report_status`` (htmx, or a plain
refresh without JavaScript) until the PDF is ready.
"""

from __future__ import annotations

import logging

from csp.decorators import csp_update
from django.contrib import messages
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.domain import states, versions
from assessments.domain.models import Assessment, ReportFile, ReportFormat, ReportStatus
from assessments.domain.permissions import Access
from assessments.interfaces.web.views.common import assessment_view, file_response, pdf_response
from assessments.interfaces.web.views.waiting import (
    POLL_SECONDS,
    WAIT_QUERY,
    not_stored,
    wait_state,
)
from assessments.outputs.report import cache, recovery, tasks
from assessments.outputs.report.render import render_html

logger = logging.getLogger(__name__)


def _state(assessment: Assessment) -> dict:
    """What the report page and the status endpoint show."""
    current = cache.current_file(assessment)
    older = None
    if current is None or not current.is_ready:
        older = cache.latest_ready(assessment)
    stale = current is not None and current.is_stale
    return {
        "assessment": assessment,
        "current": current,
        "older": older,
        "busy": current is not None and current.is_busy and not stale,
        "stale": stale,
        "poll_seconds": POLL_SECONDS,
    }


def failure_message() -> str:
    """What a member sees when a render failed: no exception text, no paths."""
    return _(
        "Generating the PDF failed. Try again; if it fails again, the assessment may be too "
        "large to print, or the server is busy: please tell your administrator."
    )


@assessment_view()
@require_GET
def report_page(request: HttpRequest, access: Access) -> HttpResponse:
    return render(request, "assessments/report/page.html", {**_state(access.assessment)})


@assessment_view()
@require_POST
def report_start(request: HttpRequest, access: Access) -> HttpResponse:
    notice = ""
    try:
        tasks.request_render(access.assessment)
    except OperationalError as error:  # e.g. SQLite "database is locked" under load
        logger.warning("Queueing the PDF of %s failed: %s", access.assessment.slug, error)
        notice = _("The server is busy and could not start the PDF. Please try again.")
    if request.headers.get("HX-Request"):
        state = {**_state(access.assessment), "notice": notice}
        return render(request, "assessments/report/_status.html", state)
    if notice:
        messages.error(request, notice)
    return redirect(reverse("assessments:report", args=[access.assessment.slug]) + "#report-status")


@assessment_view()
@require_GET
def report_status(request: HttpRequest, access: Access) -> HttpResponse:
    state = _state(access.assessment)
    if request.headers.get("HX-Request"):
        return render(request, "assessments/report/_status.html", state)
    current: ReportFile | None = state["current"]
    return JsonResponse(
        {
            "status": current.status if current else "none",
            "ready": bool(current and current.is_ready),
            "pages": current.page_count if current else None,
            "size": current.size if current else None,
            "stale": state["stale"],
            "error": failure_message() if current and current.status == ReportStatus.FAILED else "",
            "download_url": reverse("assessments:report_pdf", args=[access.assessment.slug])
            if current and current.is_ready
            else None,
        }
    )


@assessment_view()
@require_GET
def report_pdf(request: HttpRequest, access: Access) -> HttpResponse:
    """The PDF of the assessment as it is now; to the report page if it is not ready."""
    current = cache.current_file(access.assessment)
    if current is None or not current.is_ready or not recovery.ensure_stored(current):
        return redirect("assessments:report", slug=access.assessment.slug)
    return pdf_response(current)


@assessment_view()
@require_GET
def report_file(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """An earlier PDF of the assessment (made from an older state of it)."""
    found = get_object_or_404(
        ReportFile, pk=pk, assessment=access.assessment, status=ReportStatus.READY
    )
    if not found.file or not recovery.ensure_stored(found):
        raise Http404("No such file.")
    return pdf_response(found)


@assessment_view()
@require_GET
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # the report's @page rules
def report_html(request: HttpRequest, access: Access) -> HttpResponse:
    """The report as HTML (what the PDF is made from), for a quick look in the browser."""
    ws = versions.standing_workspace(access.assessment)  # final or published: its version
    shown = ws.assessment if ws else access.assessment
    return HttpResponse(render_html(shown, for_pdf=False, workspace=ws))


def _editable_file(
    request: HttpRequest, assessment: Assessment, format: str, *, public: bool
) -> HttpResponse:
    """The Word or ODT file of ``assessment`` as it stands (a final or published one: of its
    version), made by the worker and kept; while it is being made, a page that asks again
    by itself. A failed one is made again only when the reader asks (``?retry=1``)."""
    retry = request.GET.get("retry") == "1"
    current = cache.current_file(assessment, format)
    if current is not None and current.is_ready and not recovery.ensure_stored(current):
        current.refresh_from_db()  # queued again ("immediate": made again already)
    if current is None or not current.is_ready:
        try:
            current = tasks.request_render(assessment, format, retry_failed=retry)
        except OperationalError as error:  # e.g. SQLite "database is locked" under load
            logger.warning("Queueing the %s of %s failed: %s", format, assessment.slug, error)
    if current is not None and current.is_ready:
        return file_response(current, public=public)
    failed = current is not None and current.status == ReportStatus.FAILED
    response = render(
        request,
        "assessments/report/file_wait.html",
        {
            "assessment": assessment,
            "format": format,
            "label": _("Word") if format == ReportFormat.DOCX else _("OpenDocument"),
            "failed": failed,
            "public": public,
            "retry_seconds": POLL_SECONDS,
            "retry_url": f"{request.path}?retry=1",
        },
        status=503 if public or failed else 202,
    )
    if not failed:
        response["Retry-After"] = str(POLL_SECONDS)
    return response


@assessment_view()
@require_GET
def report_docx(request: HttpRequest, access: Access) -> HttpResponse:
    """The report as an editable Word document (made by the worker, see ``_editable_file``)."""
    return _editable_file(request, access.assessment, ReportFormat.DOCX, public=False)


@assessment_view()
@require_GET
def report_odt(request: HttpRequest, access: Access) -> HttpResponse:
    """The report as an OpenDocument text (made by the worker, see ``_editable_file``)."""
    return _editable_file(request, access.assessment, ReportFormat.ODT, public=False)


def _published(organisation: str, slug: str) -> Assessment:
    return get_object_or_404(
        states.published(Assessment.objects.select_related("organisation")),
        organisation__slug=organisation,
        slug=slug,
    )


@require_GET
def public_report_docx(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    """The published version's Word file, for anyone; 404 for anything not published."""
    return _editable_file(request, _published(organisation, slug), ReportFormat.DOCX, public=True)


@require_GET
def public_report_odt(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    """The published version's ODT file, for anyone; 404 for anything not published."""
    return _editable_file(request, _published(organisation, slug), ReportFormat.ODT, public=True)


@require_GET
def public_report_pdf(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    """The PDF of a published assessment, for anyone; 404 for anything not published.
    Slugs are unique per organisation, so the public link names both."""
    assessment = get_object_or_404(
        states.published(Assessment.objects.select_related("organisation")),
        organisation__slug=organisation,
        slug=slug,
    )
    current = cache.current_file(assessment)
    if current is not None and current.is_ready and not recovery.ensure_stored(current):
        current.refresh_from_db()  # queued again ("immediate": made again already)
    if current is None or not current.is_ready:
        current = tasks.request_render(assessment)  # ready at once only with "immediate"
    waiting = request.GET.get("wait") == "1"  # the wait page asks (see views/waiting.py)
    if current.is_ready and not waiting:
        return pdf_response(current, public=True)
    url = reverse("assessments:public_report_pdf", args=[organisation, slug])
    wait = wait_state(current, status_url=f"{url}?{WAIT_QUERY}", download_url=url)
    response = render(
        request,
        "assessments/public_preparing.html",
        {"assessment": assessment, "retry_seconds": 30, "wait": wait},
        status=200 if current.is_ready else 503,
    )
    if not current.is_ready:
        response["Retry-After"] = "30"
    return not_stored(response)


urlpatterns = [
    path("a/<slug:slug>/report/", report_page, name="report"),
    path("a/<slug:slug>/report/start", report_start, name="report_start"),
    path("a/<slug:slug>/report/status", report_status, name="report_status"),
    path("a/<slug:slug>/report/<int:pk>.pdf", report_file, name="report_file"),
    path("a/<slug:slug>/report.pdf", report_pdf, name="report_pdf"),
    path("a/<slug:slug>/report.html", report_html, name="report_html"),
    path("a/<slug:slug>/report.docx", report_docx, name="report_docx"),
    path("a/<slug:slug>/report.odt", report_odt, name="report_odt"),
    path(
        "public/<slug:organisation>/<slug:slug>/report.docx",
        public_report_docx,
        name="public_report_docx",
    ),
    path(
        "public/<slug:organisation>/<slug:slug>/report.odt",
        public_report_odt,
        name="public_report_odt",
    ),
    path(
        "public/<slug:organisation>/<slug:slug>/report.pdf",
        public_report_pdf,
        name="public_report_pdf",
    ),
]
