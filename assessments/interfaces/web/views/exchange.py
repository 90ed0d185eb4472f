"""Downloads (exchange JSON, risk register CSV/XLSX) and the upload of an exchange file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.domain.constants import Role
from assessments.domain.exchange import InvalidAssessment, export_assessment, to_json
from assessments.domain.exchange.errors import MAX_DESCRIBED
from assessments.domain.exchange.importer import import_document
from assessments.domain.exchange.locations import describe
from assessments.domain.models import Organisation
from assessments.domain.permissions import Access, role_in, role_refusal
from assessments.interfaces.web.views.common import allows_large_body, assessment_view
from assessments.outputs.risk_register import register_csv, register_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_ROLES = (Role.EDITOR, Role.OWNER)
# Room for the multipart envelope and the other fields around the file.
_FORM_OVERHEAD_BYTES = 64 * 1024


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@assessment_view()
def export_json(request: HttpRequest, access: Access) -> HttpResponse:
    assessment = access.assessment
    document = export_assessment(assessment, exported_at=timezone.localtime())
    return _download(
        to_json(document),
        content_type="application/json; charset=utf-8",
        filename=f"{assessment.slug}.json",
    )


@assessment_view()
def risk_register_csv(request: HttpRequest, access: Access) -> HttpResponse:
    assessment = access.assessment
    return _download(
        register_csv(assessment),
        content_type="text/csv; charset=utf-8",
        filename=f"{assessment.slug}-risk-register.csv",
    )


@assessment_view()
def risk_register_xlsx(request: HttpRequest, access: Access) -> HttpResponse:
    assessment = access.assessment
    return _download(
        register_xlsx(assessment),
        content_type=XLSX_TYPE,
        filename=f"{assessment.slug}-risk-register.xlsx",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Exchange file (JSON)"),
        help_text=gettext_lazy("A file exported from this app or written to its format."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("The new assessment belongs to this organisation."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            memberships__user=user, memberships__role__in=IMPORT_ROLES
        ).order_by("name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.KIA_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


def _after_import(slug: str) -> str:
    try:
        return reverse("assessments:detail", args=[slug])
    except NoReverseMatch:  # no page for one assessment (yet): go home
        return "/"


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _import_page(
    request: HttpRequest,
    form: ImportForm,
    *,
    problems: InvalidAssessment | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "problems": describe(problems) if problems else [],
        "more_problems": max(0, len(problems.problems) - MAX_DESCRIBED) if problems else 0,
        "can_import": form.fields["organisation"].queryset.exists(),
    }
    return render(request, "assessments/exchange/import.html", context, status=status)


@allows_large_body
@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _import_page(request, ImportForm(user=request.user))
    limit = settings.KIA_MAX_UPLOAD_BYTES
    if _content_length(request) > limit + _FORM_OVERHEAD_BYTES:  # refuse before reading it
        message = _("The file is too large; the largest accepted is %(limit)s.") % {
            "limit": filesizeformat(limit)
        }
        form = ImportForm(user=request.user)
        return _import_page(request, form, problems=InvalidAssessment([("$", message)]), status=400)
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    organisation = form.cleaned_data["organisation"]
    role = role_in(request.user, organisation.pk)
    if role is None or not role.includes(Role.EDITOR):
        raise PermissionDenied(role_refusal())
    try:
        imported = import_document(
            form.cleaned_data["file"].read(), organisation=organisation, user=request.user
        )
    except InvalidAssessment as exc:
        return _import_page(request, form, problems=exc, status=400)
    assessment = imported.assessment
    # Slugs are unique per organisation: work in this one, so the link below leads to it.
    request.session["organisation_id"] = organisation.pk
    done = _("Imported “%(title)s” as %(slug)s.")
    messages.success(request, done % {"title": assessment.title, "slug": assessment.slug})
    for notice in imported.notices:
        messages.warning(request, notice)
    return redirect(_after_import(assessment.slug))


urlpatterns = [
    path("a/<slug:slug>/export.json", export_json, name="export_json"),
    path("a/<slug:slug>/risk-register.csv", risk_register_csv, name="risk_register_csv"),
    path("a/<slug:slug>/risk-register.xlsx", risk_register_xlsx, name="risk_register_xlsx"),
    path("import/", import_view, name="import"),
]
