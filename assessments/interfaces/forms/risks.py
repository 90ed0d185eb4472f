"""Chapters 3 and 4: risks scored kans × impact (a reason where one cannot be scored),
the residual risk, and measures with their owner.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.domain.models import (
    Measure,
    Risk,
)
from assessments.domain.models.risks import member_name
from assessments.interfaces.forms.base import DATE, VersionedForm, _textarea

_SCORE_WIDGET = forms.RadioSelect()


def reasons_at_their_field(form: forms.BaseForm, data: dict, prefix: str = "") -> None:
    """ "Cannot be assessed" without a reason: the message goes to the reason's field (the
    database rule would otherwise report it above the form)."""
    messages = {
        c.name.rsplit("_", 1)[0].split("risk_", 1)[1]: c.violation_error_message
        for c in Risk._meta.constraints
        if c.name.endswith("_reason")
    }
    for part in ("likelihood", "impact"):
        score = f"{prefix}{part}"
        name = f"{score}_reason"
        if data.get(score) == "not_assessable" and not (data.get(name) or "").strip():
            form.add_error(name, messages[score] or "")


class RiskForm(VersionedForm):
    class Meta:
        model = Risk
        fields = [
            "category",
            "raised_in",
            "topic",
            "description",
            "likelihood",
            "likelihood_justification",
            "likelihood_reason",
            "impact",
            "impact_justification",
            "impact_reason",
        ]
        widgets = {
            "description": _textarea(8),
            "likelihood": _SCORE_WIDGET,
            "impact": _SCORE_WIDGET,
            "likelihood_justification": _textarea(4),
            "impact_justification": _textarea(4),
            "likelihood_reason": _textarea(2),
            "impact_reason": _textarea(2),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("likelihood", "impact"):
            self.fields[name].choices = [("", _("not scored yet")), *self.fields[name].choices[1:]]
        raised_in = self.fields["raised_in"]
        raised_in.choices = [("", _("not at one of these questions")), *raised_in.choices[1:]]

    def clean(self):
        data = super().clean()
        reasons_at_their_field(self, data)
        return data


class ResidualRiskForm(VersionedForm):
    class Meta:
        model = Risk
        fields = [
            "residual_description",
            "residual_likelihood",
            "residual_likelihood_reason",
            "residual_impact",
            "residual_impact_reason",
        ]
        widgets = {
            "residual_description": _textarea(6),
            "residual_likelihood": _SCORE_WIDGET,
            "residual_impact": _SCORE_WIDGET,
            "residual_likelihood_reason": _textarea(2),
            "residual_impact_reason": _textarea(2),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("residual_likelihood", "residual_impact"):
            self.fields[name].choices = [("", _("not scored yet")), *self.fields[name].choices[1:]]

    def clean(self):
        data = super().clean()
        reasons_at_their_field(self, data, "residual_")
        return data


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return member_name(obj)


class MeasureForm(VersionedForm):
    """A measure; its owner is a member of the organisation or a name typed in."""

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "status",
            "status_reason",
            "owner_user",
            "owner",
            "due_date",
        ]
        widgets = {
            "description": _textarea(5),
            "due_date": DATE,
            "status": forms.RadioSelect,
            "status_reason": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"owner_user": MemberChoiceField}
        labels = {"owner": _("or someone else (name or team)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = get_user_model().objects.none()
        if self.assessment is not None:
            members = get_user_model().objects.filter(
                memberships__organisation_id=self.assessment.organisation_id
            )
        # A member who left stays selectable on their own measures.
        current = self.instance.owner_user_id
        self.fields["owner_user"].queryset = (
            get_user_model().objects.filter(Q(pk__in=members) | Q(pk=current)).distinct()
            if current
            else members
        ).order_by("first_name", "last_name", "username")

    def clean(self):
        data = super().clean()
        # A dropped measure without a reason: ``Measure.clean`` says so at the field.
        if data.get("owner_user") and (data.get("owner") or "").strip():
            self.add_error("owner", _("Choose a member or type a name, not both."))
        return data
