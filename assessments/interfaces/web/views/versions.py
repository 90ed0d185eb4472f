"""Versions of an assessment: the list, recording one, reading one, comparing and restoring."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from assessments.domain import editing, restore, states, versions
from assessments.domain.constants import Role, VersionReason
from assessments.domain.models import ReportFile, ReportStatus, Version
from assessments.domain.permissions import Access
from assessments.interfaces.web.views.common import assessment_view, pdf_response
from assessments.interfaces.web.views.waiting import wait_state
from assessments.outputs.comparison import version_diff
from assessments.outputs.report import cache, tasks
from assessments.outputs.report.render import render_html

CURRENT = "current"


class RecordVersionForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example: “for the review of 3 March”."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _version(access: Access, number: int) -> Version:
    return get_object_or_404(Version, assessment=access.assessment, number=number)


@assessment_view()
def version_list(request: HttpRequest, access: Access) -> HttpResponse:
    assessment = access.assessment
    versions.published_version(assessment)  # a settled assessment has its version 1
    form = RecordVersionForm()
    rows = list(assessment.versions.order_by("-number"))
    return render(
        request,
        "assessments/versions.html",
        {
            "access": access,
            "assessment": assessment,
            "versions": rows,
            "form": form,
            "can_record": access.role.includes(Role.EDITOR),
            "editable": states.is_editable(assessment),
        },
    )


@require_POST
@assessment_view(Role.EDITOR, allow_locked=True)
def version_record(request: HttpRequest, access: Access) -> HttpResponse:
    form = RecordVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The version was not recorded: check the name and text."))
        return redirect("assessments:versions", slug=access.assessment.slug)
    version = versions.record(
        access.assessment,
        actor=editing.Actor(request.user),
        reason=VersionReason.MANUAL,
        name=form.cleaned_data["name"],
        description=form.cleaned_data["description"],
    )
    messages.success(request, _("Recorded as version %(n)s.") % {"n": version.number})
    return redirect("assessments:versions", slug=access.assessment.slug)


@assessment_view()
def version_detail(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    version = _version(access, number)
    pdf = ReportFile.objects.filter(
        assessment=access.assessment, content_hash=cache.version_hash(version)
    ).first()
    return render(
        request,
        "assessments/version_detail.html",
        {
            "access": access,
            "assessment": access.assessment,
            "version": version,
            "pdf": pdf,
            "wait": wait_state(
                pdf,
                status_url=request.path,
                download_url=reverse(
                    "assessments:version_pdf", args=[access.assessment.slug, version.number]
                ),
            ),
            "can_restore": access.can_edit,
            "counts": {
                "risks": len(version.document.get("risks", [])),
                "measures": len(version.document.get("measures", [])),
                "sources": len(version.document.get("sources", [])),
                "answers": len(version.document.get("answers", {})),
            },
        },
    )


@require_GET
@assessment_view()
def version_html(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    """The version's report as HTML, made from its snapshot (read-only)."""
    ws = versions.workspace(_version(access, number))
    return HttpResponse(render_html(ws.assessment, for_pdf=False, workspace=ws))


@assessment_view()
def version_pdf(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    """The version's PDF: served when made, otherwise queued (POST) and shown as waiting."""
    version = _version(access, number)
    found = cache.version_file(version)
    if found is not None and found.is_ready:
        return pdf_response(found)
    if request.method == "POST":
        tasks.request_version_render(version)  # the page's box says so and updates itself
    elif found is not None and found.status == ReportStatus.FAILED:
        messages.error(request, _("Making the PDF failed. Try again."))
    detail = reverse("assessments:version_detail", args=[access.assessment.slug, number])
    return redirect(detail + "#pdf-wait")


def _snapshot(access: Access, which: str) -> versions.Snapshot:
    if which == CURRENT:
        return versions.current(access.assessment)
    if not which.isdigit():
        raise Http404("No such version.")
    return versions.of(_version(access, int(which)))


@assessment_view()
def version_compare(request: HttpRequest, access: Access) -> HttpResponse:
    """Two versions side by side, or a version and the current draft."""
    numbers = list(access.assessment.versions.values_list("number", flat=True))
    if not numbers:
        messages.info(request, _("There is no version yet to compare with."))
        return redirect("assessments:versions", slug=access.assessment.slug)
    old_key = request.GET.get("old") or str(max(numbers))
    new_key = request.GET.get("new") or CURRENT
    old, new = _snapshot(access, old_key), _snapshot(access, new_key)
    return render(
        request,
        "assessments/version_compare.html",
        {
            "access": access,
            "assessment": access.assessment,
            "result": version_diff.compare(old, new),
            "numbers": sorted(numbers, reverse=True),
            "old_key": old_key,
            "new_key": new_key,
        },
    )


@require_POST
@assessment_view(Role.EDITOR)
def version_restore(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    version = _version(access, number)
    if "confirmed" not in request.POST:
        return render(
            request,
            "assessments/version_restore.html",
            {"access": access, "assessment": access.assessment, "version": version},
        )
    try:
        count = restore.restore_version(version, actor=editing.Actor(request.user))
    except restore.RestoreRefused as refused:
        messages.error(request, refused.message)
        return redirect("assessments:version_detail", slug=access.assessment.slug, number=number)
    except editing.EditConflict:
        messages.error(request, _("Someone changed the draft at the same moment; try again."))
        return redirect("assessments:version_detail", slug=access.assessment.slug, number=number)
    messages.success(
        request,
        _("The draft now holds the content of version %(n)s (%(count)d changes, in the history).")
        % {"n": version.number, "count": count},
    )
    return redirect(reverse("assessments:detail", args=[access.assessment.slug]))


urlpatterns = [
    path("a/<slug:slug>/versions/", version_list, name="versions"),
    path("a/<slug:slug>/versions/record/", version_record, name="version_record"),
    path("a/<slug:slug>/versions/compare/", version_compare, name="version_compare"),
    path("a/<slug:slug>/versions/<int:number>/", version_detail, name="version_detail"),
    path("a/<slug:slug>/versions/<int:number>/report.html", version_html, name="version_html"),
    path("a/<slug:slug>/versions/<int:number>/report.pdf", version_pdf, name="version_pdf"),
    path("a/<slug:slug>/versions/<int:number>/restore/", version_restore, name="version_restore"),
]
