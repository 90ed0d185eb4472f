"""Links between resources (``_links``), in one place."""

from __future__ import annotations

from django.urls import reverse

from assessments.domain.models import Assessment, Version


def href(name: str, **kwargs: object) -> dict[str, str]:
    return {"href": reverse(f"api:{name}", kwargs=kwargs)}


def assessment_links(assessment: Assessment) -> dict[str, dict[str, str]]:
    where = {"organisation": assessment.organisation.slug, "slug": assessment.slug}
    return {
        "self": href("assessment_document", **where),
        "versions": href("version_list", **where),
        "changes": href("change_list", **where),
        "riskRegister": href("risk_register", **where),
    }


def assessment_summary(assessment: Assessment, *, public: bool = False) -> dict[str, object]:
    where = {"organisation": assessment.organisation.slug, "slug": assessment.slug}
    links = (
        {
            "self": href("public_assessment", **where),
            "versions": href("public_version_list", **where),
            "pdf": {"href": reverse("assessments:public_report_pdf", kwargs=where)},
        }
        if public
        else assessment_links(assessment)
    )
    return {
        "organisation": assessment.organisation.slug,
        "slug": assessment.slug,
        "title": assessment.title,
        "kind": assessment.kind,
        "status": assessment.status,
        "service_name": assessment.service_name,
        "service_provider": assessment.service_provider,
        "language": assessment.language,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "_links": links,
    }


def version_summary(version: Version, *, public: bool = False) -> dict[str, object]:
    assessment = version.assessment
    where = {
        "organisation": assessment.organisation.slug,
        "slug": assessment.slug,
        "number": version.number,
    }
    links = (
        {"self": href("public_version", **where)}
        if public
        else {
            "self": href("version_detail", **where),
            "report": href("version_report", **where),
            "pdf": href("version_pdf", **where),
            "docx": href("version_docx", **where),
        }
    )
    return {
        "number": version.number,
        "name": version.name,
        "description": version.description,
        "reason": version.reason,
        "status": version.status,
        "content_hash": version.content_hash,
        "created_at": version.created_at,
        "created_by_name": version.created_by_name,
        "_links": links,
    }
