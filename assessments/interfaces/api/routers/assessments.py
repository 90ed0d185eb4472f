"""Assessments: the list, one as its exchange document, import, the risk register, the
history and lifecycle transitions."""

from __future__ import annotations

from typing import Annotated

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from assessments.domain import constants, lifecycle, states
from assessments.domain.constants import Channel, Role
from assessments.domain.exchange.export import export_assessment
from assessments.domain.exchange.importer import import_document
from assessments.domain.models import Assessment, Change, Membership
from assessments.domain.workspace import Workspace
from assessments.interfaces.api.auth import access, caller, writer
from assessments.interfaces.api.openapi import DOCUMENT
from assessments.interfaces.api.pagination import PageQuery, paginate
from assessments.interfaces.api.problems import Problem
from assessments.interfaces.api.routers.links import assessment_summary
from assessments.interfaces.api.schemas import (
    AssessmentPage,
    ChangePage,
    Choice,
    ImportedOut,
    RegisterRiskOut,
    Timestamp,
    TransitionIn,
    TransitionOut,
    score_of,
)
from assessments.interfaces.api.writing import actor
from assessments.outputs.risk_rows import risk_row

router = Router(tags=["assessments"])


def _one_of(values):
    """A filter's value must be one of ``values`` (as the document's enum says): an unknown
    one is a 400, not an empty list."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in [str(v) for v in values]:
            raise PydanticCustomError("enum", "Input should be one of the listed values")
        return value

    return check


class AssessmentFilter(PageQuery):
    organisation: str | None = Field(default=None, description="Organisation (short name).")
    status: Annotated[str | None, Choice(states.Status), AfterValidator(_one_of(states.Status))] = (
        None
    )
    kind: Annotated[
        str | None,
        Choice(constants.AssessmentKind),
        AfterValidator(_one_of(constants.AssessmentKind)),
    ] = None
    service: str | None = Field(default=None, description="Part of the service's name.")
    updated_since: Timestamp | None = Field(
        default=None, alias="updatedSince", description="Changed at or after (RFC 3339)."
    )


@router.get("", response=AssessmentPage, by_alias=True, summary="Assessments you may read")
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilter]) -> dict:
    rows = Assessment.objects.for_member(caller(request).user).select_related("organisation")
    if filters.organisation:
        rows = rows.filter(organisation__slug=filters.organisation)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.service:
        rows = rows.filter(service_name__icontains=filters.service)
    if filters.updated_since:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    shown, meta = paginate(
        request, rows.order_by("-updated_at", "pk"), filters.page, filters.page_size
    )
    return {**meta, "items": [assessment_summary(a) for a in shown]}


@router.post(
    "",
    response={201: ImportedOut},
    by_alias=True,
    summary="Create an assessment from an exchange document (an import)",
    openapi_extra={"requestBody": {"required": True, "content": DOCUMENT}},
)
def assessment_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str = Query(..., description="Organisation (short name) to create it in."),
) -> Status:
    who = writer(request)
    membership = (
        Membership.objects.filter(user=who.user, organisation__slug=organisation)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Problem(404, _("There is no such organisation, or you are not a member."))
    if not Role(membership.role).includes(Role.EDITOR):
        raise Problem(403, _("Your role does not allow this."))
    imported = import_document(
        request.body, organisation=membership.organisation, user=who.user, channel=Channel.API
    )
    summary = assessment_summary(imported.assessment)
    response["Location"] = summary["_links"]["self"]["href"]  # type: ignore[index]
    return Status(201, {"assessment": summary, "notices": imported.notices})


@router.get(
    "/{organisation}/{slug}",
    summary="One assessment as an exchange document (the file export's JSON Schema)",
    openapi_extra={"responses": {"200": {"description": "OK", "content": DOCUMENT}}},
    url_name="assessment_document",
)
def assessment_document(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    found = access(request, organisation, slug)
    return JsonResponse(
        export_assessment(found.assessment), json_dumps_params={"ensure_ascii": False}
    )


@router.get(
    "/{organisation}/{slug}/risk-register",
    response=list[RegisterRiskOut],
    summary="The risk register: risks with gross and residual scores and their measures",
    url_name="risk_register",
)
def risk_register(request: HttpRequest, organisation: str, slug: str) -> list[dict]:
    assessment = access(request, organisation, slug).assessment
    return [
        {
            "id": risk.pk,
            "label": risk.label,
            "category": risk.category,
            "category_number": risk.category_number,
            "topic": risk.topic,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "gross": score_of(risk.gross),
            "residual_likelihood": risk.residual_likelihood,
            "residual_impact": risk.residual_impact,
            "residual": score_of(risk.residual),
            "residual_description": risk.residual_description,
            "measures": [
                {
                    "id": m.pk,
                    "title": m.title,
                    "status": m.status,
                    "owner": m.owner_text,
                    "due_date": m.due_date,
                }
                for m in risk.measures
            ],
        }
        for risk in map(risk_row, Workspace(assessment).risks)
    ]


class ChangeFilter(PageQuery):
    chapter: str | None = None
    entity: str | None = Field(default=None, description="Kind of row, e.g. risk.")


@router.get(
    "/{organisation}/{slug}/changes",
    response=ChangePage,
    by_alias=True,
    summary="The history: every recorded change, newest first",
    url_name="change_list",
)
def change_list(
    request: HttpRequest, organisation: str, slug: str, filters: Query[ChangeFilter]
) -> dict:
    assessment = access(request, organisation, slug).assessment
    rows = Change.objects.filter(assessment=assessment)
    if filters.chapter:
        rows = rows.filter(chapter=filters.chapter)
    if filters.entity:
        rows = rows.filter(entity=filters.entity)
    shown, meta = paginate(request, rows.order_by("-at", "-pk"), filters.page, filters.page_size)
    return {**meta, "items": shown}


@router.post(
    "/{organisation}/{slug}/transitions/{name}",
    response=TransitionOut,
    summary="Take a lifecycle step: submit, request_changes, finalise, reopen, publish, unpublish",
)
def transition(
    request: HttpRequest, organisation: str, slug: str, name: str, body: TransitionIn
) -> dict:
    found = access(request, organisation, slug, Role.EDITOR, write=True, allow_locked=True)
    step = lifecycle.TRANSITIONS.get(name)
    if step is None:
        raise Problem(404, _("Unknown action."))
    if not found.role.includes(step.role):
        refusal = _("Only an owner can do this.") if step.role == Role.OWNER else ""
        raise Problem(403, refusal or _("Your role does not allow this."))
    if step.needs_reason and not body.reason.strip():
        message = _("Give a reason; it is kept in the history.")
        raise Problem(
            400, message, invalid_params=[{"name": "reason", "code": "required", "reason": message}]
        )
    reviewers = list(get_user_model().objects.filter(username__in=body.reviewers))
    if len(reviewers) != len(set(body.reviewers)):
        message = _(
            "Reviewers must be members of the organisation with the role reviewer or higher."
        )
        raise Problem(
            400,
            message,
            invalid_params=[{"name": "reviewers", "code": "invalid", "reason": message}],
        )
    try:
        lifecycle.perform(
            found.assessment,
            name,
            actor=actor(caller(request).user),
            role=found.role,
            reason=body.reason,
            reviewers=reviewers,
            attested=body.attested,
        )
    except lifecycle.TransitionRefused as refused:
        raise Problem(409, refused.message) from None
    latest = found.assessment.versions.order_by("-number").first()
    return {
        "transition": name,
        "status": found.assessment.status,
        "message": str(step.done),
        "version": latest.number if latest and step.records else None,
    }
