"""Versions of an assessment: the list, one with its document, the comparison of two, and
each version's report (the PDF made in the background, the DOCX on request)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from assessments.domain import versions
from assessments.domain.models import ReportFile, ReportFormat, Version
from assessments.domain.permissions import Access
from assessments.interfaces.api.auth import access
from assessments.interfaces.api.problems import Problem
from assessments.interfaces.api.routers.links import version_summary
from assessments.interfaces.api.schemas import (
    ComparisonOut,
    ReportOut,
    VersionDocumentOut,
    VersionOut,
)
from assessments.outputs.comparison import version_diff
from assessments.outputs.report import cache, recovery, tasks
from assessments.outputs.report.docx import CONTENT_TYPE

router = Router(tags=["versions"])
WHERE = "/{organisation}/{slug}/versions"
CURRENT = "current"


# A version named by its number or as "current" (the content as it is now).
REFERENCE = rf"^([0-9]{{1,9}}|{CURRENT})$"


class VersionPair(Schema):
    old: str = Field(pattern=REFERENCE, description="A version's number, or 'current'.")
    new: str = Field(
        default=CURRENT, pattern=REFERENCE, description="A version's number, or 'current'."
    )


def _version(found: Access, number: int) -> Version:
    return get_object_or_404(Version, assessment=found.assessment, number=number)


@router.get(WHERE, response=list[VersionOut], by_alias=True, summary="The versions, newest first")
def version_list(request: HttpRequest, organisation: str, slug: str) -> list[dict]:
    found = access(request, organisation, slug)
    versions.published_version(found.assessment)  # a settled assessment has its version 1
    rows = found.assessment.versions.select_related("assessment__organisation")
    return [version_summary(v) for v in rows.order_by("-number")]


@router.get(
    WHERE + "/compare",
    response=ComparisonOut,
    summary="What changed between two versions (or a version and the current content)",
)
def version_compare(
    request: HttpRequest, organisation: str, slug: str, refs: Query[VersionPair]
) -> dict:
    found = access(request, organisation, slug)
    old, new = refs.old, refs.new

    def snapshot(which: str) -> versions.Snapshot:
        if which == CURRENT:
            return versions.current(found.assessment)
        if not which.isdigit():
            raise Problem(
                400,
                _("Name a version by its number, or 'current'."),
                invalid_params=[{"name": "old/new", "code": "invalid", "reason": which}],
            )
        return versions.of(_version(found, int(which)))

    result = version_diff.compare(snapshot(old), snapshot(new))
    return {
        "old": result.old.label,
        "new": result.new.label,
        "has_changes": result.has_changes,
        "sections": [
            {
                "key": section.key,
                "title": str(section.title),
                "unchanged": section.unchanged,
                "counts": section.counts,
                "rows": [
                    {
                        "kind": row.kind,
                        "label": str(row.label),
                        "scores": list(row.scores) if row.scores else None,
                        "fields": [
                            {"label": str(f.label), "old": f.old, "new": f.new} for f in row.fields
                        ],
                    }
                    for row in section.rows
                ],
            }
            for section in result.sections
        ],
    }


@router.get(
    WHERE + "/{number}",
    response=VersionDocumentOut,
    by_alias=True,
    summary="One version with its exchange document",
    url_name="version_detail",
)
def version_detail(request: HttpRequest, organisation: str, slug: str, number: int) -> dict:
    version = _version(access(request, organisation, slug), number)
    return {**version_summary(version), "document": version.document}


def _report_state(request: HttpRequest, version: Version, found: ReportFile | None) -> dict:
    where = {
        "organisation": version.assessment.organisation.slug,
        "slug": version.assessment.slug,
        "number": version.number,
    }
    links = {"self": {"href": reverse("api:version_report", kwargs=where)}}
    ready = bool(found and found.is_ready)
    if ready:
        links["pdf"] = {"href": reverse("api:version_pdf", kwargs=where)}
    return {
        "status": found.status if found else "none",
        "ready": ready,
        "pages": found.page_count if found else None,
        "size": found.size if found else None,
        "_links": links,
    }


@router.get(
    WHERE + "/{number}/report",
    response=ReportOut,
    by_alias=True,
    summary="The state of the version's PDF",
    url_name="version_report",
)
def version_report(request: HttpRequest, organisation: str, slug: str, number: int) -> dict:
    version = _version(access(request, organisation, slug), number)
    return _report_state(request, version, cache.version_file(version))


@router.post(
    WHERE + "/{number}/report",
    response={202: ReportOut, 200: ReportOut},
    by_alias=True,
    summary="Ask for the version's PDF to be made (202 with the status URL)",
)
def version_render(
    request: HttpRequest, response: HttpResponse, organisation: str, slug: str, number: int
) -> Status:
    version = _version(access(request, organisation, slug), number)
    made = tasks.request_version_render(version)
    state = _report_state(request, version, made)
    response["Location"] = state["_links"]["self"]["href"]
    return Status(200 if state["ready"] else 202, state)


@router.get(
    WHERE + "/{number}/report.pdf",
    response={202: ReportOut},
    by_alias=True,
    summary="The version's PDF; 202 with the status URL while it is being made",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    url_name="version_pdf",
)
def version_pdf(
    request: HttpRequest, response: HttpResponse, organisation: str, slug: str, number: int
):
    version = _version(access(request, organisation, slug), number)
    found = cache.version_file(version)
    if found is None or not found.is_ready or not recovery.ensure_stored(found):
        found = tasks.request_version_render(version)  # ready at once only with "immediate"
    if found.is_ready:
        return FileResponse(
            found.file.open("rb"),
            content_type="application/pdf",
            filename=f"{version.assessment.slug}-v{version.number}.pdf",
            as_attachment=True,
        )
    state = _report_state(request, version, found)
    response["Location"] = state["_links"]["self"]["href"]
    response["Retry-After"] = "5"
    return Status(202, state)


@router.get(
    WHERE + "/{number}/report.docx",
    response={202: ReportOut},
    by_alias=True,
    summary="The version's report as a Word document; 202 while the worker makes it",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The DOCX",
                "content": {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        }
    },
    url_name="version_docx",
)
def version_docx(
    request: HttpRequest, response: HttpResponse, organisation: str, slug: str, number: int
):
    """Made by the worker like the PDF, within its time and memory limits (never pandoc in
    the request); asked for again, it is served from the file kept for the version."""
    version = _version(access(request, organisation, slug), number)
    found = cache.version_file(version, ReportFormat.DOCX)
    if found is None or not found.is_ready or not recovery.ensure_stored(found):
        found = tasks.request_version_render(version, ReportFormat.DOCX)
    if found.is_ready:
        return FileResponse(
            found.file.open("rb"),
            content_type=CONTENT_TYPE,
            filename=f"{version.assessment.slug}-v{version.number}.docx",
            as_attachment=True,
        )
    state = _report_state(request, version, found)
    state["_links"] = {"self": {"href": request.path}}
    response["Location"] = request.path
    response["Retry-After"] = "5"
    return Status(202, state)
