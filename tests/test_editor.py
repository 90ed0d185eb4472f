"""The editor without lost words, seen through the views: rows deleted under a user,
who else is editing, conflicts word by word, headings in answers (issue 12)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessments.domain import editing
from assessments.domain.constants import GoalKind, Role
from assessments.domain.models import Answer, Goal, Source
from assessments.interfaces.templatetags.kia import markdown
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
        client = Client()
        client.cookies["django_language"] = "en"
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


# --- Feedback where the eye is -------------------------------------------------------------


def test_a_reassessment_date_in_the_past_is_refused_at_its_field(team):
    assessment, clients = team
    url = reverse("assessments:reassessment", args=[assessment.slug])
    response = clients["eva"].post(
        url, {"next_reassessment_on": "2019-03-01", "lock_version": assessment.lock_version}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be in the past" in page
    assert 'aria-describedby="id_next_reassessment_on_error"' in page
    assessment.refresh_from_db()
    assert assessment.next_reassessment_on is None


def test_a_missing_reason_for_cannot_be_assessed_is_shown_at_the_reason(team):
    assessment, clients = team
    url = reverse("assessments:risk_new", args=[assessment.slug])
    response = clients["eva"].post(
        url, {"category": "content", "topic": "Pesten", "likelihood": "not_assessable"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'aria-describedby="[^"]*id_likelihood_reason_error"', page)
    assert "Give a reason why the likelihood cannot be assessed." in page


def test_planned_measures_past_their_due_date_are_marked_overdue(team):
    assessment, clients = team
    risk = factories.risk(assessment)
    risk.measures.create(title="Meldknop", status="planned", due_date="2020-01-01")
    risk.measures.create(title="Filter", status="in_place", due_date="2020-01-01")
    page = clients["vera"].get(reverse("assessments:chapter", args=[assessment.slug, 4]))
    assert page.content.decode().count("(overdue)") == 1


def _selected(page: str, name: str) -> str:
    """The value of the selected option of select ``name`` ("" for none)."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else ""


def test_the_risk_shortcut_records_the_question_and_leaves_the_category_open(team):
    """The instrument links no wellbeing value to a risk category, so none is chosen."""
    assessment, clients = team
    url = reverse("assessments:risk_new", args=[assessment.slug]) + "?from=2.8"
    page = clients["eva"].get(url).content.decode()
    assert "This risk came up at question 2.8" in page
    assert _selected(page, "raised_in") == "2.8"
    assert _selected(page, "category") == ""
    response = clients["eva"].post(url, {"topic": "Pesten", "raised_in": "2.8"})
    assert response.status_code == 400  # the category must be chosen
    assert not assessment.risks.exists()
    response = clients["eva"].post(
        url, {"category": "contact", "topic": "Pesten", "raised_in": "2.8"}
    )
    assert response.status_code == 302
    risk = assessment.risks.get()
    assert (risk.category, risk.raised_in, risk.description) == ("contact", "2.8", "")


def test_a_risk_shows_where_it_came_up_and_that_can_be_changed(team):
    assessment, clients = team
    risk = factories.risk(assessment, raised_in="2.13")
    chapter_3 = reverse("assessments:chapter", args=[assessment.slug, 3])
    page = clients["vera"].get(chapter_3).content.decode()
    chapter_2 = reverse("assessments:chapter", args=[assessment.slug, 2])
    assert f'Came up at <a href="{chapter_2}#q-2-13">2.13 social connection</a>' in page
    dutch = Client()
    dutch.force_login(assessment.organisation.memberships.get(role=Role.VIEWER).user)
    assert "Naar voren gekomen bij <a" in dutch.get(chapter_3).content.decode()

    edit = reverse("assessments:risk_edit", args=[assessment.slug, risk.pk])
    form = {"category": "contact", "topic": risk.topic, "raised_in": "", "lock_version": 1}
    assert clients["eva"].post(edit, form).status_code == 302
    risk.refresh_from_db()
    assert risk.raised_in == ""
    assert "Came up at" not in clients["vera"].get(chapter_3).content.decode()
    form = {**form, "raised_in": "2.1", "lock_version": 2}  # not a wellbeing question
    assert clients["eva"].post(edit, form).status_code == 400


def test_the_prescan_refuses_1_3_and_flags_the_notes_when_the_outcome_changes(team):
    assessment, clients = team
    url = reverse("assessments:prescan", args=[assessment.slug])
    base = {"prescan_offers_service": "yes", "prescan_note": "Kinderen gebruiken het."}
    first = {**base, "prescan_accessible_to_minors": "yes", "lock_version": 1}
    response = clients["eva"].post(url, first, follow=True)
    assert "Check whether the notes" in response.content.decode()
    assessment.refresh_from_db()
    again = {**base, "prescan_accessible_to_minors": "yes", "lock_version": 2}
    response = clients["eva"].post(url, again, follow=True)
    assert "Check whether the notes" not in response.content.decode()  # unchanged outcome
    assessment.refresh_from_db()
    wrong = {**again, "prescan_can_exclude_minors": "no", "lock_version": 3}
    assert clients["eva"].post(url, wrong).status_code == 400


def test_selects_never_show_dashes(team):
    assessment, clients = team
    page = clients["eva"].get(reverse("assessments:item_new", args=[assessment.slug]))
    assert "---------" not in page.content.decode()


def test_facts_that_do_not_apply_are_not_shown(team):
    assessment, clients = team  # a self-assessment without a period
    page = clients["vera"].get(reverse("assessments:detail", args=[assessment.slug]))
    text = page.content.decode()
    assert "Service cooperated" not in text and "— – —" not in text
