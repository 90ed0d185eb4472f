"""A reply to a published report (issue 22, item 2): an owner adds the service's response
and the reply to a published (or final) assessment without taking it offline; each addition
is a new version in the same state, the earlier published versions stay readable, and the
service's contact is told."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.domain import editing, lifecycle, versions
from assessments.domain.constants import Role, VersionReason
from assessments.domain.editing import EditRefused
from assessments.domain.models import Assessment, ServiceResponse, Version
from assessments.domain.rowkinds import BY_KEY
from assessments.domain.states import Status
from tests import factories
from tests.test_replies import Invited, invited, send  # noqa: F401 -- the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "english")]

REPLY = {"reply": "We thank the service.", "reply_author": "The assessor", "replied_on": ""}


def settle(assessment: Assessment, status: Status = Status.PUBLISHED) -> Version:
    now = timezone.now()
    values = {"status": status, "finalised_at": now}
    if status == Status.PUBLISHED:
        values["published_at"] = now
    Assessment.objects.filter(pk=assessment.pk).update(**values)
    assessment.refresh_from_db()
    reason = VersionReason.PUBLISHED if status == Status.PUBLISHED else VersionReason.FINALISED
    return versions.record(assessment, actor=editing.SYSTEM, reason=reason)


@pytest.fixture
def responded(invited: Invited) -> Invited:  # noqa: F811 -- the fixture imported above
    """The service responded through its link; then the assessment was published."""
    send(Client(), invited)
    settle(invited.assessment)
    return invited


def public(assessment: Assessment, name: str = "public_detail", *args) -> str:
    return reverse(
        f"assessments:{name}", args=[assessment.organisation.slug, assessment.slug, *args]
    )


# --- The domain operation -----------------------------------------------------------------------


def test_a_reply_to_a_published_report_is_a_new_published_version(
    responded, mailoutbox, django_capture_on_commit_callbacks
):
    assessment, owner = responded.assessment, responded.owner
    row = ServiceResponse.objects.get(assessment=assessment)
    before = versions.latest(assessment)
    settled: list[Version] = []

    def listen(sender, version, **kwargs):
        settled.append(version)

    lifecycle.version_settled.connect(listen)
    try:
        row.reply = "We thank the service."
        with django_capture_on_commit_callbacks(execute=True):
            version = lifecycle.add_to_appendix(
                assessment,
                row,
                actor=editing.Actor(owner),
                role=Role.OWNER,
                expected=row.lock_version,
                link_for=lambda v: f"http://testserver/public/v{v.number}/",
            )
    finally:
        lifecycle.version_settled.disconnect(listen)
    assessment.refresh_from_db()
    assert assessment.status == Status.PUBLISHED and assessment.published_at is not None
    assert version is not None and version.number == before.number + 1
    assert (version.reason, version.status) == (VersionReason.APPENDIX, Status.PUBLISHED)
    assert version.document["responses"][0]["reply"] == "We thank the service."
    # The earlier published version is kept as it was, and the PDF of the new one is made.
    before.refresh_from_db()
    assert before.document["responses"][0]["reply"] == ""
    assert settled == [version]
    # The service's contact is told, with the link to the new public version.
    [mail] = [m for m in mailoutbox if m.to == ["jan@tiktok.example"]][-1:]
    assert f"http://testserver/public/v{version.number}/" in mail.body
    assert str(version.number) in mail.subject


def test_only_owners_add_to_the_appendix_and_only_of_a_settled_assessment(responded):
    assessment, editor, owner = responded.assessment, responded.editor, responded.owner
    row = ServiceResponse.objects.get(assessment=assessment)
    row.reply = "Mine."
    count = Version.objects.filter(assessment=assessment).count()
    with pytest.raises(EditRefused):
        lifecycle.add_to_appendix(
            assessment, row, actor=editing.Actor(editor), role=Role.EDITOR, expected=1
        )
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.IN_REVIEW)
    assessment.refresh_from_db()
    with pytest.raises(EditRefused):
        lifecycle.add_to_appendix(
            assessment, row, actor=editing.Actor(owner), role=Role.OWNER, expected=1
        )
    assert Version.objects.filter(assessment=assessment).count() == count
    assert ServiceResponse.objects.get(pk=row.pk).reply == ""


def test_a_recorded_response_keeps_its_text_and_nothing_changed_records_nothing(responded):
    assessment, owner = responded.assessment, responded.owner
    row = ServiceResponse.objects.get(assessment=assessment)
    count = Version.objects.filter(assessment=assessment).count()
    unchanged = lifecycle.add_to_appendix(
        assessment, row, actor=editing.Actor(owner), role=Role.OWNER, expected=row.lock_version
    )
    assert unchanged is None
    row.refresh_from_db()
    row.text = "Rewritten."
    with pytest.raises(EditRefused):
        lifecycle.add_to_appendix(
            assessment, row, actor=editing.Actor(owner), role=Role.OWNER, expected=row.lock_version
        )
    assert Version.objects.filter(assessment=assessment).count() == count


def test_a_final_assessment_gets_a_new_final_version_with_a_new_response(team):
    assessment, _editor, owner = team
    first = settle(assessment, Status.FINAL)
    row = BY_KEY["response"].new(
        assessment, author="The provider", text="Our letter.", version_number=first.number
    )
    version = lifecycle.add_to_appendix(
        assessment, row, actor=editing.Actor(owner), role=Role.OWNER, expected=None
    )
    assert version is not None and (version.number, version.status) == (2, Status.FINAL)
    assert [r["text"] for r in version.document["responses"]] == ["Our letter."]


# --- The pages --------------------------------------------------------------------------------


def test_the_owner_writes_the_reply_on_a_published_report_through_the_appendix(responded):
    assessment, owner = responded.assessment, responded.owner
    row = ServiceResponse.objects.get(assessment=assessment)
    client = factories.logged_in(owner)
    appendix = client.get(factories.u(assessment, "appendix")).content.decode()
    reply_url = factories.u(assessment, "appendix_reply", row.pk)
    assert reply_url in appendix and "reopen it first" not in appendix
    assert factories.u(assessment, "appendix_add") in appendix
    form = client.get(reply_url)
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="reply"' in page and 'name="text"' not in page and "version 3" in page
    saved = client.post(reply_url, {**REPLY, "lock_version": row.lock_version}, follow=True)
    assert saved.redirect_chain[-1][0] == factories.u(assessment, "appendix")
    assert "recorded as version 3" in saved.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Status.PUBLISHED
    assert versions.latest(assessment).reason == VersionReason.APPENDIX
    # The browser's CR LF is stored as LF.
    client.post(
        reply_url,
        {**REPLY, "reply": "Line one\r\nLine two", "lock_version": row.lock_version + 1},
    )
    assert ServiceResponse.objects.get(pk=row.pk).reply == "Line one\nLine two"


def test_the_owner_adds_a_response_received_by_letter(responded):
    assessment, owner = responded.assessment, responded.owner
    client = factories.logged_in(owner)
    response = client.post(
        factories.u(assessment, "appendix_add"),
        {
            "author": "Ministry",
            "received_on": "2026-01-02",
            "version_number": 2,
            "text": "A letter.",
            **REPLY,
        },
    )
    assert response.status_code == 302
    assert ServiceResponse.objects.filter(assessment=assessment, text="A letter.").exists()
    assert versions.latest(assessment).number == 3


def test_editors_and_viewers_cannot_add_to_a_published_appendix(responded):
    assessment, editor = responded.assessment, responded.editor
    row = ServiceResponse.objects.get(assessment=assessment)
    viewer = factories.member(assessment.organisation, Role.VIEWER)
    for user in (editor, viewer):
        client = factories.logged_in(user)
        url = factories.u(assessment, "appendix_reply", row.pk)
        assert client.get(url).status_code == 403
        assert client.post(url, {**REPLY, "lock_version": row.lock_version}).status_code == 403
        page = client.get(factories.u(assessment, "appendix")).content.decode()
        assert factories.u(assessment, "appendix_reply", row.pk) not in page
    assert ServiceResponse.objects.get(pk=row.pk).reply == ""
    assert versions.latest(assessment).reason == VersionReason.PUBLISHED
    editor_page = factories.logged_in(editor).get(factories.u(assessment, "appendix"))
    assert "An owner can write the reply here" in editor_page.content.decode()


def test_a_draft_appendix_goes_to_the_usual_form(team):
    assessment, _editor, owner = team
    response = factories.logged_in(owner).get(factories.u(assessment, "appendix_add"))
    assert response.status_code == 302
    assert response["Location"] == factories.u(assessment, "response_new")


def test_the_403_page_does_not_tell_an_owner_to_ask_an_owner(responded):
    assessment, owner = responded.assessment, responded.owner
    refused = factories.logged_in(owner).get(factories.u(assessment, "response_new"))
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Ask an owner" not in page and "appendix" in page
    viewer = factories.member(assessment.organisation, Role.VIEWER)
    other = factories.logged_in(viewer).get(factories.u(assessment, "appendix_add"))
    assert other.status_code == 403 and "Ask an owner" in other.content.decode()


def test_the_public_page_shows_the_new_version_and_the_earlier_one_stays(responded):
    assessment, owner = responded.assessment, responded.owner
    row = ServiceResponse.objects.get(assessment=assessment)
    factories.logged_in(owner).post(
        factories.u(assessment, "appendix_reply", row.pk),
        {**REPLY, "lock_version": row.lock_version},
    )
    anonymous = Client()
    page = anonymous.get(public(assessment)).content.decode()
    assert "Bijlage toegevoegd" in page and "Gepubliceerde versies" in page
    earlier_url = public(assessment, "public_version", 2)
    assert earlier_url in page
    report = anonymous.get(public(assessment, "public_report_html")).content.decode()
    assert "We thank the service." in report
    earlier = anonymous.get(earlier_url)
    assert earlier.status_code == 200
    assert "een eerdere gepubliceerde versie" in earlier.content.decode()
    old_report = anonymous.get(public(assessment, "public_version_html", 2)).content.decode()
    assert "We thank the service." not in old_report and "niet eens" in old_report
    assert anonymous.get(public(assessment, "public_version_json", 2)).status_code == 200
    # Version 1 was a draft's: never public.
    assert anonymous.get(public(assessment, "public_version", 1)).status_code == 404
    assert anonymous.get(public(assessment, "public_version_html", 1)).status_code == 404
