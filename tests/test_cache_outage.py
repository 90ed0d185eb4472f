"""Issue 22, item 20: with Redis down nothing answers 500. Log-in and password reset are
throttled in the database; the API goes unthrottled; the "also open" notice steps aside;
``/ready/`` says "degraded" (200), not "down". Redis is "down" here by pointing the cache
at a port nothing listens on (connections are refused, as when the server stops)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments.domain import tokens
from assessments.domain.constants import Role
from assessments.infra import throttle
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PASSWORD = "pw-for-tests-123"


@pytest.fixture(autouse=True)
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: refused
        }
    }


def test_log_in_works_and_is_still_throttled():
    factories.user(username="alice")
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(throttle.PAIR.free):
        wrong = client.post(reverse("login"), {"username": "alice", "password": "no"})
        assert wrong.status_code == 200
    held = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert "Too many failed attempts" in held.content.decode()
    other = Client()
    right = other.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert right.status_code == 302 and "_auth_user_id" in other.session


def test_password_reset_sends_its_mail():
    factories.user(username="bea", email="bea@example.org")
    response = Client().post(reverse("password_reset"), {"email": "bea@example.org"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["bea@example.org"]]


def test_opening_an_answer_works_without_the_presence_notice(caplog):
    org = factories.organisation()
    assessment = factories.assessment(org)
    client = factories.logged_in(factories.member(org, Role.EDITOR))
    page = client.get(reverse("assessments:answer", args=[assessment.slug, "2.1"]))
    assert page.status_code == 200
    assert "also has this item open" not in page.content.decode()
    assert "presence goes without it" in caplog.text


def test_the_api_with_a_token_goes_unthrottled():
    org = factories.organisation()
    assessment = factories.assessment(org)
    _token, secret = tokens.issue(factories.member(org, Role.EDITOR), name="t", scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.get(f"/api/v1/assessments/{org.slug}/{assessment.slug}")
    assert response.status_code == 200, response.content


def test_the_public_api_answers_json():
    response = Client().get("/api/v1/public/assessments")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_ready_is_degraded_not_down(settings):
    settings.TASK_BACKEND = "database"
    response = Client().get("/ready/")
    body = response.json()
    assert body["parts"]["cache"]["status"] == "degraded"
    assert body["parts"]["worker"]["status"] == "degraded"
    assert body["status"] == "degraded" and response.status_code == 200
