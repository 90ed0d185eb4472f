"""The organisations the caller is a member of, with their role."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from assessments.domain.models import Membership
from assessments.interfaces.api.auth import caller
from assessments.interfaces.api.schemas import OrganisationOut

router = Router(tags=["organisations"])


@router.get("", response=list[OrganisationOut], summary="Your organisations")
def organisation_list(request: HttpRequest) -> list[dict]:
    memberships = (
        Membership.objects.filter(user=caller(request).user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [
        {"slug": m.organisation.slug, "name": m.organisation.name, "role": m.role}
        for m in memberships
    ]
