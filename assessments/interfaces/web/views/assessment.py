"""One assessment: overview with progress and gaps, general settings, status changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from assessments.domain import comments, completeness, instrument, lifecycle, review, states
from assessments.domain.constants import Role
from assessments.domain.editing import Actor
from assessments.domain.permissions import Access
from assessments.domain.workspace import Workspace
from assessments.interfaces.forms.assessment import AssessmentSettingsForm
from assessments.interfaces.web.views.common import assessment_view, edit_row, edit_view
from assessments.outputs import heatmap


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
            "transitions": lifecycle.available(access.assessment, access.role),
            "can_reassess": access.role.includes(Role.EDITOR)
            and states.can_reassess(access.assessment),
            "chapters": instrument.CHAPTERS,
            "open_points": review.open_points(access.assessment),
            "review_round": review.open_round(access.assessment),
            "gross_map": heatmap.build(ws.risks, matrix=ws.matrix),
            "residual_map": heatmap.build(ws.risks, matrix=ws.matrix, residual=True),
        },
    )


@edit_view
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
    transition = lifecycle.TRANSITIONS.get(action)
    if transition is None:
        raise Http404("No such action.")
    back = redirect("assessments:detail", slug=assessment.slug)
    asks = transition.needs_reason or transition.confirm is not None
    if request.method == "POST" and (not asks or "confirmed" in request.POST):
        chosen = [int(pk) for pk in request.POST.getlist("reviewers") if pk.isdigit()]
        try:
            lifecycle.perform(
                assessment,
                action,
                actor=Actor(request.user),
                role=access.role,
                reason=request.POST.get("reason", "")[:2000],
                reviewers=list(get_user_model().objects.filter(pk__in=chosen)),
                attested="attest" in request.POST,
            )
        except lifecycle.TransitionRefused as refused:
            if transition not in lifecycle.available(assessment, access.role):
                messages.error(request, refused.message)
                return back
            context = _confirm_context(request, access, transition)
            context.update(error=refused.message, reason=request.POST.get("reason", ""))
            context["chosen"] = chosen
            return render(request, "assessments/confirm_status.html", context, status=400)
        messages.success(request, str(transition.done))
        return back
    if transition not in lifecycle.available(assessment, access.role):
        messages.error(request, _("This is not possible now; nothing was changed."))
        return back
    return render(
        request, "assessments/confirm_status.html", _confirm_context(request, access, transition)
    )


def _confirm_context(request: HttpRequest, access: Access, transition) -> dict:
    """What the confirm page of a transition shows besides the question: the reviewers to
    choose from (submit), the open points (request changes), the attestation (finalise)."""
    assessment = access.assessment
    context: dict = {"access": access, "assessment": assessment, "transition": transition}
    if transition.name == "submit":
        context["reviewer_choices"] = review.eligible_reviewers(assessment, request.user)
        context["chosen"] = []
    elif transition.name == "request_changes":
        found = review.open_round(assessment)
        context["open_verdicts"] = (
            [v for v in found.verdicts.all() if not v.approves] if found else []
        )
        context["open_threads"] = len(comments.index(assessment).open_threads)
    elif transition.name == "finalise":
        context["attestation"] = assessment.organisation.attestation_text()
    return context


urlpatterns = [
    path("a/<slug:slug>/", detail, name="detail"),
    path("a/<slug:slug>/settings/", settings_view, name="settings"),
    path("a/<slug:slug>/status/<str:action>/", change_status, name="status"),
]
