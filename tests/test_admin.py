"""Every model has a working Django admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from assessments.domain.constants import GoalKind, ProportionalitySide
from assessments.domain.models import (
    Answer,
    Contribution,
    Goal,
    Measure,
    ProportionalityItem,
    ServiceResponse,
    Source,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_model_is_registered():
    models = apps.get_app_config("assessments").get_models()
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert missing == []


def test_admin_pages_render(client, django_user_model):
    su = django_user_model.objects.create_superuser("root", "root@example.org", "pw-12345-xyz")
    client.force_login(su)
    parent = factories.assessment()
    factories.member(parent.organisation)
    risk = factories.risk(parent, likelihood="high", impact="medium")
    objects = [
        parent,
        parent.organisation,
        parent.organisation.memberships.get(),
        risk,
        Measure.objects.create(risk=risk, title="Moderation"),
        Answer.objects.create(assessment=parent, question="2.1", text="x"),
        Goal.objects.create(assessment=parent, kind=GoalKind.MAIN, title="Profit"),
        Contribution.objects.create(assessment=parent, question="2.8", text="x"),
        ProportionalityItem.objects.create(
            assessment=parent, side=ProportionalitySide.HARM, text="x", risk=risk
        ),
        Source.objects.create(assessment=parent, key="k", citation="c"),
        ServiceResponse.objects.create(assessment=parent, author="Provider", text="We disagree."),
    ]
    for obj in objects:
        opts = obj._meta
        for url in (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
    page = client.get(reverse("admin:assessments_risk_changelist")).content.decode()
    assert "6 (hoog)" in page  # kans hoog × impact midden
