"""The children's own voice (issue 20): the consultations of children with their findings
and their attached files, why none were held, and the summary for children with its
reading level."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import consultation_files, editing, instrument
from assessments.domain.editing import EditRefused
from assessments.domain.models import Consultation, ConsultationAttachment, ConsultationFinding
from assessments.domain.models.assessment import CHILD_SUMMARY_MAX_CHARS
from assessments.domain.permissions import Access, role_refusal
from assessments.domain.readability import CHILD_TARGET, reading_level
from assessments.domain.rowkinds import BY_KEY
from assessments.domain.workspace import Workspace
from assessments.interfaces.forms.consultations import (
    MARKDOWN_NOTE,
    NO_PERSONAL_DATA,
    ChildVoiceForm,
    ConsultationAttachmentForm,
    ConsultationFindingForm,
    ConsultationPageForm,
)
from assessments.interfaces.web.views.common import (
    allows_large_body,
    assessment_view,
    edit_row,
    edit_view,
    row_gone,
)


def _page(access: Access, anchor: str = "") -> str:
    url = reverse("assessments:consultations", args=[access.assessment.slug])
    return f"{url}#{anchor}" if anchor else url


def _edit_page(access: Access, pk: int) -> str:
    url = reverse("assessments:consultation_edit", args=[access.assessment.slug, pk])
    return f"{url}#attachments"


def attachments_of(access: Access) -> dict[int, list[ConsultationAttachment]]:
    """The attachments of the assessment's consultations that this member may see, by
    consultation (consent forms only for those whose role may edit)."""
    found: dict[int, list[ConsultationAttachment]] = {}
    rows = ConsultationAttachment.objects.filter(consultation__assessment=access.assessment)
    for attachment in rows:
        if access.may_download(attachment):
            found.setdefault(attachment.consultation_id, []).append(attachment)
    return found


def _summary_context(assessment: Any, text: str) -> dict[str, Any]:
    return {
        "level": reading_level(text, assessment.language),
        "length": len(text),
        "limit": CHILD_SUMMARY_MAX_CHARS,
        "target": CHILD_TARGET,
    }


@assessment_view()
def consultations(request: HttpRequest, access: Access) -> HttpResponse:
    ws = Workspace(access.assessment)
    return render(
        request,
        "assessments/consultations.html",
        {
            "access": access,
            "assessment": access.assessment,
            "ws": ws,
            "chapters": instrument.CHAPTERS,
            "questions": instrument.QUESTION_BY_NUMBER,
            "reading": _summary_context(access.assessment, access.assessment.child_summary),
            "attachments": attachments_of(access),
        },
    )


@edit_view
def consultation_edit(request: HttpRequest, access: Access, pk: int | None = None) -> HttpResponse:
    consultation = (
        BY_KEY["consultation"].new(access.assessment)
        if pk is None
        else Consultation.objects.filter(pk=pk, assessment=access.assessment).first()
    )
    where: dict[str, Any] = {
        "form_class": ConsultationPageForm,
        "back_url": _page(access, f"consultation-{pk}" if pk else ""),
        "title": _("Consultation of children"),
        "recreate_url": reverse("assessments:consultation_new", args=[access.assessment.slug]),
    }
    if consultation is None:
        return row_gone(request, access, **where)
    panel: dict[str, object] = {"saved": pk is not None}
    if pk is not None:
        panel.update(
            files=attachments_of(access).get(pk, []),
            form=ConsultationAttachmentForm(),
            upload_url=reverse(
                "assessments:consultation_attach", args=[access.assessment.slug, pk]
            ),
        )
    return edit_row(
        request,
        access,
        instance=consultation,
        extra={
            "came_from": NO_PERSONAL_DATA,
            "markdown_note": MARKDOWN_NOTE,
            "attachment_panel": panel,
        },
        **where,
    )


@allows_large_body
@require_POST
@edit_view
def attachment_upload(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Attach a checked file to a consultation; a refused file is named with the reason,
    and nothing is stored."""
    consultation = get_object_or_404(Consultation, pk=pk, assessment=access.assessment)
    form = ConsultationAttachmentForm(request.POST, request.FILES)
    if not access.can_edit:  # locked since the page was opened
        messages.error(request, editing.refusal(access.assessment))
    elif not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, _("Not attached: %(reason)s") % {"reason": " ".join(problems)})
    else:
        try:
            attachment = consultation_files.attach(
                consultation,
                form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                actor=editing.Actor(request.user),
            )
        except EditRefused as exc:
            messages.error(request, exc.message)
        except Consultation.DoesNotExist:
            raise Http404("The consultation was deleted.") from None
        else:
            messages.success(request, _("Attached: %(name)s") % {"name": attachment.name})
    return redirect(_edit_page(access, pk))


@require_POST
@edit_view
def attachment_delete(request: HttpRequest, access: Access, key: str) -> HttpResponse:
    attachment = get_object_or_404(
        ConsultationAttachment, key=key, consultation__assessment=access.assessment
    )
    if not access.can_edit:
        messages.error(request, editing.refusal(access.assessment))
    else:
        try:
            consultation_files.remove(attachment, actor=editing.Actor(request.user))
        except EditRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deleted: %(name)s") % {"name": attachment.name})
    return redirect(_edit_page(access, attachment.consultation_id))


