"""Figures: the list, upload, edit (deleting goes through ``rows.delete_row``), and the
image itself, served to members only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from assessments.domain import editing, figures
from assessments.domain.citations import figure_keys
from assessments.domain.editing import EditConflict, EditRefused
from assessments.domain.models import Figure
from assessments.domain.permissions import Access
from assessments.domain.rowkinds import BY_KEY
from assessments.domain.workspace import Workspace
from assessments.infra import presence
from assessments.interfaces.forms.sources import FigureForm, FigureUploadForm
from assessments.interfaces.web.links import image_url
from assessments.interfaces.web.views.common import (
    allows_large_body,
    assessment_view,
    edit_row,
    edit_view,
    row_gone,
)
from assessments.outputs.report.numbering import numbering


@assessment_view()
def figure_list(request: HttpRequest, access: Access) -> HttpResponse:
    ws = Workspace(access.assessment)
    numbers = numbering(ws).figures
    references = [(key, where) for where, text in ws.texts() for key in figure_keys(text)]
    cited = {key for key, _where in references}
    known = {figure.key for figure in ws.figures}
    missing = [(key, where) for key, where in references if key not in known]
    rows = [
        {
            "figure": figure,
            "number": numbers.get(figure.key),
            "cited": figure.key in cited,
            "url": image_url(figure, access.assessment.slug),
        }
        for figure in ws.figures
    ]
    context = {"access": access, "assessment": access.assessment, "rows": rows, "missing": missing}
    return render(request, "assessments/figures.html", context)


@allows_large_body
@edit_view
def figure_new(request: HttpRequest, access: Access) -> HttpResponse:
    a = access.assessment
    figure = BY_KEY["figure"].new(a)
    back = reverse("assessments:figures", args=[a.slug])
    status = 200
    if request.method == "POST":
        form = FigureUploadForm(request.POST, request.FILES, instance=figure, assessment=a)
        if not access.can_edit:  # locked since the form was opened
            form.add_error(None, editing.refusal(a))
            status = 403
        elif form.is_valid():
            checked = form.cleaned_data["upload"]
            figures.attach(figure, checked)
            try:
                editing.create(figure, actor=editing.Actor(request.user), assessment=a)
            except EditConflict:
                form.add_error("key", _("Another figure of this assessment has this key."))
                status = 400
            except EditRefused as exc:  # no longer a draft: say so, keep what was typed
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Figure added: %(key)s") % {"key": figure.key})
                return redirect(back)
        else:
            status = 400
    else:
        form = FigureUploadForm(instance=figure, assessment=a)
    editors = presence.touch(a.pk, request.path, request.user.get_username())
    context = {
        "access": access,
        "assessment": a,
        "form": form,
        "title": _("New figure"),
        "back_url": back,
        "presence_notice": presence.notice(editors),
    }
    return render(request, "assessments/figure_new.html", context, status=status)


@edit_view
def figure_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    figure = Figure.objects.filter(pk=pk, assessment=access.assessment).first()
    where: dict[str, Any] = {
        "form_class": FigureForm,
        "back_url": reverse("assessments:figures", args=[access.assessment.slug]),
        "title": _("Figure"),
    }
    if figure is None:
        return row_gone(request, access, **where)
    return edit_row(request, access, instance=figure, **where)


@assessment_view()
def figure_image(request: HttpRequest, access: Access, sha256: str, extension: str) -> HttpResponse:
    """A figure's image, for members of the assessment's organisation; 404 to anyone else.

    The file is named by its content and the assessment, so a figure deleted since, or one
    that only a version still shows, is found too."""
    name = f"{figures.FOLDER}/{access.assessment.pk}/{sha256}.{extension}"
    if not figures.belongs_to(name, access.assessment.pk):
        raise Http404("No such image.")
    try:
        with default_storage.open(name, "rb") as handle:  # at most MAX_BYTES (checked)
            body = handle.read()
    except OSError:
        raise Http404("No such image.") from None
    response = HttpResponse(body, content_type=figures.content_type(name))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


urlpatterns = [
    path("a/<slug:slug>/figures/", figure_list, name="figures"),
    path("a/<slug:slug>/figures/new/", figure_new, name="figure_new"),
    path("a/<slug:slug>/figures/<int:pk>/", figure_edit, name="figure_edit"),
    path(
        "a/<slug:slug>/figures/image/<str:sha256>.<str:extension>",
        figure_image,
        name="figure_image",
    ),
]
