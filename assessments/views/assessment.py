"""One assessment: overview with progress and gaps, general settings, status changes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import completeness, editing, heatmap, instrument
from assessments.constants import Role, Status
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
            "chapters": instrument.CHAPTERS,
            "gross_map": heatmap.build(ws.risks),
            "residual_map": heatmap.build(ws.risks, residual=True),
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


TRANSITIONS = {
    # action: (from status, to status, required role)
    "finalise": (Status.DRAFT, Status.FINAL, Role.EDITOR),
    "reopen": (Status.FINAL, Status.DRAFT, Role.OWNER),
    "publish": (Status.FINAL, Status.PUBLISHED, Role.OWNER),
    "unpublish": (Status.PUBLISHED, Status.FINAL, Role.OWNER),
}


@require_POST
@assessment_view(Role.EDITOR, allow_locked=True)
def change_status(request: HttpRequest, access: Access) -> HttpResponse:
    assessment = access.assessment
    back = redirect("assessments:detail", slug=assessment.slug)
    action = request.POST.get("action", "")
    if action not in TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return back
    source, target, role = TRANSITIONS[action]
    if not access.role.includes(role):
        raise PermissionDenied(_("Only an owner can do this."))
    if assessment.status != source:
        messages.error(
            request,
            _("The assessment is no longer %(status)s; nothing was changed.")
            % {"status": Status(source).label},
        )
        return back
    if action == "finalise":
        check = completeness.check(Workspace(assessment))
        if not check.can_finalise:
            messages.error(
                request,
                _("Not final yet: %(count)d gaps remain (see the list).")
                % {"count": len(check.gaps)},
            )
            return back
    if not editing.set_status(assessment, target, expected=source, user=request.user):
        messages.error(request, _("The status was changed by someone else; nothing was changed."))
        return back
    messages.success(
        request,
        {
            "finalise": _("The assessment is final. Editing is locked until an owner reopens it."),
            "reopen": _("The assessment is a draft again and can be edited."),
            "publish": _("The assessment is published and listed on the public page."),
            "unpublish": _("The assessment is no longer public."),
        }[action],
    )
    return back


urlpatterns = [
    path("a/<slug:slug>/", detail, name="detail"),
    path("a/<slug:slug>/settings/", settings_view, name="settings"),
    path("a/<slug:slug>/status/", change_status, name="status"),
]
