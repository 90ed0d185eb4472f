"""Helpers shared by the views: access by role, the versioned edit of one row, PDF
downloads and the mark of views that take uploads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.domain import editing
from assessments.domain.constants import Role
from assessments.domain.editing import EditConflict, EditRefused
from assessments.domain.models import ReportFile, Source
from assessments.domain.permissions import Access, get_assessment
from assessments.domain.workspace import Workspace
from assessments.infra import presence
from assessments.outputs.textdiff import word_diff


def assessment_view(
    required: Role = Role.VIEWER, *, allow_locked: bool = False, keeps_text: bool = False
):
    """Log-in required; the view gets the ``Access`` of the assessment named by ``slug``.

    With ``keeps_text``, a form's POST reaches the view also when the assessment stopped
    being editable after the form was opened: the view refuses it itself and shows the
    form again with what was typed (``edit_row``), instead of an error page."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            access = get_assessment(
                request.user,
                slug,
                required,
                allow_locked=allow_locked or (keeps_text and request.method == "POST"),
                organisation_id=request.session.get("organisation_id"),
            )
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate


# A form that edits the assessment's content (``edit_row``): editors, drafts, text kept.
edit_view = assessment_view(Role.EDITOR, keeps_text=True)


# The attribute ``kia.middleware.RequestSizeLimitMiddleware`` reads on the view it resolves.
LARGE_BODY = "kia_large_body"


def allows_large_body(view: Callable) -> Callable:
    """Mark a view that accepts uploads up to ``KIA_MAX_UPLOAD_BYTES`` (logged-in users)."""
    setattr(view, LARGE_BODY, True)
    return view


def pdf_response(report_file: ReportFile, *, public: bool = False) -> FileResponse:
    """A stored PDF as a download; a public one may be cached for five minutes."""
    response = FileResponse(
        report_file.file.open("rb"),
        content_type="application/pdf",
        filename=f"{report_file.assessment.slug}.pdf",
        as_attachment=True,
    )
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
    return response


# The content types of the report's files, by ``ReportFile.format``.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def file_response(report_file: ReportFile, *, public: bool = False) -> FileResponse:
    """A stored report file (PDF, Word or ODT) as a download; a public one may be cached
    for five minutes."""
    name = report_file.assessment.slug
    if report_file.version_id is not None and report_file.version is not None:
        name = f"{name}-v{report_file.version.number}"
    response = FileResponse(
        report_file.file.open("rb"),
        content_type=CONTENT_TYPES[report_file.format],
        filename=f"{name}.{report_file.format}",
        as_attachment=True,
    )
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
    return response


def _differences(form: ModelForm, current) -> list[dict]:
    """Fields where the stored row differs from what this user submitted."""
    rows = []
    for name, field in form.fields.items():
        if name == "lock_version":
            continue
        stored = getattr(current, name, None)
        mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if (stored or "") != (mine or ""):
            rows.append(
                {
                    "label": field.label,
                    "stored": stored,
                    "mine": mine,
                    "diff": word_diff(_text(stored), _text(mine)),
                }
            )
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "label", value))


def submitted_fields(request: HttpRequest, form_class: type[ModelForm]) -> list[dict]:
    """What the user sent, field by field with its label (for a row that no longer exists)."""
    rows = []
    for name, field in form_class.base_fields.items():
        if name == "lock_version":
            continue
        value = request.POST.get(name, "")
        if value.strip():
            rows.append({"name": name, "label": field.label or name, "value": value})
    return rows


def row_gone(
    request: HttpRequest,
    access: Access,
    *,
    form_class: type[ModelForm],
    back_url: str,
    title: str,
    recreate_url: str | None = None,
) -> HttpResponse:
    """A save of a row that someone deleted: show what was typed, offer to recreate the row.

    Nothing is written here; "recreate" posts the same text to the form for a new row.
    """
    if request.method != "POST":
        raise Http404("No such row.")
    resend = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "lock_version", "preview")
        for value in values
    ]
    context = {
        "access": access,
        "assessment": access.assessment,
        "title": title,
        "fields": submitted_fields(request, form_class),
        "resend": resend,
        "recreate_url": recreate_url,
        "back_url": back_url,
    }
    return render(request, "assessments/gone.html", context, status=410)


