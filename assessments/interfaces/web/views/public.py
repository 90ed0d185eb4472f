"""The public face of a published assessment: a web page, the report as HTML and the JSON.

Everything shown is read from the published version (``versions``), not from the live rows.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from assessments.domain import versions
from assessments.domain.exchange.export import to_json
from assessments.domain.permissions import get_published
from assessments.outputs.report.render import render_html


@require_GET
def public_detail(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    live, version = get_published(organisation, slug)
    ws = versions.workspace(version)
    return render(
        request,
        "assessments/public_detail.html",
        {"live": live, "version": version, "a": ws.assessment, "ws": ws},
    )


@require_GET
def public_report_html(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    live, version = get_published(organisation, slug)
    return HttpResponse(render_html(live, for_pdf=False, workspace=versions.workspace(version)))


@require_GET
def public_json(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    live, version = get_published(organisation, slug)
    response = HttpResponse(to_json(version.document), content_type="application/json")
    filename = f"{live.slug}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("public/<slug:organisation>/<slug:slug>/", public_detail, name="public_detail"),
    path(
        "public/<slug:organisation>/<slug:slug>/report.html",
        public_report_html,
        name="public_report_html",
    ),
    path("public/<slug:organisation>/<slug:slug>/assessment.json", public_json, name="public_json"),
]
