"""The public face of a published assessment: a web page, the report as HTML and the JSON.

Everything shown is read from the published version (``versions``), not from the live rows.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from assessments import versions, workflow
from assessments.exchange.export import to_json
from assessments.models import Assessment, Version


def published(slug: str) -> tuple[Assessment, Version]:
    assessment = (
        workflow.published(Assessment.objects).select_related("organisation").filter(slug=slug)
    ).first()
    version = versions.published_version(assessment) if assessment else None
    if assessment is None or version is None:
        raise Http404("Nothing published under this name.")
    return assessment, version


@require_GET
def public_detail(request: HttpRequest, slug: str) -> HttpResponse:
    live, version = published(slug)
    ws = versions.workspace(version)
    return render(
        request,
        "assessments/public_detail.html",
        {"live": live, "version": version, "a": ws.assessment, "ws": ws},
    )


@require_GET
def public_report_html(request: HttpRequest, slug: str) -> HttpResponse:
    from assessments.report.render import render_html

    live, version = published(slug)
    return HttpResponse(render_html(live, for_pdf=False, workspace=versions.workspace(version)))


@require_GET
def public_json(request: HttpRequest, slug: str) -> HttpResponse:
    live, version = published(slug)
    response = HttpResponse(to_json(version.document), content_type="application/json")
    filename = f"{live.slug}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("public/<slug:slug>/", public_detail, name="public_detail"),
    path("public/<slug:slug>/report.html", public_report_html, name="public_report_html"),
    path("public/<slug:slug>/assessment.json", public_json, name="public_json"),
]
