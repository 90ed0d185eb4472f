"""Accounts and organisations: log-in (throttled), organisations, members, invitations
and notification choices.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import Delivery, Language, Role
from assessments.domain.events import EventKind
from assessments.domain.models import (
    Organisation,
)
from assessments.infra import throttle
from assessments.infra.slugs import free_slug, save_with_free_slug, slug_from


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


class AccountForm(UserCreationForm):
    """A new account from an invitation. The user name's help is our own message with
    Django's text: Django's Dutch translation lists a comma where it means a full stop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = _(
            "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Log-in that makes further attempts wait after repeated failures (``throttle``)."""

    def clean(self):
        username = self.data.get("username") or ""
        wait = throttle.reserve_login(self.request, username)  # counted as failed until it is not
        if wait:
            raise forms.ValidationError(throttle.wait_message(wait), code="throttled")
        data = super().clean()
        throttle.login_succeeded(self.request, username)
        return data

    def confirm_login_allowed(self, user):
        """With the password form switched off (``KIA_PASSWORD_LOGIN``), only superusers
        may still log in with a password: the others use single sign-on."""
        super().confirm_login_allowed(user)
        if not settings.KIA_PASSWORD_LOGIN and not user.is_superuser:
            raise forms.ValidationError(
                _("Log in with your organisation's account."), code="password_login_off"
            )


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm, ThrottledAuthenticationForm):
    """The admin's log-in, throttled like the app's."""


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


class GroupRoleForm(forms.Form):
    """An owner's mapping: members of an identity provider's group get a role here."""

    group = forms.CharField(
        label=_("Group at the identity provider"),
        max_length=200,
        help_text=_("The group's name exactly as the provider sends it."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_group(self) -> str:
        group = self.cleaned_data["group"].strip()
        if not group:
            raise forms.ValidationError(_("Give the group's name."))
        return group
