"""The organisation's action plan: its filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import MeasureStatus
from assessments.interfaces.forms.base import DATE


class ActionPlanFilterForm(forms.Form):
    """The action plan's filters (GET); every field may be left empty."""

    assessment = forms.ChoiceField(label=_("Assessment"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("(all)")), ("open", _("not done yet")), *MeasureStatus.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_before = forms.DateField(label=_("Due before"), required=False, widget=DATE)
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("due", _("due date, earliest first")), ("-due", _("due date, latest first"))],
    )

    def __init__(self, *args, assessments=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [("", _("(all)")), *assessments]
        self.fields["owner"].choices = [("", _("(all)")), *owners]
        for name, field in self.fields.items():
            if name != "overdue":
                css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                invalid = " is-invalid" if self.is_bound and name in self.errors else ""
                field.widget.attrs["class"] = f"{css} {css}-sm{invalid}"
            else:
                field.widget.attrs["class"] = "form-check-input"
