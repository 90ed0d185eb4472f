"""Sources that answers cite, and figures (an uploaded image is checked by
``domain.figures``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.domain import figures
from assessments.domain.models import (
    Figure,
    Source,
)
from assessments.interfaces.forms.base import DATE, VersionedForm


class SourceForm(VersionedForm):
    class Meta:
        model = Source
        fields = ["key", "citation", "url", "accessed_on", "note"]
        widgets = {
            "citation": forms.Textarea(attrs={"rows": 3}),
            "accessed_on": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].assume_scheme = "https"


class FigureForm(VersionedForm):
    """A figure's caption, alt text and source (the image is given once, on upload)."""

    class Meta:
        model = Figure
        fields = ["key", "caption", "alt_text", "source", "source_text", "source_url"]
        widgets = {
            "caption": forms.Textarea(attrs={"rows": 2}),
            "alt_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].required = True
        self.fields["source_url"].assume_scheme = "https"
        source = self.fields["source"]
        source.queryset = Source.objects.filter(assessment=self.assessment)
        source.label_from_instance = lambda s: f"[^{s.key}] {s.citation[:100]}"

    @property
    def markdown_fields(self) -> list[str]:
        return []  # plain text: no preview, no citations


class FigureUploadForm(FigureForm):
    """A new figure: the image file and its description. The image is checked here
    (``assessments.domain.figures.check``); it is stored only once the whole form is valid."""

    upload = forms.FileField(
        label=_("Image (PNG or JPEG)"),
        help_text=_("At most 10 MB and 40 megapixels. Location and camera data are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    class Meta(FigureForm.Meta):
        fields = ["upload", *FigureForm.Meta.fields]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > figures.MAX_BYTES:
            raise forms.ValidationError(
                _("The image is too large; the largest accepted is 10 MB."), code="too_large"
            )
        return figures.check(upload.read())
