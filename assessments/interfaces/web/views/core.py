"""Home (dashboard), the public list of published assessments, creating an assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import completeness, editing, sso, states
from assessments.domain.constants import Role
from assessments.domain.models import Assessment, Membership
from assessments.domain.workspace import load_many
from assessments.interfaces.forms.assessment import NewAssessmentForm


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership of the organisation the user works in now (chosen in the header)."""
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    chosen = request.session.get("organisation_id")
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership
    return memberships[0] if memberships else None


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(
            request,
            "assessments/landing.html",
            {
                "published": states.published(Assessment.objects.all()).select_related(
                    "organisation"
                )[:10],
            },
        )
    membership = current_membership(request)
    rows: list = []
    if membership:
        assessments = (
            Assessment.objects.filter(organisation=membership.organisation)
            .select_related("updated_by")
            .order_by("-updated_at")
        )
        rows = [(ws.assessment, completeness.check(ws)) for ws in load_many(list(assessments))]
    return render(
        request,
        "assessments/dashboard.html",
        {
            "membership": membership,
            "rows": rows,
            "can_create": membership is not None and Role(membership.role).includes(Role.EDITOR),
            # Signed in through the provider, no group mapped: waits for an owner.
            "sso_pending": membership is None and sso.is_pending(request.user),
        },
    )


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        org_id = int(request.POST.get("organisation", ""))
    except ValueError:
        org_id = None
    if org_id and Membership.objects.filter(user=request.user, organisation_id=org_id).exists():
        request.session["organisation_id"] = org_id
    else:
        messages.error(request, _("You are not a member of that organisation."))
    return redirect("assessments:home")


@login_required
def new_assessment(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    initial = {"organisation": membership.organisation_id if membership else None}
    form = NewAssessmentForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["organisation"].queryset.exists():
        messages.error(request, _("You need the role editor or owner in an organisation."))
        return redirect("assessments:home")
    if request.method == "POST" and form.is_valid():
        assessment = editing.create(
            form.save(commit=False),
            actor=editing.Actor(request.user),
            assessment=None,
            free_slug_like=form.wanted_slug,
        )
        request.session["organisation_id"] = assessment.organisation_id
        messages.success(request, _("Assessment created. Start with the pre-scan."))
        return redirect(reverse("assessments:chapter", args=[assessment.slug, 1]))
    return render(
        request, "assessments/new.html", {"form": form}, status=400 if form.errors else 200
    )


def public_list(request: HttpRequest) -> HttpResponse:
    published = (
        states.published(Assessment.objects.all())
        .select_related("organisation")
        .order_by("-published_at")
    )
    services = sorted(set(published.values_list("service_name", flat=True)))
    service = request.GET.get("service", "")
    if service:
        published = published.filter(service_name=service)
    return render(
        request,
        "assessments/public_list.html",
        {"published": published, "services": services, "service": service},
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: what is tested, and what is known not to work."""
    return render(request, "assessments/accessibility.html")


urlpatterns = [
    path("", home, name="home"),
    path("new/", new_assessment, name="new"),
    path("organisation/switch/", switch_organisation, name="switch_organisation"),
    path("public/", public_list, name="public"),
    path("accessibility/", accessibility, name="accessibility"),
]
