"""Starting a re-assessment of a final or published assessment (``domain.reassessment``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from assessments.domain import editing, reassessment, states, versions
from assessments.domain.constants import Role
from assessments.domain.permissions import Access
from assessments.interfaces.web.views.common import assessment_view


@assessment_view(Role.EDITOR, allow_locked=True)
def reassess(request: HttpRequest, access: Access) -> HttpResponse:
    """GET: what will happen, and a confirmation; POST (confirmed): the new draft."""
    assessment = access.assessment
    if request.method == "POST" and "confirmed" in request.POST:
        try:
            successor = reassessment.start(assessment, actor=editing.Actor(request.user))
        except reassessment.ReassessmentRefused as refused:
            messages.error(request, refused.message)
            return redirect("assessments:detail", slug=assessment.slug)
        request.session["organisation_id"] = successor.organisation_id
        messages.success(
            request,
            _("The re-assessment “%(title)s” is a new draft, carried forward from version %(n)s.")
            % {"title": successor.title, "n": versions.latest(assessment).number},  # type: ignore[union-attr]
        )
        return redirect("assessments:detail", slug=successor.slug)
    return render(
        request,
        "assessments/reassess.html",
        {
            "access": access,
            "assessment": assessment,
            "can_reassess": states.can_reassess(assessment),
            "open_successor": reassessment.open_successor(assessment),
            "version": versions.published_version(assessment),
        },
        status=200 if request.method == "GET" else 400,
    )


urlpatterns = [
    path("a/<slug:slug>/reassess/", reassess, name="reassess"),
]
