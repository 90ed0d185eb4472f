"""Owners map their identity provider's groups to roles in their organisation (single
sign-on; the rules are the domain's ``sso``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import sso
from assessments.domain.constants import Role
from assessments.domain.models import GroupRole
from assessments.domain.permissions import get_organisation
from assessments.interfaces.forms.accounts import GroupRoleForm


@login_required
@require_POST
def group_roles(request: HttpRequest, slug: str) -> HttpResponse:
    """Add or change a group's role here, or (``remove=<pk>``) remove a mapping."""
    organisation, _role = get_organisation(request.user, slug, Role.OWNER)
    if "remove" in request.POST:
        mapping = get_object_or_404(
            GroupRole, pk=request.POST.get("remove") or 0, organisation=organisation
        )
        sso.unmap_group(mapping, actor=request.user)
        messages.success(request, _("Group mapping removed."))
        return redirect("assessments:members", slug=slug)
    form = GroupRoleForm(request.POST)
    if form.is_valid():
        sso.map_group(
            organisation, form.cleaned_data["group"], form.cleaned_data["role"], actor=request.user
        )
        messages.success(
            request,
            _("Members of the group %(group)s get this role at their next log-in.")
            % {"group": form.cleaned_data["group"]},
        )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("assessments:members", slug=slug)


urlpatterns = [
    path("organisation/<slug:slug>/groups/", group_roles, name="group_roles"),
]
