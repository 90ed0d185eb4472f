"""The "someone else is editing this" notice: heartbeats from open editors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from assessments.domain.constants import Role
from assessments.domain.permissions import Access
from assessments.infra import presence
from assessments.interfaces.web.views.common import assessment_view


def item_of(access: Access, item: str) -> str | None:
    """An item is the path of its editor within the assessment; anything else is refused."""
    prefix = f"/a/{access.assessment.slug}/"
    return item if item.startswith(prefix) and len(item) <= 300 else None


def user_name(request: HttpRequest) -> str:
    return request.user.get_username()


@require_POST
@assessment_view(Role.EDITOR)
def heartbeat(request: HttpRequest, access: Access) -> HttpResponse:
    item = item_of(access, request.POST.get("item", ""))
    if item is None:
        return HttpResponseBadRequest("Unknown item.")
    if request.POST.get("leave"):
        presence.leave(access.assessment.pk, item, user_name(request))
        return JsonResponse({"others": [], "message": ""})
    names = presence.touch(access.assessment.pk, item, user_name(request))
    return JsonResponse({"others": names, "message": presence.notice(names)})


urlpatterns = [
    path("a/<slug:slug>/presence/", heartbeat, name="presence"),
]
