"""The user's profile page: personal API tokens (made, listed and revoked here).

A new token's secret is shown once, on the page that made it; the list shows each token's
prefix, scope, expiry and last use.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.domain import tokens
from assessments.domain.models import ApiToken, TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “algorithm register”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_expires_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date after today."))
        return day


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    secret = ""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["expires_on"]
            expires = (
                timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
                if day
                else None
            )
            _token, secret = tokens.issue(
                request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=expires,
            )
            form = TokenForm()
    else:
        form = TokenForm()
    response = render(
        request,
        "assessments/profile.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
            "api_docs": "/api/v1/docs",
        },
        status=201 if secret else 200,
    )
    response["Cache-Control"] = "no-store"  # the page may hold a secret
    return response


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    if tokens.revoke(request.user, pk):
        messages.success(request, _("The token is revoked; it no longer works."))
    else:
        messages.error(request, _("There is no such active token."))
    return redirect(reverse("assessments:profile"))


urlpatterns = [
    path("profile/", profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", revoke_token, name="revoke_token"),
]
