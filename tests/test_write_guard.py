"""The write path guards what it writes: a member's edit lands only on a draft and only
while their role allows it, checked under the assessment's row lock (the race itself is in
tests/test_races.py, on PostgreSQL). A refused save says why and keeps what was typed."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from assessments.domain import editing, tokens
from assessments.domain.constants import Channel, Role
from assessments.domain.editing import EditRefused
from assessments.domain.models import Answer, Change, Membership, TokenScope
from assessments.domain.states import Status
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _settle(assessment) -> None:
    editing.transition(
        assessment, {"status": Status.FINAL}, actor=editing.SYSTEM, reason="", name="finalise"
    )
    assessment.refresh_from_db()


def test_a_members_edit_of_an_assessment_no_longer_a_draft_is_refused_and_writes_nothing():
    assessment = factories.assessment()
    editor = factories.member(assessment.organisation, Role.EDITOR)
    _settle(assessment)
    before = Change.objects.count()
    for via in (Channel.WEB, Channel.API):
        with pytest.raises(EditRefused, match="cannot be edited now"):
            editing.create(
                Answer(assessment=assessment, question="2.1", text="Te laat."),
                actor=editing.Actor(editor, via),
                assessment=assessment,
            )
    assert not Answer.objects.exists() and Change.objects.count() == before


def test_a_member_whose_role_was_lowered_cannot_write_any_more():
    assessment = factories.assessment()
    editor = factories.member(assessment.organisation, Role.EDITOR)
    Membership.objects.filter(user=editor).update(role=Role.VIEWER)
    with pytest.raises(EditRefused, match="role"):
        editing.create(
            Answer(assessment=assessment, question="2.1", text="x"),
            actor=editing.Actor(editor),
            assessment=assessment,
        )


def test_the_system_the_service_and_the_lifecycle_write_past_the_members_guard():
    assessment = factories.assessment()
    _settle(assessment)  # a lifecycle transition on a draft: not a member's edit
    service = editing.Actor(None, Channel.REPLY, label="TikTok")
    editing.create(
        Answer(assessment=assessment, question="2.1", text="Systeem."),
        actor=editing.SYSTEM,
        assessment=assessment,
    )
    assert Answer.objects.get().text == "Systeem." and not service.edits


def test_a_form_saved_after_the_assessment_was_locked_keeps_the_text_and_says_why():
    assessment = factories.assessment()
    editor = factories.member(assessment.organisation, Role.EDITOR)
    client = factories.logged_in(editor)
    url = reverse("assessments:answer", args=[assessment.slug, "2.1"])
    assert client.get(url).status_code == 200  # the form opens on a draft
    _settle(assessment)  # someone finalises it meanwhile
    response = client.post(url, {"text": "Mijn lange antwoord.", "lock_version": ""})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Mijn lange antwoord." in page  # still in the form
    assert "kan nu niet worden bewerkt" in page or "cannot be edited now" in page
    assert not Answer.objects.exists()
    assert client.get(url).status_code == 403  # a new form is not offered


def test_the_api_refuses_an_edit_of_a_locked_assessment_as_a_problem():
    assessment = factories.assessment()
    editor = factories.member(assessment.organisation, Role.EDITOR)
    _, secret = tokens.issue(editor, name="t", scope=TokenScope.WRITE)
    _settle(assessment)
    url = f"/api/v1/assessments/{assessment.organisation.slug}/{assessment.slug}/answers/2.1"
    response = factories.logged_in(editor).put(
        url,
        json.dumps({"text": "Te laat."}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert not Answer.objects.exists()
