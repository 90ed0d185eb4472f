"""An assessment as a whole: creating one, its settings, the pre-scan (chapter 1) and the
next re-assessment date (5.6).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from assessments.domain import instrument
from assessments.domain.constants import Role, YesNo
from assessments.domain.models import (
    Assessment,
    Organisation,
)
from assessments.infra.slugs import free_slug, save_with_free_slug, slug_from
from assessments.interfaces.forms.base import DATE, VersionedForm, _textarea


class PrescanForm(VersionedForm):
    class Meta:
        model = Assessment
        fields = [
            "prescan_offers_service",
            "prescan_accessible_to_minors",
            "prescan_can_exclude_minors",
            "prescan_note",
        ]
        widgets = {"prescan_note": _textarea(4)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, name in instrument.PRESCAN_FIELDS.items():
            field = self.fields[name]
            field.label = f"{number} {instrument.question(number).text}"
            field.widget = forms.RadioSelect()
            field.choices = [
                ("yes", YesNo.YES.label),
                ("no", YesNo.NO.label),
                ("", _("not answered yet")),
            ]
            field.required = False

    def clean(self):
        data = super().clean()
        # 1.3 is only asked when 1.2 is "no": say so instead of dropping the answer silently.
        if data.get("prescan_accessible_to_minors") != YesNo.NO and data.get(
            "prescan_can_exclude_minors"
        ):
            self.add_error(
                "prescan_can_exclude_minors",
                _(
                    "1.3 only applies when the answer to 1.2 is “no”. Choose “not answered "
                    "yet” for 1.3, or change 1.2."
                ),
            )
        return data


class NewAssessmentForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )

    class Meta:
        model = Assessment
        fields = [
            "organisation",
            "title",
            "kind",
            "service_name",
            "service_provider",
            "assessor",
            "language",
        ]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            memberships__user=user, memberships__role__in=[Role.EDITOR, Role.OWNER]
        )

    @property
    def wanted_slug(self) -> str:
        """The short name the title asks for (the first free one like it is taken)."""
        return slug_from(self.instance.title, "kia")

    def save(self, commit: bool = True) -> Assessment:
        """Saved under the first short name like the title that is free in its organisation
        (also when another request takes that name at the same moment)."""
        assessment = super().save(commit=False)
        wanted = slug_from(assessment.title, "kia")
        assessment.slug = free_slug(Assessment, wanted, organisation=assessment.organisation)
        if commit:
            save_with_free_slug(assessment, wanted, "organisation")
        return assessment


class AssessmentSettingsForm(VersionedForm):
    class Meta:
        model = Assessment
        fields = [
            "title",
            "kind",
            "language",
            "service_name",
            "service_provider",
            "assessor",
            "commissioner",
            "period_start",
            "period_end",
            "service_cooperated",
            "cooperation_note",
            "reading_guide",
            "disclaimers",
            "limitations",
            "report_instrument_texts",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "service_cooperated": forms.NullBooleanSelect,
            "cooperation_note": _textarea(3),
            "reading_guide": _textarea(),
            "disclaimers": _textarea(5),
            "limitations": _textarea(),
        }


class NextReassessmentForm(VersionedForm):
    def clean_next_reassessment_on(self):
        day = self.cleaned_data.get("next_reassessment_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(
                _("The next re-assessment cannot be in the past (%(day)s); choose a later date.")
                % {"day": date_format(day)}
            )
        return day

    class Meta:
        model = Assessment
        fields = ["next_reassessment_on"]
        widgets = {"next_reassessment_on": DATE}
