"""An organisation's own catalogue of typical risks and measures: a small page under the
organisation where owners add items, and export and import them as library YAML (checked
by the loader: an error names the file, the item and the reason, and nothing changes)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.domain import instrument
from assessments.domain.constants import Role
from assessments.domain.library import loader, own
from assessments.domain.models import LibraryItem
from assessments.interfaces.web.views.accounts import _organisation_for
from assessments.interfaces.web.views.common import allows_large_body

RIGHTS_FILES = ("ivrk", "code")


class OwnItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            ("typical-risk", gettext_lazy("Typical risk")),
            ("typical-measure", gettext_lazy("Typical measure")),
        ],
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Risk category (for a risk)"), required=False, choices=()
    )
    title_nl = forms.CharField(label=gettext_lazy("Title (Dutch)"), max_length=300)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300)
    text_nl = forms.CharField(
        label=gettext_lazy("Text (Dutch)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    text_en = forms.CharField(
        label=gettext_lazy("Text (English)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source_url = forms.URLField(
        label=gettext_lazy("Source (web address)"), max_length=500, assume_scheme="https"
    )
    concerns = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Rights and principles it concerns"),
        required=False,
        queryset=LibraryItem.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *instrument.category_choices()]
        rights = LibraryItem.objects.filter(
            file__ref__in=RIGHTS_FILES, withdrawn_in=None, file__organisation=None
        ).select_related("file")
        self.fields["concerns"].queryset = rights.order_by("file__order", "order")
        self.fields["concerns"].label_from_instance = lambda item: item.label

    def clean(self):
        data = super().clean()
        if data.get("kind") == "typical-risk" and not data.get("category"):
            self.add_error("category", _("A typical risk belongs to a risk category."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("YAML file"))


@login_required
@allows_large_body
def own_catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = _organisation_for(request, slug, Role.VIEWER)
    is_owner = role.includes(Role.OWNER)
    form, upload, error, status = OwnItemForm(), ImportForm(), None, 200
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("Only an owner can change the organisation's catalogue."))
        if request.POST.get("action") == "import":
            upload = ImportForm(request.POST, request.FILES)
            if upload.is_valid():
                sent = upload.cleaned_data["file"]
                try:
                    own.import_text(organisation, sent.read(), sent.name)
                except loader.LibraryError as exc:
                    error, status = exc, 400
                else:
                    messages.success(request, _("The catalogue was imported."))
                    return redirect("assessments:org_catalogue", slug=slug)
            else:
                status = 400
        else:
            form = OwnItemForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    own.add_item(
                        organisation,
                        kind=data["kind"],
                        category=data["category"],
                        title={"nl": data["title_nl"], "en": data["title_en"]},
                        text={"nl": data["text_nl"], "en": data["text_en"]},
                        source_url=data["source_url"],
                        concerns=[item.urn for item in data["concerns"]],
                    )
                except loader.LibraryError as exc:
                    error, status = exc, 400
                else:
                    messages.success(request, _("Added to the catalogue."))
                    return redirect("assessments:org_catalogue", slug=slug)
            else:
                status = 400
    file = own.file_of(organisation)
    return render(
        request,
        "assessments/library/own_catalogue.html",
        {
            "organisation": organisation,
            "is_owner": is_owner,
            "file": file,
            "items": list(file.items.order_by("order")) if file else [],
            "form": form,
            "upload": upload,
            "error": error,
        },
        status=status,
    )


@login_required
def own_catalogue_export(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = _organisation_for(request, slug, Role.VIEWER)
    response = HttpResponse(own.export(organisation), content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="org-{organisation.slug}.yaml"'
    return response


urlpatterns = [
    path("organisation/<slug:slug>/catalogue/", own_catalogue, name="org_catalogue"),
    path(
        "organisation/<slug:slug>/catalogue/export/",
        own_catalogue_export,
        name="org_catalogue_export",
    ),
]
