"""Review (issue 9): comment threads, review rounds with verdicts, and the sign-off."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from assessments.domain import comments, editing, events, lifecycle, review
from assessments.domain.constants import AssessmentKind, EventKind, Role, RoundOutcome
from assessments.domain.exchange import export_assessment
from assessments.domain.models import Assessment, Change, Comment, SignOff, Verdict
from assessments.domain.states import Status
from assessments.domain.versions import workspace
from assessments.outputs.report.data import build_report
from tests import factories
from tests.factories import logged_in, u

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def told():
    """The events emitted during the test, as (kind, recipient usernames, details)."""
    seen: list[events.Event] = []

    def receiver(sender, event, **kwargs):
        seen.append(event)

    events.happened.connect(receiver)
    yield seen
    events.happened.disconnect(receiver)


def names(event: events.Event) -> set[str]:
    return {user.get_username() for user in event.recipients}


@pytest.fixture
def crew(team):
    """The team with a reviewer and a viewer; the assessment is complete enough to finalise
    (the pre-scan says no KIA is needed and says why)."""
    assessment, editor, owner = team
    org = assessment.organisation
    reviewer = factories.member(org, Role.REVIEWER, username="rita")
    viewer = factories.member(org, Role.VIEWER, username="victor")
    Assessment.objects.filter(pk=assessment.pk).update(
        prescan_offers_service="no", prescan_note="Geen dienst voor kinderen."
    )
    assessment.refresh_from_db()
    return assessment, editor, owner, reviewer, viewer


def submit(assessment, editor, reviewers):
    return lifecycle.perform(
        assessment,
        "submit",
        actor=editing.Actor(editor),
        role=Role.EDITOR,
        reviewers=reviewers,
    )


# --- Review rounds --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["nobody", "self", "viewer", "outsider"])
def test_submitting_needs_a_reviewer_of_the_organisation_and_writes_nothing_otherwise(crew, who):
    assessment, editor, _owner, _reviewer, viewer = crew
    chosen = {
        "nobody": [],
        "self": [editor],
        "viewer": [viewer],
        "outsider": [factories.member(factories.organisation(), Role.OWNER)],
    }[who]
    with pytest.raises(lifecycle.TransitionRefused):
        submit(assessment, editor, chosen)
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT
    assert not assessment.review_rounds.exists() and not assessment.versions.exists()
    assert not Change.objects.filter(assessment=assessment, field="status").exists()


def test_submitting_opens_a_round_on_a_recorded_version_and_tells_the_reviewers(crew, told):
    assessment, editor, owner, reviewer, _viewer = crew
    submit(assessment, editor, [reviewer, owner])
    found = review.open_round(assessment)
    assert found.number == 1 and found.submitted_by == editor
    assert set(found.reviewers.all()) == {reviewer, owner}
    assert found.version.reason == "submitted" and found.version.status == Status.IN_REVIEW
    [event] = [e for e in told if e.kind == EventKind.REVIEW_REQUESTED]
    assert names(event) == {"rita", owner.username} and event.path == u(assessment, "review")


def test_verdicts_need_a_reason_unless_agreed_and_only_the_rounds_reviewers_give_them(crew, told):
    assessment, editor, owner, reviewer, _viewer = crew
    submit(assessment, editor, [reviewer])
    with pytest.raises(review.ReviewRefused) as refused:
        review.give_verdicts(
            assessment, user=reviewer, verdicts={1: ("approve", ""), 3: ("correct", " ")}
        )
    assert refused.value.errors == {"reason_3": "Give a reason for this verdict."}
    assert not Verdict.objects.exists()  # nothing half-saved
    with pytest.raises(review.ReviewRefused):
        review.give_verdicts(assessment, user=owner, verdicts={1: ("approve", "")})
    review.give_verdicts(
        assessment, user=reviewer, verdicts={1: ("approve", ""), 3: ("improve", "Kans?")}
    )
    assert {(v.chapter, v.verdict, v.reason) for v in Verdict.objects.all()} == {
        (1, "approve", ""),
        (3, "improve", "Kans?"),
    }
    [event] = [e for e in told if e.kind == EventKind.VERDICT_GIVEN]
    assert names(event) == {editor.username, owner.username}


def test_request_changes_closes_the_round_and_lists_the_open_points_for_the_team(crew, told):
    assessment, editor, owner, reviewer, _viewer = crew
    risk = factories.risk(assessment, topic="Pesten")
    submit(assessment, editor, [reviewer])
    review.give_verdicts(
        assessment, user=reviewer, verdicts={1: ("approve", ""), 3: ("correct", "Te laag.")}
    )
    about = comments.target(assessment, "risk", str(risk.pk))
    comments.start_thread(assessment, about, user=reviewer, role=Role.REVIEWER, text="Kans?")
    lifecycle.perform(
        assessment,
        "request_changes",
        actor=editing.Actor(owner),
        role=Role.OWNER,
        reason="Zie de punten.",
    )
    found = review.latest_round(assessment)
    assert found.outcome == RoundOutcome.CHANGES_REQUESTED and found.closed_by == owner
    points = review.open_points(assessment)
    assert [v.reason for v in points.verdicts] == ["Te laag."]
    assert [t.root.text for t in points.threads] == ["Kans?"]
    [event] = [e for e in told if e.kind == EventKind.CHANGES_REQUESTED]
    assert editor in event.recipients and event.details["reason"] == "Zie de punten."
    page = logged_in(editor).get(u(assessment, "detail")).content.decode()
    assert "Open points from the review" in page and "Te laag." in page and "Kans?" in page


def test_finalising_needs_the_attestation_and_records_the_sign_off(crew):
    assessment, editor, owner, reviewer, _viewer = crew
    submit(assessment, editor, [reviewer])
    with pytest.raises(lifecycle.TransitionRefused, match="attestation"):
        lifecycle.perform(assessment, "finalise", actor=editing.Actor(owner), role=Role.OWNER)
    assert assessment.status == Status.IN_REVIEW and not SignOff.objects.exists()
    with translation.override("nl"):
        lifecycle.perform(
            assessment, "finalise", actor=editing.Actor(owner), role=Role.OWNER, attested=True
        )
    sign_off = SignOff.objects.get()
    assert sign_off.user == owner and sign_off.role == Role.OWNER
    assert sign_off.version.reason == "finalised" and sign_off.version.status == Status.FINAL
    assert sign_off.attestation.startswith("Ik verklaar")  # the Dutch standard text
    assert review.latest_round(assessment).outcome == RoundOutcome.FINALISED


def test_the_attestation_is_the_organisations_own_text_when_it_has_one(crew):
    assessment, _editor, owner, _reviewer, _viewer = crew
    org = assessment.organisation
    assert org.attestation_text().startswith("I declare")  # English interface
    response = logged_in(owner).post(
        f"/organisation/{org.slug}/attestation/", {"attestation": "Wij staan ervoor in."}
    )
    assert response.status_code == 302
    page = logged_in(owner).get(u(assessment, "status", "finalise")).content.decode()
    assert "Wij staan ervoor in." in page and 'name="attest"' in page
    logged_in(owner).post(u(assessment, "status", "finalise"), {"confirmed": "1", "attest": "1"})
    assert SignOff.objects.get().attestation == "Wij staan ervoor in."


def test_the_report_colophon_says_who_signed_off_and_for_external_assessments_for_whom(crew):
    assessment, editor, owner, reviewer, _viewer = crew
    Assessment.objects.filter(pk=assessment.pk).update(
        kind=AssessmentKind.EXTERNAL,
        assessor="Onderzoeksbureau",
        commissioner="Ministerie",
        language="en",
    )
    assessment.refresh_from_db()
    draft = {row.label: row.value for row in build_report(assessment).colophon}
    assert draft["Signed off by"] == "not signed off" and draft["Status"] == "Draft"
    submit(assessment, editor, [reviewer])
    lifecycle.perform(
        assessment, "finalise", actor=editing.Actor(owner), role=Role.OWNER, attested=True
    )
    version = assessment.versions.get(reason="finalised")
    report = build_report(assessment, workspace(version))
    rows = {row.label: row.value for row in report.colophon}
    assert rows["Status"] == "Final" and rows["Version"].startswith("version 2")
    assert rows["Signed off by"].startswith(f"{owner.username} (owner), ")
    assert rows["Assessor"] == "Onderzoeksbureau" and rows["Commissioned by"] == "Ministerie"
    assert report.attestation.startswith("I declare")


def test_the_review_page_shows_every_round_and_the_reviewer_gives_verdicts_there(crew):
    assessment, editor, owner, reviewer, _viewer = crew
    submit(assessment, editor, [reviewer])
    client = logged_in(reviewer)
    refused = client.post(u(assessment, "verdicts"), {"verdict_2": "improve", "reason_2": ""})
    assert refused.status_code == 400
    assert "Give a reason for this verdict." in refused.content.decode()
    client.post(u(assessment, "verdicts"), {"verdict_2": "improve", "reason_2": "Doelen?"})
    page = logged_in(owner).get(u(assessment, "review")).content.decode()
    assert "Round 1 (open)" in page and "Doelen?" in page and "To be improved" in page
    assert "version 1" in page
    about = comments.target(assessment, "question", "2.2")
    comments.start_thread(
        assessment, about, user=reviewer, role=Role.REVIEWER, text="**Vet** & <b>ruw</b>"
    )
    page = logged_in(owner).get(u(assessment, "review")).content.decode()
    assert "Vet &amp; &lt;b&gt;ruw&lt;/b&gt;" in page  # one line of plain text, escaped once


# --- Comments -----------------------------------------------------------------------------------


def test_a_mention_tells_members_only_and_comments_are_not_content(crew, told):
    assessment, editor, _owner, reviewer, _viewer = crew
    factories.user(username="stranger")
    risk = factories.risk(assessment)
    before = export_assessment(assessment)
    about = comments.target(assessment, "risk", str(risk.pk))
    text = f"@{editor.username} en @stranger: klopt de kans?"
    comment = comments.start_thread(assessment, about, user=reviewer, role=Role.REVIEWER, text=text)
    [event] = [e for e in told if e.kind == EventKind.MENTION]
    assert names(event) == {editor.username}
    assert event.path.endswith(f"/comments/risk/{risk.pk}/#comment-{comment.pk}")
    assert not Change.objects.filter(assessment=assessment).exclude(entity="risk").exists()
    after = export_assessment(assessment)
    before.pop("exported_at", None), after.pop("exported_at", None)
    assert before == after


def test_comments_never_reach_the_report(crew):
    from assessments.outputs.report.render import render_html

    assessment, _editor, _owner, reviewer, _viewer = crew
    about = comments.target(assessment, "question", "1.1")
    comments.start_thread(assessment, about, user=reviewer, role=Role.REVIEWER, text="Geheim-42")
    assert "Geheim-42" not in render_html(assessment)


def test_only_the_author_edits_and_only_while_open_owners_delete(crew):
    assessment, editor, owner, reviewer, viewer = crew
    about = comments.target(assessment, "question", "2.1")
    thread = comments.start_thread(
        assessment, about, user=reviewer, role=Role.REVIEWER, text="Eerste"
    )
    with pytest.raises(comments.CommentRefused):
        comments.edit(thread, user=editor, text="Overschreven")
    with pytest.raises(comments.CommentRefused):
        comments.start_thread(assessment, about, user=viewer, role=Role.VIEWER, text="x")
    comments.edit(thread, user=reviewer, text="Eerste, verbeterd")
    comments.resolve(thread, user=editor, role=Role.EDITOR)
    with pytest.raises(comments.CommentRefused):
        comments.edit(thread, user=reviewer, text="Na oplossen")
    with pytest.raises(comments.CommentRefused):
        comments.delete(thread, user=reviewer, role=Role.REVIEWER)
    comments.reopen(thread, user=editor, role=Role.EDITOR)
    assert comments.open_counts(assessment) == {2: 1}
    comments.delete(thread, user=owner, role=Role.OWNER)
    assert not Comment.objects.exists()


def test_posting_inline_with_htmx_returns_the_panel_and_without_js_goes_back(crew):
    assessment, _editor, _owner, reviewer, _viewer = crew
    risk = factories.risk(assessment, topic="Pesten")
    client = logged_in(reviewer)
    target = u(assessment, "comments", "risk", risk.pk)
    panel = client.post(target, {"text": "**Kans?**"}, headers={"HX-Request": "true"})
    body = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in body
    assert f'id="comments-risk-{risk.pk}"' in body and "<strong>Kans?</strong>" in body
    back = u(assessment, "chapter", 3) + f"#comments-risk-{risk.pk}"
    plain = client.post(target, {"text": "Nog een", "next": back})
    assert plain.status_code == 302 and plain["Location"] == back
    empty = client.post(target, {"text": "  "})
    assert empty.status_code == 400 and "Write a comment first." in empty.content.decode()
    chapter = client.get(u(assessment, "chapter", 3)).content.decode()
    assert "2 open" in chapter  # on the risk, and on the chapter's tab as a count
    assert Comment.objects.filter(parent__isnull=True, chapter=3).count() == 2


def test_threads_are_read_only_for_viewers_and_after_final(crew):
    assessment, _editor, _owner, reviewer, viewer = crew
    about = comments.target(assessment, "question", "1.1")
    comments.start_thread(assessment, about, user=reviewer, role=Role.REVIEWER, text="Zeker?")
    page = logged_in(viewer).get(u(assessment, "chapter", 1)).content.decode()
    assert "Zeker?" in page and "Post comment" not in page
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.FINAL)
    page = logged_in(reviewer).get(u(assessment, "chapter", 1)).content.decode()
    assert "Zeker?" in page and "Post comment" not in page


# --- The demo -----------------------------------------------------------------------------------


def test_the_demo_loader_signs_off_the_demo_it_finalises(renders):
    out = io.StringIO()
    call_command("kia_demo", stdout=out, stderr=io.StringIO())
    tiktok = Assessment.objects.get(slug="tiktok-2025")
    assert tiktok.status == Status.PUBLISHED
    sign_off = SignOff.objects.get(assessment=tiktok)
    assert sign_off.role == Role.OWNER and sign_off.version.reason == "finalised"
