"""The written content of chapters 2 and 5: answers, goals, contributions to wellbeing and
the rows of the 5.3 table.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.domain.models import (
    Answer,
    Contribution,
    Goal,
    ProportionalityItem,
    Risk,
)
from assessments.interfaces.forms.base import VersionedForm, _textarea


class AnswerForm(VersionedForm):
    class Meta:
        model = Answer
        fields = ["text"]
        widgets = {"text": _textarea(10)}
        labels = {"text": _("Answer (Markdown)")}


class GoalForm(VersionedForm):
    class Meta:
        model = Goal
        fields = ["kind", "title", "description", "effectiveness", "achievement", "subsidiarity"]
        widgets = {
            "kind": forms.RadioSelect,
            "description": _textarea(4),
            "effectiveness": _textarea(6),
            "achievement": _textarea(6),
            "subsidiarity": _textarea(6),
        }


class ContributionForm(VersionedForm):
    class Meta:
        model = Contribution
        fields = ["text", "summary"]
        widgets = {"text": _textarea(10)}
        labels = {"text": _("Answer (Markdown)")}


class ProportionalityItemForm(VersionedForm):
    class Meta:
        model = ProportionalityItem
        fields = ["side", "text", "goal", "contribution", "risk"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        a = self.assessment
        self.fields["goal"].queryset = Goal.objects.filter(assessment=a)
        self.fields["contribution"].queryset = Contribution.objects.filter(assessment=a)
        self.fields["risk"].queryset = Risk.objects.filter(assessment=a)
