"""Published assessments and their published versions, for anyone (read-only), read from
the published version exactly as the ``/public/`` pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router

from assessments.domain import states
from assessments.domain.models import Assessment
from assessments.domain.permissions import get_published
from assessments.interfaces.api.pagination import PageQuery, paginate
from assessments.interfaces.api.routers.links import assessment_summary, version_summary
from assessments.interfaces.api.schemas import (
    AssessmentOut,
    AssessmentPage,
    VersionDocumentOut,
    VersionOut,
)

router = Router(tags=["public"])
WHERE = "/assessments/{organisation}/{slug}"


class PublicFilter(PageQuery):
    service: str | None = None


class PublicAssessmentOut(AssessmentOut):
    version: VersionDocumentOut


@router.get("/assessments", response=AssessmentPage, by_alias=True, summary="Published assessments")
def public_list(request: HttpRequest, filters: Query[PublicFilter]) -> dict:
    rows = states.published(Assessment.objects.select_related("organisation"))
    if filters.service:
        rows = rows.filter(service_name__icontains=filters.service)
    rows = rows.order_by("-published_at", "pk")
    shown, meta = paginate(request, rows, filters.page, filters.page_size)
    return {**meta, "items": [assessment_summary(a, public=True) for a in shown]}


@router.get(
    WHERE,
    response=PublicAssessmentOut,
    by_alias=True,
    summary="One published assessment with the document of its published version",
    url_name="public_assessment",
)
def public_assessment(request: HttpRequest, organisation: str, slug: str) -> dict:
    live, version = get_published(organisation, slug)
    return {
        **assessment_summary(live, public=True),
        "version": {**version_summary(version, public=True), "document": version.document},
    }


@router.get(
    WHERE + "/versions",
    response=list[VersionOut],
    by_alias=True,
    summary="The published versions of a published assessment",
    url_name="public_version_list",
)
def public_version_list(request: HttpRequest, organisation: str, slug: str) -> list[dict]:
    live, _version = get_published(organisation, slug)
    rows = states.published(live.versions.all()).order_by("-number")
    return [version_summary(v, public=True) for v in rows]


@router.get(
    WHERE + "/versions/{number}",
    response=VersionDocumentOut,
    by_alias=True,
    summary="One published version with its document",
    url_name="public_version",
)
def public_version(request: HttpRequest, organisation: str, slug: str, number: int) -> dict:
    live, _version = get_published(organisation, slug)
    version = states.published(live.versions.filter(number=number)).first()
    if version is None:
        raise Http404("No such published version.")
    return {**version_summary(version, public=True), "document": version.document}
