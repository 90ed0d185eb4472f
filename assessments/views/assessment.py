"""One assessment: overview with progress and gaps, general settings, status changes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from assessments import completeness, heatmap, instrument, workflow
from assessments.constants import Role
from assessments.editing import Actor
from assessments.forms import AssessmentSettingsForm
from assessments.permissions import Access
from assessments.views.common import assessment_view, edit_row
from assessments.workspace import Workspace


@assessment_view()
def detail(request: HttpRequest, access: Access) -> HttpResponse:
    ws = Workspace(access.assessment)
    return render(
        request,
        "assessments/detail.html",
        {
            "access": access,
            "assessment": access.assessment,
            "ws": ws,
            "check": completeness.check(ws),
            "transitions": workflow.available(access.assessment, access.role),
            "can_reassess": access.role.includes(Role.EDITOR)
            and workflow.can_reassess(access.assessment),
            "chapters": instrument.CHAPTERS,
            "gross_map": heatmap.build(ws.risks, matrix=ws.matrix),
            "residual_map": heatmap.build(ws.risks, matrix=ws.matrix, residual=True),
        },
    )


@assessment_view(Role.EDITOR)
def settings_view(request: HttpRequest, access: Access) -> HttpResponse:
    return edit_row(
        request,
        access,
        form_class=AssessmentSettingsForm,
        instance=access.assessment,
        back_url=reverse("assessments:detail", args=[access.assessment.slug]),
        title=_("General information and front matter"),
    )


@assessment_view(Role.EDITOR, allow_locked=True)
def change_status(request: HttpRequest, access: Access, action: str) -> HttpResponse:
    """Take a lifecycle transition; those that need a reason or confirmation ask first."""
    assessment = access.assessment
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise Http404("No such action.")
    back = redirect("assessments:detail", slug=assessment.slug)
    asks = transition.needs_reason or transition.confirm is not None
    if request.method == "POST" and (not asks or "confirmed" in request.POST):
        try:
            workflow.perform(
                assessment,
                action,
                actor=Actor(request.user),
                role=access.role,
                reason=request.POST.get("reason", "")[:2000],
            )
        except workflow.TransitionRefused as refused:
            if transition not in workflow.available(assessment, access.role):
                messages.error(request, refused.message)
                return back
            return render(
                request,
                "assessments/confirm_status.html",
                {
                    "access": access,
                    "assessment": assessment,
                    "transition": transition,
                    "error": refused.message,
                    "reason": request.POST.get("reason", ""),
                },
                status=400,
            )
        messages.success(request, str(transition.done))
        return back
    if transition not in workflow.available(assessment, access.role):
        messages.error(request, _("This is not possible now; nothing was changed."))
        return back
    return render(
        request,
        "assessments/confirm_status.html",
        {"access": access, "assessment": assessment, "transition": transition},
    )


urlpatterns = [
    path("a/<slug:slug>/", detail, name="detail"),
    path("a/<slug:slug>/settings/", settings_view, name="settings"),
    path("a/<slug:slug>/status/<str:action>/", change_status, name="status"),
]