def draft_key(access: Access, request: HttpRequest) -> str:
    """The name under which the browser keeps unsaved text of the form at this address
    (kia.js): the assessment's id and the form's path, so that a draft never lands in a
    form of another assessment with the same slug (slugs are unique per organisation)."""
    return f"{access.assessment.pk}:{request.path}"


def edit_row(
    request: HttpRequest,
    access: Access,
    *,
    form_class: type[ModelForm],
    instance,
    back_url: str,
    title: str,
    question=None,
    saved_message: str | None = None,
    extra: dict | None = None,
    recreate_url: str | None = None,
    write: Callable[[object, int | None], str | None] | None = None,
) -> HttpResponse:
    """Show and save a form for one row, refusing saves over someone else's newer edit.

    A save of a row deleted in the meantime shows the text with a way to recreate the row
    (``recreate_url``: the form for a new row of the same kind). ``write`` (the row, the
    lock version seen) saves instead of ``editing.save`` for a write that the domain allows
    beyond drafts (the appendix of a settled assessment); it checks the assessment itself
    and may return the message to show.
    """
    status = 200
    conflict = None
    refused = ""
    previews: dict[str, str] = {}
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, assessment=access.assessment)
        if write is None and not access.can_edit:  # locked since the form was opened
            refused, status = editing.refusal(access.assessment), 403
        elif form.is_valid() and "preview" in request.POST:
            # The texts, rendered by the page as a saved text is (``markdown`` with the
            # workspace): citations link to the sources and an unknown key is marked.
            previews = {n: form.cleaned_data.get(n) or "" for n in form.markdown_fields}
        elif form.is_valid():
            expected = form.cleaned_data.get("lock_version")
            try:
                if write is not None:
                    saved_message = write(form.instance, expected) or saved_message
                else:
                    editing.save(
                        form.instance,
                        actor=editing.Actor(request.user),
                        expected=expected,
                        assessment=access.assessment,
                    )
            except EditRefused as exc:  # the assessment stopped being editable meanwhile
                refused, status = exc.message, exc.status_code
            except EditConflict as exc:
                if exc.current is None:
                    return row_gone(
                        request,
                        access,
                        form_class=form_class,
                        back_url=back_url,
                        title=title,
                        recreate_url=recreate_url,
                    )
                conflict = {
                    "current": exc.current,
                    "differences": _differences(form, exc.current) if exc.current else [],
                }
                status = 409
                data = request.POST.copy()
                data["lock_version"] = exc.current.lock_version
                form = form_class(data, instance=exc.current, assessment=access.assessment)
            else:
                # The message names the form whose text the server now has: the page it
                # lands on drops that form's drafts from the browser (kia.js), so a form for
                # a new row opens empty next time instead of offering this text again.
                messages.success(
                    request, saved_message or _("Saved."), extra_tags=draft_key(access, request)
                )
                return redirect(back_url)
        else:
            status = 400
    else:
        form = form_class(instance=instance, assessment=access.assessment)
    editors = presence.touch(access.assessment.pk, request.path, request.user.get_username())
    context = {
        "access": access,
        "assessment": access.assessment,
        "form": form,
        "title": title,
        "question": question,
        "back_url": back_url,
        "conflict": conflict,
        "refused": refused,
        "previews": previews,
        "preview_ws": Workspace(access.assessment) if previews else None,
        "draft_key": draft_key(access, request),
        "presence_notice": presence.notice(editors),
        "citable": (
            Source.objects.filter(assessment=access.assessment).values_list("key", "citation")
            if form.markdown_fields
            else ()
        ),
        **(extra or {}),
    }
    return render(request, "assessments/edit.html", context, status=status)
