"""The report: a page to request the PDF, its status, the downloads and an HTML preview.

The request never waits for WeasyPrint: ``report_start`` queues a background task (see
``assessments.report.cache``); the page polls ``report_status`` (htmx, or a plain
refresh without JavaScript) until the PDF is ready.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.constants import Status
from assessments.models import Assessment, ReportFile, ReportStatus
from assessments.permissions import Access
from assessments.report import cache
from assessments.views.common import assessment_view

POLL_SECONDS = 3


def _pdf_response(report_file: ReportFile, *, public: bool = False) -> FileResponse:
    response = FileResponse(
        report_file.file.open("rb"),
        content_type="application/pdf",
        filename=f"{report_file.assessment.slug}.pdf",
    )
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
    return response


def _state(assessment: Assessment) -> dict:
    """What the report page and the status endpoint show."""
    current = cache.current_file(assessment)
    older = None
    if current is None or not current.is_ready:
        older = cache.latest_ready(assessment)
    return {
        "assessment": assessment,
        "current": current,
        "older": older,
        "busy": current is not None and current.is_busy,
        "poll_seconds": POLL_SECONDS,
    }


@assessment_view()
@require_GET
def report_page(request: HttpRequest, access: Access) -> HttpResponse:
    return render(request, "assessments/report/page.html", {**_state(access.assessment)})


@assessment_view()
@require_POST
def report_start(request: HttpRequest, access: Access) -> HttpResponse:
    cache.request_render(access.assessment)
    if request.headers.get("HX-Request"):
        return render(request, "assessments/report/_status.html", _state(access.assessment))
    return redirect("assessments:report", slug=access.assessment.slug)


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
            "error": current.error if current and current.status == ReportStatus.FAILED else "",
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
    if current is None or not current.is_ready:
        return redirect("assessments:report", slug=access.assessment.slug)
    return _pdf_response(current)


@assessment_view()
@require_GET
def report_file(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """An earlier PDF of the assessment (made from an older state of it)."""
    found = get_object_or_404(
        ReportFile, pk=pk, assessment=access.assessment, status=ReportStatus.READY
    )
    if not found.file:
        raise Http404("No such file.")
    return _pdf_response(found)


@assessment_view()
@require_GET
def report_html(request: HttpRequest, access: Access) -> HttpResponse:
    """The report as HTML (what the PDF is made from), for a quick look in the browser."""
    from assessments.report.render import render_html

    return HttpResponse(render_html(access.assessment, for_pdf=False))


@assessment_view()
@require_GET
def report_docx(request: HttpRequest, access: Access) -> HttpResponse:
    """The report as an editable Word document, made on request (pandoc takes seconds)."""
    from assessments.report.docx import CONTENT_TYPE, render_docx

    response = HttpResponse(render_docx(access.assessment), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{access.assessment.slug}.docx"'
    return response


@require_GET
def public_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The PDF of a published assessment, for anyone; 404 for anything not published."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("organisation"), slug=slug, status=Status.PUBLISHED
    )
    current = cache.current_file(assessment)
    if current is None or not current.is_ready:
        current = cache.request_render(assessment)  # ready at once only with "immediate"
    if current.is_ready:
        return _pdf_response(current, public=True)
    response = HttpResponse(
        _("The PDF is being generated. Please try again in a minute."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


urlpatterns = [
    path("a/<slug:slug>/report/", report_page, name="report"),
    path("a/<slug:slug>/report/start", report_start, name="report_start"),
    path("a/<slug:slug>/report/status", report_status, name="report_status"),
    path("a/<slug:slug>/report/<int:pk>.pdf", report_file, name="report_file"),
    path("a/<slug:slug>/report.pdf", report_pdf, name="report_pdf"),
    path("a/<slug:slug>/report.html", report_html, name="report_html"),
    path("a/<slug:slug>/report.docx", report_docx, name="report_docx"),
    path("public/<slug:slug>/report.pdf", public_report_pdf, name="public_report_pdf"),
]
