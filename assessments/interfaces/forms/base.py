"""What every form of the app shares: the versioned model form (optimistic locking), the
limit on Markdown texts, date inputs and "(none)" instead of dashes.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from assessments.domain.models import (
    Assessment,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 8) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control font-monospace-sm"})


def limit_text_length(form: forms.BaseForm) -> None:
    """Every multi-line text (Markdown) holds at most ``KIA_MAX_TEXT_CHARS`` characters:
    checked on save with a message, and announced to the browser (``maxlength``)."""
    limit = settings.KIA_MAX_TEXT_CHARS
    for field in form.fields.values():
        if not (isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea)):
            continue
        if field.max_length is None or field.max_length > limit:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)


def no_dashes(form: forms.BaseForm) -> None:
    """Selects say "(none)" instead of Django's "---------"."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) == "---------":
            field.empty_label = _("(none)")  # type: ignore[attr-defined]
        choices = getattr(field, "choices", None)
        if isinstance(field, forms.ChoiceField) and choices and choices[0] == ("", "---------"):
            field.choices = [("", _("(not chosen)")), *list(choices)[1:]]


class VersionedForm(forms.ModelForm):
    """A model form that carries the lock version of the row it was loaded from."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, assessment: Assessment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        no_dashes(self)
        if self.instance.pk and not self.is_bound:
            self.initial["lock_version"] = self.instance.lock_version
        limit_text_length(self)

    def _get_validation_exclusions(self):
        # The assessment is not a form field, but rules such as "one answer per question"
        # or "source keys unique per assessment" depend on it: validate them with a message.
        exclude = super()._get_validation_exclusions()
        if getattr(self.instance, "assessment_id", None):
            exclude.discard("assessment")
        return exclude

    @property
    def markdown_fields(self) -> list[str]:
        return [n for n, f in self.fields.items() if isinstance(f.widget, forms.Textarea)]
