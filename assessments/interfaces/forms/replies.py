"""The service's right of reply: the team's reply form, the owners' invitation, and the
service's own response with its PDF attachments (checked by ``infra.pdfcheck``).
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain.models import (
    ServiceResponse,
)
from assessments.infra import pdfcheck
from assessments.interfaces.forms.base import DATE, VersionedForm, _textarea, limit_text_length


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


class AppendixForm(ServiceResponseForm):
    """The appendix of a final or published assessment (``lifecycle.add_to_appendix``): a
    new response with its reply, or the reply to a response already in a version, whose own
    fields stay as they were recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in ServiceResponse.SERVICE_FIELDS:
                self.fields.pop(name, None)


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
        self.refused_files: dict[str, str] = {}
        self.fields["attachments"].help_text = _(
            "At most %(count)d PDF files of at most %(size)s each. Files with a password "
            "cannot be accepted."
        ) % {
            "count": settings.KIA_REPLY_MAX_FILES,
            "size": filesizeformat(settings.KIA_REPLY_MAX_FILE_BYTES),
        }

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > settings.KIA_REPLY_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files can be attached.")
                % {"count": settings.KIA_REPLY_MAX_FILES}
            )
        problems = {
            upload.name: problem
            for upload in files
            if (problem := pdfcheck.problem(upload, settings.KIA_REPLY_MAX_FILE_BYTES))
        }
        self.refused_files = problems  # by name: the page says which files it dropped
        if problems:
            raise forms.ValidationError(list(problems.values()))
        return files
