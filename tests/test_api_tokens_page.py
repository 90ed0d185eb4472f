"""The profile page's API tokens: made (shown once, stored hashed), listed and revoked."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.domain import tokens
from assessments.domain.models import ApiToken
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_token_is_shown_once_and_stored_hashed():
    user = factories.user()
    client = factories.logged_in(user)
    made = client.post(reverse("assessments:profile"), {"name": "Register", "scope": "write"})
    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    secret = re.search(r'value="(kia_[^"]+)"', made.content.decode()).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get()), "the secret is not stored"
    assert token.scope == "write" and secret.startswith(token.prefix)
    again = client.get(reverse("assessments:profile")).content.decode()
    assert secret not in again and token.prefix in again
    assert tokens.authenticate(secret) == token


def test_revoke_only_your_own_token():
    user, other = factories.user(), factories.user()
    token, secret = tokens.issue(user, name="x")
    client = factories.logged_in(other)
    client.post(reverse("assessments:revoke_token", args=[token.pk]))
    assert tokens.authenticate(secret) is not None
    factories.logged_in(user).post(reverse("assessments:revoke_token", args=[token.pk]))
    assert tokens.authenticate(secret) is None


def test_expiry_must_be_in_the_future():
    client = factories.logged_in(factories.user())
    refused = client.post(
        reverse("assessments:profile"), {"name": "x", "scope": "read", "expires_on": "2000-01-01"}
    )
    assert refused.status_code == 200 and "Choose a date after today" in refused.content.decode()
    assert not ApiToken.objects.exists()


def test_profile_needs_log_in():
    response = Client().get(reverse("assessments:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_create_api_token_command(capsys):
    user = factories.user(username="demo-owner")
    call_command("create_api_token", "demo-owner", "--scope", "write", "--days", "1")
    secret = capsys.readouterr().out.strip()
    token = tokens.authenticate(secret)
    assert token is not None and token.user == user and token.can_write and token.expires_at
