"""Issue 22, item 17: bodies a parser or a database cannot take get a 400 that says where,
and change nothing (a lone surrogate escape, a number of thousands of digits, NaN)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.domain import tokens
from assessments.domain.constants import Role
from assessments.domain.exchange import InvalidAssessment, export_assessment, import_assessment
from assessments.domain.models import Answer, Assessment, Source
from tests import builders, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
API = "/api/v1"
SURROGATE = '{"text": "lone \\ud800 surrogate"}'
HUGE = "9" * 5000


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def bearer(user) -> Client:
    _token, secret = tokens.issue(user, name="test", scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def where(assessment: Assessment) -> str:
    return f"{API}/assessments/{assessment.organisation.slug}/{assessment.slug}"


def problem(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_a_lone_surrogate_in_an_answer_is_refused_with_its_place(team):
    assessment, editor, _owner = team
    response = bearer(editor).put(
        f"{where(assessment)}/answers/2.1", SURROGATE, content_type="application/json"
    )
    body = problem(response)
    assert body["invalid-params"] == [
        {"name": "text", "code": "lone_surrogate", "reason": body["detail"]}
    ]
    assert "surrogate" in body["detail"]
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_lone_surrogate_in_a_source_citation_is_refused(team):
    assessment, editor, _owner = team
    raw = '{"key": "ofcom", "citation": "Ofcom \\udfff 2024"}'
    body = problem(
        bearer(editor).post(f"{where(assessment)}/sources", raw, content_type="application/json")
    )
    assert body["invalid-params"][0]["name"] == "citation"
    assert not Source.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("raw", "code", "says"),
    [
        (f'{{"text": "x", "n": {HUGE}}}', "number_too_long", "a number of 5000 digits"),
        ('{"text": NaN}', "invalid", "NaN is not a JSON value"),
        ('{"text": "x",}', "invalid", "line 1, column 14"),
        (b'{"text": "\xff"}', "invalid", "not UTF-8"),
    ],
)
def test_unreadable_api_bodies_are_400_problems(team, raw, code, says):
    assessment, editor, _owner = team
    response = bearer(editor).put(
        f"{where(assessment)}/answers/2.1", raw, content_type="application/json"
    )
    body = problem(response)
    assert says in body["detail"]
    assert body["invalid-params"][0]["code"] == code
    assert not Answer.objects.filter(assessment=assessment).exists()


def long_number_document() -> bytes:
    document = export_assessment(builders.rich_assessment())
    text = json.dumps(document, indent=2)
    return text.replace('"version": 1', f'"version": {HUGE}', 1).encode()


def test_an_imported_document_with_a_huge_number_says_line_and_column():
    organisation, raw = factories.organisation(), long_number_document()
    before = Assessment.objects.count()
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(raw, organisation=organisation)
    [(path, message)] = exc.value.problems
    assert path == "$"
    assert message.startswith("Line 3, column 14: a number of 5000 digits")
    assert Assessment.objects.count() == before


def test_the_api_import_with_a_huge_number_is_a_400(team):
    assessment, editor, _owner = team
    raw = long_number_document()
    before = Assessment.objects.count()
    response = bearer(editor).post(
        f"{API}/assessments?organisation={assessment.organisation.slug}",
        raw,
        content_type="application/json",
    )
    body = problem(response)
    assert "5000 digits" in json.dumps(body)
    assert Assessment.objects.count() == before


def test_the_web_import_with_a_huge_number_shows_the_place(client):
    organisation = factories.organisation()
    client.force_login(factories.member(organisation, Role.EDITOR))
    client.cookies["django_language"] = "en"
    raw = long_number_document()
    before = Assessment.objects.count()
    response = client.post(
        reverse("assessments:import"),
        {
            "organisation": organisation.pk,
            "file": SimpleUploadedFile("kia.json", raw),
        },
    )
    assert response.status_code == 400
    assert "Line 3, column 14: a number of 5000 digits" in response.content.decode()
    assert Assessment.objects.count() == before
