"""The public face of a published assessment: a web page, the report as HTML and the JSON.

Everything shown is read from the published version (``versions``), not from the live rows.
A published assessment whose appendix was added later (``lifecycle.add_to_appendix``) has
several published versions: the page shows the newest and lists them all, and each earlier
one keeps its own page, report and JSON.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from assessments.domain import states, versions
from assessments.domain.exchange.export import to_json
from assessments.domain.models import Assessment, Version
from assessments.domain.permissions import get_published
from assessments.outputs.report.render import render_html


def _published_version(
    organisation: str, slug: str, number: int | None
) -> tuple[Assessment, Version, Version]:
    """The published assessment, its published version ``number`` (the newest when None)
    and its newest; 404 for a version that was never published."""
    live, newest = get_published(organisation, slug)
    if number is None or number == newest.number:
        return live, newest, newest
    version = get_object_or_404(states.published(live.versions.all()), number=number)
    return live, version, newest


@require_GET
def public_detail(
    request: HttpRequest, organisation: str, slug: str, number: int | None = None
) -> HttpResponse:
    live, version, newest = _published_version(organisation, slug, number)
    ws = versions.workspace(version)
    return render(
        request,
        "assessments/public_detail.html",
        {
            "live": live,
            "version": version,
            "newest": newest,
            "earlier": version.pk != newest.pk,
            "published_versions": states.published(live.versions.all()).order_by("-number"),
            "a": ws.assessment,
            "ws": ws,
        },
    )


@require_GET
def public_version_html(
    request: HttpRequest, organisation: str, slug: str, number: int
) -> HttpResponse:
    live, version, _newest = _published_version(organisation, slug, number)
    return HttpResponse(render_html(live, for_pdf=False, workspace=versions.workspace(version)))


@require_GET
def public_version_json(
    request: HttpRequest, organisation: str, slug: str, number: int
) -> HttpResponse:
    live, version, _newest = _published_version(organisation, slug, number)
    response = HttpResponse(to_json(version.document), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{live.slug}-v{version.number}.json"'
    return response


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


@require_GET
def public_child_summary_pdf(
    request: HttpRequest, organisation: str, slug: str, number: int
) -> HttpResponse:
    """The summary for children of a published version, as a PDF of its own."""
    from assessments.outputs.report.summary_pdf import render_summary_pdf  # noqa: PLC0415 -- slow: WeasyPrint

    live, version, _newest = _published_version(organisation, slug, number)
    ws = versions.workspace(version)
    if not ws.assessment.child_summary.strip():
        raise Http404("No summary for children.")
    response = HttpResponse(render_summary_pdf(ws.assessment, ws), content_type="application/pdf")
    name = f"{live.slug}-v{version.number}-summary-for-children.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


urlpatterns = [
    path(
        "public/<slug:organisation>/<slug:slug>/v<int:number>/summary-for-children.pdf",
        public_child_summary_pdf,
        name="public_child_summary_pdf",
    ),
    path("public/<slug:organisation>/<slug:slug>/", public_detail, name="public_detail"),
    path(
        "public/<slug:organisation>/<slug:slug>/report.html",
        public_report_html,
        name="public_report_html",
    ),
    path("public/<slug:organisation>/<slug:slug>/assessment.json", public_json, name="public_json"),
    path(
        "public/<slug:organisation>/<slug:slug>/versions/<int:number>/",
        public_detail,
        name="public_version",
    ),
    path(
        "public/<slug:organisation>/<slug:slug>/versions/<int:number>/report.html",
        public_version_html,
        name="public_version_html",
    ),
    path(
        "public/<slug:organisation>/<slug:slug>/versions/<int:number>/assessment.json",
        public_version_json,
        name="public_version_json",
    ),
]