@assessment_view()
def attachment_download(request: HttpRequest, access: Access, key: str) -> HttpResponse:
    """An attachment of a consultation, for members (a consent form for those whose role
    may edit), always as a download."""
    attachment = get_object_or_404(
        ConsultationAttachment, key=key, consultation__assessment=access.assessment
    )
    if not access.may_download(attachment):
        raise PermissionDenied(role_refusal())
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        content_type=consultation_files.content_type(attachment),
        as_attachment=True,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@edit_view
def finding_edit(
    request: HttpRequest, access: Access, consultation_pk: int, pk: int | None = None
) -> HttpResponse:
    consultation = Consultation.objects.filter(
        pk=consultation_pk, assessment=access.assessment
    ).first()
    where: dict[str, Any] = {
        "form_class": ConsultationFindingForm,
        "back_url": _page(access, f"consultation-{consultation_pk}"),
        "title": _("Finding of: %(title)s") % {"title": consultation.title}
        if consultation
        else _("Finding"),
    }
    if consultation is None:  # the consultation went, and its findings with it
        return row_gone(request, access, **where)
    where["recreate_url"] = reverse(
        "assessments:finding_new", args=[access.assessment.slug, consultation.pk]
    )
    if pk is None:
        finding = BY_KEY["finding"].new(consultation)
    else:
        found = ConsultationFinding.objects.filter(pk=pk, consultation=consultation).first()
        if found is None:
            return row_gone(request, access, **where)
        finding = found
    return edit_row(
        request, access, instance=finding, extra={"came_from": NO_PERSONAL_DATA}, **where
    )


@edit_view
def voice_edit(request: HttpRequest, access: Access) -> HttpResponse:
    """Why no children were consulted, and the summary for children (with its reading
    level, shown again on every preview)."""
    text = request.POST.get("child_summary", access.assessment.child_summary)
    return edit_row(
        request,
        access,
        form_class=ChildVoiceForm,
        instance=access.assessment,
        back_url=_page(access, "summary"),
        title=_("Summary for children"),
        extra={
            "came_from": _(
                "Write for the service's young users: short sentences, everyday words, what "
                "you looked at, what children told you and what will change. At most "
                "%(limit)d characters (two pages)."
            )
            % {"limit": CHILD_SUMMARY_MAX_CHARS},
            "reading": _summary_context(access.assessment, text),
            "reading_url": reverse("assessments:reading_level", args=[access.assessment.slug]),
        },
    )


@require_POST
@assessment_view()
def reading_level_view(request: HttpRequest, access: Access) -> HttpResponse:
    """The reading level of the text being written (htmx, as the team types)."""
    text = request.POST.get("child_summary", "")[: CHILD_SUMMARY_MAX_CHARS * 2]
    return render(
        request,
        "assessments/_reading_level.html",
        {
            "reading": _summary_context(access.assessment, text),
            "reading_url": reverse("assessments:reading_level", args=[access.assessment.slug]),
        },
    )


@assessment_view()
def child_summary_pdf(request: HttpRequest, access: Access) -> HttpResponse:
    """The summary for children as a PDF of its own (one page for most summaries)."""
    from assessments.outputs.report.summary_pdf import render_summary_pdf  # noqa: PLC0415 -- slow: WeasyPrint

    if not access.assessment.child_summary.strip():
        raise Http404("No summary for children yet.")
    pdf = render_summary_pdf(access.assessment)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{access.assessment.slug}-summary-for-children.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


urlpatterns = [
    path("a/<slug:slug>/voice/", consultations, name="consultations"),
    path("a/<slug:slug>/voice/summary/", voice_edit, name="voice_edit"),
    path("a/<slug:slug>/voice/summary.pdf", child_summary_pdf, name="child_summary_pdf"),
    path("a/<slug:slug>/voice/reading-level/", reading_level_view, name="reading_level"),
    path("a/<slug:slug>/voice/new/", consultation_edit, name="consultation_new"),
    path("a/<slug:slug>/voice/<int:pk>/", consultation_edit, name="consultation_edit"),
    path(
        "a/<slug:slug>/voice/<int:pk>/attachments/",
        attachment_upload,
        name="consultation_attach",
    ),
    path(
        "a/<slug:slug>/voice/attachments/<str:key>/",
        attachment_download,
        name="consultation_attachment",
    ),
    path(
        "a/<slug:slug>/voice/attachments/<str:key>/delete/",
        attachment_delete,
        name="consultation_attachment_delete",
    ),
    path(
        "a/<slug:slug>/voice/<int:consultation_pk>/findings/new/",
        finding_edit,
        name="finding_new",
    ),
    path(
        "a/<slug:slug>/voice/<int:consultation_pk>/findings/<int:pk>/",
        finding_edit,
        name="finding_edit",
    ),
]
