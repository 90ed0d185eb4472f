"""Forms of the web app. Model rules (constraints, clean) give the validation messages."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from assessments.domain import instrument
from assessments.domain.constants import Delivery, Language, MeasureStatus, Role, YesNo
from assessments.domain.events import EventKind
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Figure,
    Goal,
    Measure,
    Organisation,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)
from assessments.domain.models.risks import member_name
from assessments.infra import throttle
from assessments.infra.slugs import free_slug, save_with_free_slug, slug_from

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


class AnswerForm(VersionedForm):
    class Meta:
        model = Answer
        fields = ["text"]
        widgets = {"text": _textarea(10)}
        labels = {"text": _("Answer (Markdown)")}


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
        from assessments.domain import figures

        upload = self.cleaned_data["upload"]
        if upload.size > figures.MAX_BYTES:
            raise forms.ValidationError(
                _("The image is too large; the largest accepted is 10 MB."), code="too_large"
            )
        return figures.check(upload.read())


class ServiceResponseForm(VersionedForm):
    """A response recorded by a member, and the reply. For a response the service
    submitted itself only the reply can be changed: its own fields are not in the form."""

    class Meta:
        model = ServiceResponse
        fields = [
            "author",
            "received_on",
            "version_number",
            "text",
            "reply",
            "reply_author",
            "replied_on",
        ]
        widgets = {
            "received_on": DATE,
            "replied_on": DATE,
            "text": _textarea(10),
            "reply": _textarea(10),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_verbatim:
            for name in ServiceResponse.SERVICE_FIELDS:
                self.fields.pop(name, None)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]

    def save(self, commit: bool = True) -> Organisation:
        organisation = super().save(commit=False)
        wanted = slug_from(organisation.name, "organisatie")
        organisation.slug = free_slug(Organisation, wanted)
        if commit:
            save_with_free_slug(organisation, wanted)
        return organisation


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Log-in that makes further attempts wait after repeated failures (``throttle``)."""

    def clean(self):
        username = self.data.get("username") or ""
        wait = throttle.login_wait(self.request, username)
        if wait:
            raise forms.ValidationError(throttle.wait_message(wait), code="throttled")
        try:
            data = super().clean()
        except forms.ValidationError:
            throttle.login_failed(self.request, username)
            raise
        throttle.login_succeeded(self.request, username)
        return data


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm, ThrottledAuthenticationForm):
    """The admin's log-in, throttled like the app's."""


# --- The right of reply -------------------------------------------------------------------------


class ReplyInvitationForm(forms.Form):
    """An owner invites the assessed service's contact to respond to a version."""

    version = forms.TypedChoiceField(label=_("Version to respond to"), coerce=int)
    contact_name = forms.CharField(label=_("Name of the contact"), max_length=200)
    contact_organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("Printed above the response in the appendix, e.g. the provider's name."),
    )
    email = forms.EmailField(label=_("E-mail address"))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    note = forms.CharField(
        label=_("Message in the e-mail (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, versions: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = versions  # type: ignore[attr-defined]
        if versions and not self.is_bound:
            self.initial.setdefault("version", versions[0][0])
            default = timezone.localdate() + datetime.timedelta(days=14)
            self.initial.setdefault("deadline", default)

    def clean_deadline(self):
        return _future_deadline(self.cleaned_data["deadline"])


class ReplyResendForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def clean_deadline(self):
        return _future_deadline(self.cleaned_data["deadline"])


def _future_deadline(deadline):
    if deadline < timezone.localdate():
        raise forms.ValidationError(_("The deadline cannot be in the past."))
    if deadline > timezone.localdate() + datetime.timedelta(days=366):
        raise forms.ValidationError(_("The deadline can be at most a year from now."))
    return deadline


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ServiceReplyForm(forms.Form):
    """The service's response: Markdown text and PDF attachments (checked by content)."""

    text = forms.CharField(
        label=_("Your response (zienswijze)"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "form-control font-monospace-sm"}),
        help_text=_(
            "Printed verbatim in the appendix of the report. You may use Markdown: "
            "*italic*, **bold**, lists with - and headings with #."
        ),
    )
    attachments = MultipleFileField(label=_("Attachments (PDF)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text_length(self)
        self.fields["attachments"].help_text = _(
            "At most %(count)d PDF files of at most %(size)s each. Files with a password "
            "cannot be accepted."
        ) % {
            "count": settings.KIA_REPLY_MAX_FILES,
            "size": filesizeformat(settings.KIA_REPLY_MAX_FILE_BYTES),
        }

    def clean_attachments(self):
        from assessments.infra import pdfcheck

        files = self.cleaned_data["attachments"]
        if len(files) > settings.KIA_REPLY_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files can be attached.")
                % {"count": settings.KIA_REPLY_MAX_FILES}
            )
        problems = [
            problem
            for upload in files
            if (problem := pdfcheck.problem(upload, settings.KIA_REPLY_MAX_FILE_BYTES))
        ]
        if problems:
            raise forms.ValidationError(problems)
        return files


class NotificationPreferencesForm(forms.Form):
    """Per kind of event: immediately, in the daily digest, or off; and the e-mail language."""

    language = forms.ChoiceField(
        label=_("Language of e-mail"),
        choices=Language.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in EventKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=str(kind.label)[:1].upper() + str(kind.label)[1:],
                choices=Delivery.choices,
                widget=forms.RadioSelect,
            )
        self.order_fields([*EventKind.values, "language"])


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
