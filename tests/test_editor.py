"""The editor without lost words, seen through the views: rows deleted under a user,
who else is editing, conflicts word by word, headings in answers (issue 12)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessments import editing
from assessments.constants import GoalKind, Role
from assessments.models import Answer, Goal, Source
from assessments.templatetags.kia import markdown
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team():
    org = factories.organisation()
    assessment = factories.assessment(org)
    clients = {}
    for name, role in (("eva", Role.EDITOR), ("bob", Role.EDITOR), ("vera", Role.VIEWER)):
        user = factories.member(org, role, username=name)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        clients[name] = client
    return assessment, clients


def test_saving_a_deleted_goal_shows_the_text_and_changes_nothing(team):
    assessment, clients = team
    goal = Goal.objects.create(assessment=assessment, kind=GoalKind.MAIN, title="Leren")
    url = reverse("assessments:goal_edit", args=[assessment.slug, goal.pk])
    editing.delete(goal, actor=editing.SYSTEM, expected=None, assessment=assessment)
    data = {
        "kind": "main",
        "title": "Leren lezen",
        "description": "Mijn lange uitleg.",
        "lock_version": "0",
    }
    response = clients["eva"].post(url, data)
    assert response.status_code == 410
    body = response.content.decode()
    assert "Mijn lange uitleg." in body and "Leren lezen" in body
    assert reverse("assessments:goal_new", args=[assessment.slug]) in body
    assert not Goal.objects.filter(assessment=assessment).exists()
    assert clients["eva"].get(url).status_code == 404  # opening it is still a plain 404


def test_a_source_deleted_between_loading_and_saving_is_offered_for_recreation(team):
    assessment, clients = team
    source = Source.objects.create(assessment=assessment, key="ofcom", citation="Ofcom 2024")
    url = reverse("assessments:source_edit", args=[assessment.slug, source.pk])
    editing.delete(source, actor=editing.SYSTEM, expected=None, assessment=assessment)
    response = clients["eva"].post(
        url, {"key": "ofcom", "citation": "Ofcom (2024)", "lock_version": "0"}
    )
    assert response.status_code == 410
    assert "Ofcom (2024)" in response.content.decode()
    recreate = reverse("assessments:source_new", args=[assessment.slug])
    clients["eva"].post(recreate, {"key": "ofcom", "citation": "Ofcom (2024)"})
    assert Source.objects.get(assessment=assessment).citation == "Ofcom (2024)"


def test_an_editor_sees_who_else_has_the_item_open(team):
    assessment, clients = team
    url = reverse("assessments:answer", args=[assessment.slug, "2.1"])
    assert "also has this item open" not in clients["eva"].get(url).content.decode()
    page = clients["bob"].get(url).content.decode()
    assert "eva also has this item open for editing" in page
    beat = reverse("assessments:presence", args=[assessment.slug])
    answer = clients["eva"].post(beat, {"item": url}).json()
    assert answer["others"] == ["bob"]
    clients["bob"].post(beat, {"item": url, "leave": "1"})
    assert clients["eva"].post(beat, {"item": url}).json()["others"] == []


def test_heartbeats_are_for_editors_and_items_of_the_assessment(team):
    assessment, clients = team
    beat = reverse("assessments:presence", args=[assessment.slug])
    assert clients["eva"].post(beat, {"item": "/a/other/answer/2.1/"}).status_code == 400
    own = f"/a/{assessment.slug}/answer/2.1/"
    assert clients["vera"].post(beat, {"item": own}).status_code == 403


def test_the_conflict_page_marks_the_words_that_differ(team):
    assessment, clients = team
    answer = Answer.objects.create(assessment=assessment, question="2.1", text="Een twee drie")
    seen = answer.lock_version
    answer.text = "Een vier drie"
    editing.save(answer, actor=editing.SYSTEM, expected=seen, assessment=assessment)
    url = reverse("assessments:answer", args=[assessment.slug, "2.1"])
    response = clients["eva"].post(url, {"text": "Een twee vijf", "lock_version": seen})
    assert response.status_code == 409
    body = response.content.decode()
    assert "<del>vier</del><ins>twee</ins>" in body
    assert "<del>drie</del><ins>vijf</ins>" in body
    assert Answer.objects.get(pk=answer.pk).text == "Een vier drie"


@pytest.mark.parametrize(
    ("text", "under", "expected"),
    [
        ("# Kop", 2, "<h3>Kop</h3>"),
        ("## Kop\n\n### Sub", 2, "<h4>Sub</h4>"),
        ("### Kop", 3, "<h4>Kop</h4>"),
        ("Geen kop", 2, "<p>Geen kop</p>"),
    ],
)
def test_headings_in_answers_start_one_level_below_the_question(text, under, expected):
    assert expected in markdown(text, None, under)


def test_text_without_headings_gets_none():
    assert "<h" not in markdown("#hashtag is geen kop", None, 2)
