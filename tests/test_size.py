"""Issue 22, item 18: an assessment holds at most KIA_MAX_ASSESSMENT_CHARS characters of
text; a save or import over it is refused with the figures, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessments.domain import editing, size, tokens
from assessments.domain.constants import Role
from assessments.domain.exchange import InvalidAssessment, export_assessment, import_assessment
from assessments.domain.models import Answer, Assessment, Measure
from tests import builders, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_every_kind_of_row_counts():
    assessment = factories.assessment()
    before = size.chars_of(assessment.pk)
    Answer.objects.create(assessment=assessment, question="2.1", text="a" * 100)
    risk = factories.risk(assessment, description="b" * 200)
    Measure.objects.create(risk=risk, title="c" * 30, description="d" * 40)
    added = 100 + 200 + len(risk.topic) + 30 + 40
    assert size.chars_of(assessment.pk) == before + added


def test_a_save_past_the_limit_is_refused_with_the_figures_and_the_text_kept(settings, team):
    assessment, editor, _owner = team
    settings.KIA_MAX_ASSESSMENT_CHARS = size.chars_of(assessment.pk) + 1000
    client = factories.logged_in(editor)
    client.cookies["django_language"] = "en"
    url = reverse("assessments:answer", args=[assessment.slug, "2.1"])
    fits = client.post(url, {"text": "x" * 900, "lock_version": ""})
    assert fits.status_code == 302
    stored = Answer.objects.get(assessment=assessment, question="2.1")
    response = client.post(url, {"text": "y" * 1200, "lock_version": stored.lock_version})
    assert response.status_code == 413
    page = response.content.decode()
    assert "The assessment would hold" in page and "at most" in page
    assert "y" * 1200 in page  # the text stays in the form
    stored.refresh_from_db()
    assert stored.text == "x" * 900


def test_a_save_that_shortens_text_is_allowed_over_the_limit(settings, team):
    assessment, editor, _owner = team
    answer = Answer.objects.create(assessment=assessment, question="2.1", text="z" * 2000)
    settings.KIA_MAX_ASSESSMENT_CHARS = 100  # lowered after the text was written
    answer.text = "z" * 1500
    editing.save(answer, actor=editing.Actor(editor), expected=answer.lock_version,
                 assessment=assessment)  # fmt: skip
    answer.refresh_from_db()
    assert len(answer.text) == 1500


def test_the_api_answers_413_problem(settings, team):
    assessment, editor, _owner = team
    settings.KIA_MAX_ASSESSMENT_CHARS = size.chars_of(assessment.pk) + 10
    _token, secret = tokens.issue(editor, name="t", scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/assessments/{assessment.organisation.slug}/{assessment.slug}/answers/2.1"
    response = client.put(url, {"text": "w" * 50}, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "at most" in response.json()["detail"]
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_an_import_past_the_limit_says_so_and_writes_nothing(settings):
    document = export_assessment(builders.rich_assessment())
    settings.KIA_MAX_ASSESSMENT_CHARS = size.chars_in(document) - 1
    count = Assessment.objects.count()
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(document, organisation=factories.organisation())
    [(path, message)] = exc.value.problems
    assert path == "$"
    assert message.startswith("The assessment would hold")
    assert Assessment.objects.count() == count


def test_the_web_import_shows_the_figures(client, settings):
    document = export_assessment(builders.rich_assessment())
    settings.KIA_MAX_ASSESSMENT_CHARS = 1000
    organisation = factories.organisation()
    client.force_login(factories.member(organisation, Role.EDITOR))
    client.cookies["django_language"] = "en"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.domain.exchange import to_json

    response = client.post(
        reverse("assessments:import"),
        {"organisation": organisation.pk, "file": SimpleUploadedFile("a.json", to_json(document))},
    )
    assert response.status_code == 400
    assert "at most 1,000 are allowed" in response.content.decode()
