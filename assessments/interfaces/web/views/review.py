"""The review page (every round with its verdicts, and the open comments), verdicts, and
the organisation's attestation for sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import comments, instrument, lifecycle, review
from assessments.domain.constants import Role, VerdictChoice
from assessments.domain.models import Verdict
from assessments.domain.models.organisation import DEFAULT_ATTESTATION
from assessments.domain.permissions import Access, get_organisation
from assessments.interfaces.web.views.common import assessment_view


def _verdict_rows(access: Access, user, posted=None, errors=None) -> list[dict]:
    """The verdict form: one row per chapter with the reviewer's current verdict."""
    found = review.open_round(access.assessment)
    mine = (
        {v.chapter: v for v in Verdict.objects.filter(round=found, reviewer=user)} if found else {}
    )
    rows = []
    for chapter in instrument.CHAPTERS:
        n = chapter.number
        current = mine.get(n)
        verdict = (
            posted.get(f"verdict_{n}", "")
            if posted is not None
            else getattr(current, "verdict", "")
        )
        reason = (
            posted.get(f"reason_{n}", "") if posted is not None else getattr(current, "reason", "")
        )
        rows.append(
            {
                "number": n,
                "title": chapter.title,
                "verdict": verdict,
                "reason": reason,
                "verdict_error": (errors or {}).get(f"verdict_{n}", ""),
                "reason_error": (errors or {}).get(f"reason_{n}", ""),
            }
        )
    return rows


def _page(
    request: HttpRequest,
    access: Access,
    *,
    posted=None,
    errors=None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    assessment = access.assessment
    rounds = list(
        assessment.review_rounds.select_related("version", "closed_by")
        .prefetch_related("reviewers", "verdicts")
        .order_by("-number")
    )
    current = next((r for r in rounds if r.is_open), None)
    index = comments.index(assessment)
    open_threads = [(t, comments.target_of(t.root)) for t in index.open_threads]
    return render(
        request,
        "assessments/review/page.html",
        {
            "access": access,
            "assessment": assessment,
            "rounds": rounds,
            "current": current,
            "is_reviewer": review.is_reviewer(current, request.user),
            "verdict_rows": _verdict_rows(access, request.user, posted, errors),
            "verdict_choices": VerdictChoice.choices,
            "error": error,
            "open_threads": open_threads,
            "transitions": [
                t
                for t in lifecycle.available(assessment, access.role)
                if t.name in ("request_changes", "finalise")
            ],
            "sign_offs": assessment.sign_offs.select_related("version").order_by("-signed_at"),
        },
        status=status,
    )


@assessment_view()
def review_page(request: HttpRequest, access: Access) -> HttpResponse:
    return _page(request, access)


@require_POST
@assessment_view(Role.REVIEWER)
def verdicts(request: HttpRequest, access: Access) -> HttpResponse:
    """A reviewer of the open round records verdicts per chapter (all checked first)."""
    found = review.open_round(access.assessment)
    if not review.is_reviewer(found, request.user):
        raise PermissionDenied(_("Only the reviewers chosen for this round can give verdicts."))
    wanted = {
        chapter.number: (
            request.POST.get(f"verdict_{chapter.number}", ""),
            request.POST.get(f"reason_{chapter.number}", ""),
        )
        for chapter in instrument.CHAPTERS
    }
    try:
        review.give_verdicts(access.assessment, user=request.user, verdicts=wanted)
    except review.ReviewRefused as refused:
        return _page(
            request,
            access,
            posted=request.POST,
            errors=refused.errors,
            error=refused.message,
            status=400,
        )
    messages.success(request, _("Your verdicts are saved; the submitter and the owners are told."))
    return redirect("assessments:review", slug=access.assessment.slug)


@login_required
@require_POST
def attestation(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners set the text an owner ticks when finalising (empty: the standard text)."""
    organisation, _role = get_organisation(request.user, slug, Role.OWNER)
    text = request.POST.get("attestation", "").strip()[:5000]
    if text == str(DEFAULT_ATTESTATION):
        text = ""
    organisation.attestation = text
    organisation.save(update_fields=["attestation"])
    messages.success(request, _("The attestation for sign-off is saved."))
    return redirect("assessments:members", slug=organisation.slug)


urlpatterns = [
    path("a/<slug:slug>/review/", review_page, name="review"),
    path("a/<slug:slug>/review/verdicts/", verdicts, name="verdicts"),
    path("organisation/<slug:slug>/attestation/", attestation, name="attestation"),
]
