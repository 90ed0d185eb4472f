"""What teams do in the web app, through the real views."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.domain.constants import GoalKind, Role
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Goal,
    Measure,
    Membership,
    ProportionalityItem,
    Risk,
    Source,
    ThrottleCount,
)
from assessments.domain.states import Status
from tests import factories
from tests.factories import logged_in, u

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- No lost updates ---------------------------------------------------------------------------


def test_second_save_of_the_same_answer_is_refused_and_shows_both_versions(team):
    assessment, editor, owner = team
    Answer.objects.create(assessment=assessment, question="2.1", text="Original")
    anna, bram = logged_in(editor), logged_in(owner)
    # Both open the answer at version 1.
    assert anna.get(u(assessment, "answer", "2.1")).status_code == 200
    assert bram.get(u(assessment, "answer", "2.1")).status_code == 200
    first = anna.post(u(assessment, "answer", "2.1"), {"text": "Anna's text", "lock_version": 1})
    assert first.status_code == 302
    second = bram.post(u(assessment, "answer", "2.1"), {"text": "Bram's text", "lock_version": 1})
    assert second.status_code == 409
    page = second.content.decode()
    assert "Anna&#x27;s text" in page and "Bram&#x27;s text" in page
    assert editor.username in page
    answer = Answer.objects.get(assessment=assessment, question="2.1")
    assert answer.text == "Anna's text" and answer.lock_version == 2
    # The refused form now carries the stored version: saving again replaces deliberately.
    again = bram.post(u(assessment, "answer", "2.1"), {"text": "Merged text", "lock_version": 2})
    assert again.status_code == 302
    answer.refresh_from_db()
    assert answer.text == "Merged text" and answer.lock_version == 3


def test_two_people_writing_the_first_answer_do_not_overwrite_each_other(team):
    assessment, editor, owner = team
    anna, bram = logged_in(editor), logged_in(owner)
    assert (
        anna.post(u(assessment, "answer", "2.2"), {"text": "Anna", "lock_version": ""}).status_code
        == 302
    )
    response = bram.post(u(assessment, "answer", "2.2"), {"text": "Bram", "lock_version": ""})
    assert response.status_code == 409
    assert Answer.objects.get(assessment=assessment, question="2.2").text == "Anna"


def test_concurrent_risk_edits_conflict(team):
    assessment, editor, owner = team
    risk = factories.risk(assessment, topic="Pesten")
    data = {
        "category": "contact",
        "topic": "Pesten in de chat",
        "likelihood": "high",
        "impact": "medium",
        "lock_version": 1,
    }
    assert logged_in(editor).post(u(assessment, "risk_edit", risk.pk), data).status_code == 302
    response = logged_in(owner).post(u(assessment, "risk_edit", risk.pk), {**data, "topic": "X"})
    assert response.status_code == 409
    risk.refresh_from_db()
    assert risk.topic == "Pesten in de chat"


def test_edit_of_a_row_deleted_meanwhile_is_refused(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    measure = Measure.objects.create(risk=risk, title="Old")
    client = logged_in(editor)
    form = client.get(u(assessment, "measure_edit", risk.pk, measure.pk))
    assert form.status_code == 200
    Measure.objects.filter(pk=measure.pk).delete()
    response = client.post(
        u(assessment, "measure_edit", risk.pk, measure.pk),
        {"title": "New", "status": "planned", "lock_version": 1},
    )
    assert response.status_code == 410  # gone, with the text shown and a way to recreate it
    assert 'value="New"' in response.content.decode()
    assert not Measure.objects.exists()


# --- Pre-scan and the stop rule ----------------------------------------------------------------


def test_prescan_stop_rule_and_recording_the_conclusion(team):
    assessment, editor, _owner = team
    client = logged_in(editor)
    response = client.post(
        u(assessment, "prescan"),
        {
            "prescan_offers_service": "yes",
            "prescan_accessible_to_minors": "no",
            "prescan_can_exclude_minors": "yes",
            "prescan_note": "",
            "lock_version": 1,
        },
    )
    assert response.status_code == 302
    page = client.get(u(assessment, "chapter", 1)).content.decode()
    assert "no KIA is needed" in page
    detail = client.get(u(assessment, "detail")).content.decode()
    assert "Record why no KIA is needed." in detail
    client.post(
        u(assessment, "prescan"),
        {
            "prescan_offers_service": "yes",
            "prescan_accessible_to_minors": "no",
            "prescan_can_exclude_minors": "yes",
            "lock_version": 2,
            "prescan_note": "Only teachers log in; pupils never see it.",
        },
    )
    # Finalising is the owner's: the editor submits (naming a reviewer), the owner
    # finalises (confirming it and ticking the attestation).
    submit = {"confirmed": "1", "reviewers": [team[2].pk]}
    assert client.post(u(assessment, "status", "submit"), submit).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_REVIEW
    owner = logged_in(team[2])
    assert "Editing is locked" in owner.get(u(assessment, "status", "finalise")).content.decode()
    response = owner.post(u(assessment, "status", "finalise"), {"confirmed": "1", "attest": "1"})
    assessment.refresh_from_db()
    assert assessment.status == Status.FINAL
    # Version 1 is the one submitted for review, version 2 the one finalised.
    assert [(v.number, v.reason) for v in assessment.versions.order_by("number")] == [
        (1, "submitted"),
        (2, "finalised"),
    ]


def test_an_editor_cannot_finalise(team):
    assessment, editor, _owner = team
    Assessment.objects.filter(pk=assessment.pk).update(prescan_offers_service="no")
    response = logged_in(editor).post(u(assessment, "status", "finalise"), {"confirmed": "1"})
    assessment.refresh_from_db()
    assert response.status_code == 302 and assessment.status == Status.DRAFT
    assert not assessment.versions.exists()


def test_prescan_refuses_1_3_when_1_2_is_yes(team):
    assessment, editor, _ = team
    client = logged_in(editor)
    refused = client.post(
        u(assessment, "prescan"),
        {
            "prescan_offers_service": "yes",
            "prescan_accessible_to_minors": "yes",
            "prescan_can_exclude_minors": "no",
            "lock_version": 1,
        },
    )
    assert refused.status_code == 400
    assert "1.3 only applies when the answer to 1.2 is" in refused.content.decode()
    assessment.refresh_from_db()
    assert assessment.prescan_accessible_to_minors == ""  # nothing stored


# --- Risks, scores, heat map -------------------------------------------------------------------


def test_add_a_risk_with_scores_and_see_the_score_and_heat_map(team):
    assessment, editor, _ = team
    client = logged_in(editor)
    response = client.post(
        u(assessment, "risk_new") + "?category=contact",
        {
            "category": "contact",
            "topic": "Grooming",
            "description": "Volwassenen benaderen kinderen.",
            "likelihood": "medium",
            "impact": "high",
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get(topic="Grooming")
    assert risk.gross_score.value == 6
    page = client.get(u(assessment, "chapter", 3)).content.decode()
    assert "6 (high)" in page
    # The heat map shows R1 in the cell likelihood medium × impact high.
    cell = page.split("Before measures (gross risk)")[1].split("</table>")[0]
    rows = cell.split("<tr>")
    medium_row = next(r for r in rows if 'scope="row">medium' in r)
    assert medium_row.split("<td")[3].count("R1") == 1


def test_not_assessable_without_reason_is_refused_with_message(team):
    assessment, editor, _ = team
    response = logged_in(editor).post(
        u(assessment, "risk_new") + "?category=content",
        {
            "category": "content",
            "topic": "Schadelijke content",
            "likelihood": "not_assessable",
            "likelihood_reason": "   ",
            "impact": "high",
        },
    )
    assert response.status_code == 400
    assert "Give a reason why the likelihood cannot be assessed." in response.content.decode()
    assert not Risk.objects.exists()


def test_not_assessable_shows_no_number(team):
    assessment, editor, _ = team
    factories.risk(
        assessment, likelihood="not_assessable", likelihood_reason="No data shared", impact="high"
    )
    page = logged_in(editor).get(u(assessment, "chapter", 3)).content.decode()
    assert "cannot be assessed" in page and "No data shared" in page
    assert "Not in the map (cannot be assessed or not scored yet)" in page


def test_record_a_risk_from_a_chapter_2_question(team):
    assessment, editor, _ = team
    client = logged_in(editor)
    page = client.get(u(assessment, "chapter", 2)).content.decode()
    shortcut = u(assessment, "risk_new") + "?from=2.13"
    assert shortcut in page
    response = client.post(shortcut, {"category": "contact", "topic": "Onbekenden in de chat"})
    assert response.status_code == 302
    assert response["Location"].endswith(u(assessment, "chapter", 2) + "#q-2-13")
    assert Risk.objects.get().category == "contact"


def test_reorder_and_delete_risks(team):
    assessment, editor, _ = team
    first = factories.risk(assessment, topic="Eerste", order=0)
    second = factories.risk(assessment, topic="Tweede", order=1)
    client = logged_in(editor)
    client.post(u(assessment, "move", "risk", second.pk), {"direction": "up"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.order < first.order
    Measure.objects.create(risk=first, title="m")
    client.post(u(assessment, "delete", "risk", first.pk))
    assert list(Risk.objects.values_list("topic", flat=True)) == ["Tweede"]
    assert not Measure.objects.exists()


# --- Measures and residual risk ------------------------------------------------------------------


def test_add_a_measure_with_owner_and_residual_risk(team):
    assessment, editor, _ = team
    risk = factories.risk(assessment, likelihood="high", impact="high")
    client = logged_in(editor)
    response = client.post(
        u(assessment, "measure_new", risk.pk),
        {
            "title": "Moderatie binnen 24 uur",
            "status": "planned",
            "owner": "Moderatieteam",
            "due_date": "2027-03-01",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.owner, measure.due_date) == ("Moderatieteam", datetime.date(2027, 3, 1))
    client.post(
        u(assessment, "residual_edit", risk.pk),
        {
            "residual_description": "Minder kans",
            "residual_likelihood": "low",
            "residual_impact": "high",
            "lock_version": 1,
        },
    )
    risk.refresh_from_db()
    assert risk.residual_score.value == 3
    page = client.get(u(assessment, "chapter", 4)).content.decode()
    assert "Moderatieteam" in page and "3 (medium)" in page and "9 (high)" in page


# --- Weighing -------------------------------------------------------------------------------------


def test_weighing_table_prefills_from_goals_contributions_and_risks(team):
    assessment, editor, _ = team
    Goal.objects.create(assessment=assessment, kind=GoalKind.MAIN, title="Zelfstandig leren")
    Contribution.objects.create(
        assessment=assessment, question="2.11", text="x", summary="Kinderen zien hun groei"
    )
    factories.risk(assessment, category="privacy", topic="Profilering")
    client = logged_in(editor)
    client.post(u(assessment, "prefill_weighing"))
    # The rows keep their link and plain text; where they come from is said when read, in
    # the reader's language (the prefill does not store the editor's interface language).
    texts = set(ProportionalityItem.objects.values_list("side", "text"))
    assert texts == {
        ("organisation_benefit", "Zelfstandig leren"),
        ("child_benefit", "Kinderen zien hun groei"),
        ("harm", "Profilering"),
    }
    client.post(u(assessment, "prefill_weighing"))  # nothing twice
    assert ProportionalityItem.objects.count() == 3
    page = client.get(u(assessment, "chapter", 5)).content.decode()
    assert 'Profilering <span class="text-body-secondary">(3.6)</span>' in page
    assert 'Zelfstandig leren <span class="text-body-secondary">(see 2.5)</span>' in page
    dutch = Client(HTTP_ACCEPT_LANGUAGE="nl")
    dutch.force_login(editor)
    with translation.override("nl"):
        page = dutch.get(u(assessment, "chapter", 5)).content.decode()
    assert 'Kinderen zien hun groei <span class="text-body-secondary">(zie 2.11)</span>' in page


# --- Sources and citations ------------------------------------------------------------------------


def test_unknown_and_uncited_sources_are_flagged(team):
    assessment, editor, _ = team
    Source.objects.create(assessment=assessment, key="gc25", citation="General Comment 25")
    Source.objects.create(assessment=assessment, key="unused", citation="Nooit geciteerd")
    Answer.objects.create(
        assessment=assessment,
        question="2.1",
        text="Kinderen hebben rechten.[^gc25] Zie ook [^ghost].",
    )
    client = logged_in(editor)
    page = client.get(u(assessment, "sources")).content.decode()
    assert "[^ghost]" in page and "1 source is never cited." in page
    chapter = client.get(u(assessment, "chapter", 2)).content.decode()
    assert 'href="' + u(assessment, "sources") + '#source-gc25"' in chapter
    assert "citation-missing" in chapter
    detail = client.get(u(assessment, "detail")).content.decode()
    assert "Cites [^ghost], but there is no source with that key." in detail


def test_source_form_rejects_duplicate_keys(team):
    assessment, editor, _ = team
    Source.objects.create(assessment=assessment, key="gc25", citation="x")
    response = logged_in(editor).post(
        u(assessment, "source_new"), {"key": "gc25", "citation": "Dubbel"}
    )
    assert response.status_code == 400
    assert "Another source of this assessment has this key." in response.content.decode()
    assert Source.objects.count() == 1


# --- Completeness and status ---------------------------------------------------------------------


def test_gaps_block_final_until_fixed(team):
    assessment, _editor, owner = team
    risk = factories.risk(assessment, likelihood="high", impact="high")
    Measure.objects.create(risk=factories.risk(assessment, topic="Ander"), title="Zonder eigenaar")
    client = logged_in(owner)
    detail = client.get(u(assessment, "detail")).content.decode()
    assert f"High risk “{risk.topic}” has no measures." in detail
    assert "Measure “Zonder eigenaar” has no owner." in detail
    response = client.post(u(assessment, "status", "finalise"), {"confirmed": "1", "attest": "1"})
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT and not assessment.versions.exists()
    assert response.status_code == 400 and "gaps remain" in response.content.decode()


def test_final_locks_editing_until_an_owner_reopens(team):
    assessment, editor, owner = team
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.FINAL)
    client = logged_in(editor)
    assert client.post(u(assessment, "answer", "2.1"), {"text": "x"}).status_code == 403
    page = client.get(u(assessment, "chapter", 2)).content.decode()
    assert "<textarea" not in page and "cannot be edited" in page
    reopen = u(assessment, "status", "reopen")
    without_reason = logged_in(owner).post(reopen, {"confirmed": "1", "reason": " "})
    assert without_reason.status_code == 400 and "Give a reason" in without_reason.content.decode()
    assert logged_in(owner).post(reopen, {"confirmed": "1", "reason": "Typo"}).status_code == 302
    assert client.post(u(assessment, "answer", "2.1"), {"text": "x"}).status_code == 302


def test_published_assessments_are_listed_publicly(team, client):
    assessment, _editor, owner = team
    draft = factories.assessment(assessment.organisation, title="Geheim concept")
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.FINAL)
    logged_in(owner).post(u(assessment, "status", "publish"), {"confirmed": "1"})
    page = client.get(reverse("assessments:public")).content.decode()
    assert assessment.title in page and draft.title not in page


# --- Dashboard, creating, languages --------------------------------------------------------------


def test_dashboard_and_create_an_assessment(team):
    assessment, editor, _ = team
    client = logged_in(editor)
    page = client.get(reverse("assessments:home")).content.decode()
    assert assessment.title in page
    response = client.post(
        reverse("assessments:new"),
        {
            "organisation": assessment.organisation_id,
            "title": "KIA op Huiswerkmaatje",
            "kind": "self",
            "service_name": "Huiswerkmaatje",
            "language": "nl",
        },
    )
    created = Assessment.objects.get(title="KIA op Huiswerkmaatje")
    assert created.slug == "kia-op-huiswerkmaatje" and created.created_by == editor
    assert response["Location"] == u(created, "chapter", 1)
    page = client.get(reverse("assessments:home")).content.decode()
    assert "KIA op Huiswerkmaatje" in page and editor.username in page


def test_viewer_cannot_create_in_their_organisation(team):
    assessment, _, _ = team
    viewer = factories.member(assessment.organisation, Role.VIEWER)
    client = logged_in(viewer)
    response = client.post(
        reverse("assessments:new"),
        {
            "organisation": assessment.organisation_id,
            "title": "Nee",
            "kind": "self",
            "service_name": "x",
            "language": "nl",
        },
    )
    assert response.status_code == 302
    assert not Assessment.objects.filter(title="Nee").exists()


def test_questions_and_guidance_in_both_languages(team):
    assessment, editor, _ = team
    client = Client()
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "nl"})
    nl = client.get(u(assessment, "chapter", 2)).content.decode()
    assert "Wie is de doelgroep?" in nl and "Noem leeftijden en soorten gebruikers" in nl
    client.post(reverse("set_language"), {"language": "en"})
    en = client.get(u(assessment, "chapter", 2)).content.decode()
    assert "Who is the target group?" in en and "Name ages and kinds of users" in en


# --- Safety ---------------------------------------------------------------------------------


def test_user_text_cannot_inject_markup(team):
    assessment, editor, _ = team
    Answer.objects.create(
        assessment=assessment,
        question="2.1",
        text="<script>alert(1)</script><img src=x onerror=alert(2)> **ok**",
    )
    page = logged_in(editor).get(u(assessment, "chapter", 2)).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "<strong>ok</strong>" in page


def test_forms_need_a_csrf_token(team):
    assessment, editor, _ = team
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(u(assessment, "answer", "2.1"), {"text": "x"}).status_code == 403
    assert not Answer.objects.exists()


def test_login_is_throttled_after_repeated_failures():
    client = Client()
    client.cookies["django_language"] = "en"
    cache.clear()
    user = factories.user(username="marit")
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "marit", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "marit", "password": "pw-for-tests-123"})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    ThrottleCount.objects.all().delete()  # the throttle's window has passed
    client.post(reverse("login"), {"username": "marit", "password": "pw-for-tests-123"})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_invitation_by_email_creates_a_member(team, client, django_capture_on_commit_callbacks):
    assessment, _, owner = team
    org = assessment.organisation
    with django_capture_on_commit_callbacks(execute=True):  # sent after the commit
        logged_in(owner).post(
            reverse("assessments:members", args=[org.slug]),
            {"email": "new@example.org", "role": "reviewer"},
        )
    assert len(mail.outbox) == 1
    link = next(w for w in mail.outbox[0].body.split() if "/invitation/" in w)
    path = link[link.index("/invitation/") :]
    response = client.post(
        path,
        {"username": "nieuw", "password1": "Lang-wachtwoord-42", "password2": "Lang-wachtwoord-42"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nieuw")
    assert membership.role == Role.REVIEWER and membership.organisation == org
    assert client.get(path).status_code == 404  # used up


def test_last_owner_cannot_be_removed(team):
    assessment, _, owner = team
    org = assessment.organisation
    membership = org.memberships.get(user=owner)
    logged_in(owner).post(
        reverse("assessments:change_member", args=[org.slug, membership.pk]), {"action": "remove"}
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_reassessment_date_is_required_of_the_services_own_team_only(team):
    from assessments.domain import completeness
    from assessments.domain.workspace import Workspace

    assessment, _editor, _owner = team

    def gap_at_5_6() -> bool:
        check = completeness.check(Workspace(Assessment.objects.get(pk=assessment.pk)))
        return any(g.message == "Set the date of the next re-assessment." for g in check.gaps)

    assert gap_at_5_6()
    Assessment.objects.filter(pk=assessment.pk).update(kind="external")
    assert not gap_at_5_6()


def test_a_new_user_starts_an_organisation():
    user = factories.user(username="nieuw")
    client = logged_in(user)
    page = client.get(reverse("assessments:home")).content.decode()
    assert reverse("assessments:new_organisation") in page
    response = client.post(reverse("assessments:new_organisation"), {"name": "Stichting Leren"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER and membership.organisation.slug == "stichting-leren"
    assert client.post(reverse("assessments:new_organisation"), {"name": ""}).status_code == 400
    assert Membership.objects.filter(user=user).count() == 1


def test_error_pages_explain_what_happened(team):
    assessment, editor, _owner = team
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.FINAL)
    client = logged_in(editor)
    forbidden = client.post(u(assessment, "answer", "2.1"), {"text": "x"})
    assert forbidden.status_code == 403
    assert "This assessment is final and cannot be edited now." in forbidden.content.decode()
    missing = client.get(u(assessment, "chapter", 9))
    assert missing.status_code == 404
    assert "This page does not exist" in missing.content.decode()
    assert "Back to the start page" in missing.content.decode()


def test_a_status_change_based_on_an_outdated_status_changes_nothing(team):
    from assessments.domain import editing, lifecycle

    assessment, _editor, owner = team
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.FINAL)
    stale = Assessment.objects.get(pk=assessment.pk)  # loaded while final
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.DRAFT)  # someone reopened
    with pytest.raises(lifecycle.TransitionRefused, match="draft now"):
        lifecycle.perform(stale, "publish", actor=editing.Actor(owner), role=Role.OWNER)
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT and assessment.published_at is None
    assert not assessment.changes.exists() and not assessment.versions.exists()


def test_short_names_are_made_unique():
    from assessments.domain.models import Organisation
    from assessments.infra.slugs import free_slug, slug_from

    assert slug_from("KIA op TikTok_2025 — concept!", "kia") == "kia-op-tiktok-2025-concept"
    assert slug_from("!!!", "kia") == "kia"
    org = factories.organisation(slug="leerlicht")
    assert free_slug(Organisation, "leerlicht") == "leerlicht-2"
    factories.assessment(org, slug="kia")
    factories.assessment(org, slug="kia-2")
    assert free_slug(Assessment, "kia") == "kia-3"
