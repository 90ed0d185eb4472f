"""Every write path records a field-level history: who changed what, when, and through what.

One test per path (the closing note of the domain-core issue lists them): web create, web
save, web delete, reorder, the 5.3 prefill, import, lifecycle transitions, admin saves,
admin deletes, admin inlines, restoring a value and restoring a version.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.domain import editing, versions
from assessments.domain.constants import ChangeAction, Channel, GoalKind, VersionReason
from assessments.domain.exchange import export_assessment, to_json
from assessments.domain.exchange.importer import import_document
from assessments.domain.models import (
    Answer,
    Assessment,
    Change,
    Goal,
    Measure,
    ProportionalityItem,
    Risk,
    Source,
)
from assessments.domain.states import Status
from assessments.outputs.comparison import version_diff
from tests import factories
from tests.factories import logged_in, u

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def changes(assessment: Assessment, **filters) -> list[Change]:
    return list(Change.objects.filter(assessment=assessment, **filters).order_by("pk"))


def test_web_create_and_save_record_each_field_with_author(team):
    assessment, editor, _ = team
    client = logged_in(editor)
    client.post(u(assessment, "answer", "2.1"), {"text": "First text"})
    answer = Answer.objects.get(assessment=assessment, question="2.1")
    client.post(u(assessment, "answer", "2.1"), {"text": "Second text", "lock_version": 1})
    rows = changes(assessment, entity="answer", field="text")
    assert [(c.action, c.old, c.new) for c in rows] == [
        (ChangeAction.CREATE, None, "First text"),
        (ChangeAction.UPDATE, "First text", "Second text"),
    ]
    assert {c.user for c in rows} == {editor} and {c.user_name for c in rows} == {"Eva de Vries"}
    assert {c.via for c in rows} == {Channel.WEB}
    assert {c.chapter for c in rows} == {"2"} and {c.object_id for c in rows} == {answer.pk}
    # The history page shows both changes with their author, newest first.
    page = client.get(u(assessment, "history")).content.decode()
    assert "<del>First text</del> → <ins>Second text</ins>" in page and "Eva de Vries" in page
    assert page.index("<ins>Second text</ins>") < page.rindex("First text")


def test_a_new_assessment_is_recorded_as_created_by_its_author(team):
    assessment, editor, _ = team
    response = logged_in(editor).post(
        reverse("assessments:new"),
        {
            "organisation": assessment.organisation.pk,
            "title": "KIA op de leesapp",
            "kind": "self",
            "service_name": "Leesapp",
            "language": "nl",
        },
    )
    assert response.status_code == 302
    created = Assessment.objects.get(title="KIA op de leesapp")
    rows = {c.field: c for c in changes(created)}
    assert rows["title"].new == "KIA op de leesapp" and rows["title"].action == "create"
    assert {c.user for c in rows.values()} == {editor} and created.created_by == editor


def test_a_save_that_changes_nothing_records_nothing_and_only_changed_fields(team):
    assessment, editor, _ = team
    risk = factories.risk(assessment)
    client = logged_in(editor)
    data = {
        "category": risk.category,
        "topic": risk.topic,
        "description": "New description",
        "lock_version": 1,
    }
    assert client.post(u(assessment, "risk_edit", risk.pk), data).status_code == 302
    assert [c.field for c in changes(assessment)] == ["description"]
    risk.refresh_from_db()
    assert risk.lock_version == 2
    data["lock_version"] = 2
    client.post(u(assessment, "risk_edit", risk.pk), data)
    assert len(changes(assessment)) == 1


def test_delete_records_the_row_and_what_went_with_it_and_checks_the_version(team):
    assessment, editor, _ = team
    risk = factories.risk(assessment, description="Gross risk")
    measure = Measure.objects.create(risk=risk, title="Moderation", owner="Team")
    client = logged_in(editor)
    stale = client.post(u(assessment, "delete", "risk", risk.pk), {"lock_version": 7})
    assert stale.status_code == 302 and Risk.objects.filter(pk=risk.pk).exists()
    assert not changes(assessment)
    client.post(u(assessment, "delete", "risk", risk.pk), {"lock_version": 1})
    assert not Risk.objects.filter(pk=risk.pk).exists()
    deleted = {(c.entity, c.field, c.old) for c in changes(assessment, action="delete")}
    assert ("risk", "description", "Gross risk") in deleted
    assert ("measure", "title", "Moderation") in deleted
    assert all(c.new is None for c in changes(assessment, action="delete"))
    assert Change.objects.filter(entity="measure", object_id=measure.pk).exists()


def test_reorder_is_recorded(team):
    assessment, editor, _ = team
    first = factories.risk(assessment, topic="First", order=0)
    factories.risk(assessment, topic="Second", order=1)
    logged_in(editor).post(u(assessment, "move", "risk", first.pk), {"direction": "down"})
    rows = changes(assessment, field="order")
    assert {(c.object_label, c.old, c.new) for c in rows} == {("First", 0, 1), ("Second", 1, 0)}


def test_prefill_of_5_3_is_recorded(team):
    assessment, editor, _ = team
    Goal.objects.create(assessment=assessment, kind=GoalKind.MAIN, title="Learning")
    logged_in(editor).post(u(assessment, "prefill_weighing"))
    item = ProportionalityItem.objects.get(assessment=assessment)
    rows = changes(assessment, entity="proportionalityitem", object_id=item.pk)
    assert {c.field for c in rows} >= {"side", "text", "goal_id"}
    assert {c.chapter for c in rows} == {"5"} and {c.user for c in rows} == {editor}


def test_import_is_recorded_as_import_and_always_creates_a_draft(team):
    assessment, editor, _ = team
    Answer.objects.create(assessment=assessment, question="2.1", text="Imported answer")
    document = export_assessment(assessment)
    document["assessment"]["status"] = "published"
    imported = import_document(to_json(document), organisation=assessment.organisation, user=editor)
    copy = imported.assessment
    assert copy.status == Status.DRAFT and copy.finalised_at is None and copy.published_at is None
    assert any("always start as a draft" in n for n in imported.notices)
    rows = changes(copy)
    assert rows and {c.via for c in rows} == {Channel.IMPORT} and {c.user for c in rows} == {editor}
    assert ("answer", "text", "Imported answer") in {(c.entity, c.field, c.new) for c in rows}
    assert [c.new for c in changes(copy, field="status")] == ["draft"]


def test_an_editor_importing_a_published_file_gets_a_draft_through_the_page(team):
    assessment, editor, _ = team
    document = export_assessment(assessment)
    document["assessment"]["status"] = "published"
    document["assessment"]["slug"] = "from-file"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kia.json", to_json(document), "application/json")
    response = logged_in(editor).post(
        reverse("assessments:import"),
        {"organisation": assessment.organisation.pk, "file": upload},
        follow=True,
    )
    copy = Assessment.objects.get(slug="from-file")
    assert copy.status == Status.DRAFT
    assert "imports always start as a draft" in response.content.decode()
    public = Client().get(reverse("assessments:public")).content.decode()
    assert copy.title not in public or "from-file" not in public


def test_transitions_are_recorded_with_reason(team):
    assessment, editor, owner = team
    logged_in(editor).post(
        u(assessment, "status", "submit"), {"confirmed": "1", "reviewers": [owner.pk]}
    )
    logged_in(owner).post(
        u(assessment, "status", "request_changes"), {"confirmed": "1", "reason": "Add 2.4"}
    )
    rows = changes(assessment, field="transition")
    assert [(c.new["name"], c.new["reason"], c.user) for c in rows] == [
        ("submit", "", editor),
        ("request_changes", "Add 2.4", owner),
    ]
    statuses = [(c.old, c.new) for c in changes(assessment, field="status")]
    assert statuses == [("draft", "in_review"), ("in_review", "draft")]


@pytest.fixture
def admin_client(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-12345-xyz")
    client = Client()
    client.force_login(root)
    return client, root


def test_admin_saves_and_deletes_are_recorded(team, admin_client):
    assessment, _, _ = team
    client, root = admin_client
    source = Source.objects.create(assessment=assessment, key="s1", citation="Old citation")
    url = reverse("admin:assessments_source_change", args=[source.pk])
    data = {
        "assessment": assessment.pk,
        "key": "s1",
        "citation": "New citation",
        "url": "",
        "accessed_on": "",
        "note": "",
    }
    assert client.post(url, data).status_code == 302
    row = Change.objects.get(entity="source", field="citation")
    assert (row.old, row.new, row.via, row.user) == (
        "Old citation",
        "New citation",
        Channel.ADMIN,
        root,
    )
    client.post(reverse("admin:assessments_source_delete", args=[source.pk]), {"post": "yes"})
    assert not Source.objects.filter(pk=source.pk).exists()
    assert Change.objects.filter(entity="source", action="delete", via=Channel.ADMIN).exists()


def test_the_admin_cannot_change_the_status(team, admin_client):
    assessment, _, _ = team
    client, _ = admin_client
    page = client.get(reverse("admin:assessments_assessment_change", args=[assessment.pk]))
    assert 'name="status"' not in page.content.decode()


def test_restoring_an_earlier_value_is_a_recorded_version_checked_save(team):
    assessment, editor, _ = team
    client = logged_in(editor)
    client.post(u(assessment, "answer", "2.1"), {"text": "Good text"})
    client.post(u(assessment, "answer", "2.1"), {"text": "Bad text", "lock_version": 1})
    bad = Change.objects.get(field="text", new="Bad text")
    stale = client.post(u(assessment, "history_restore", bad.pk), {"lock_version": 1})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Bad text" in body and "Good text" in body
    assert Answer.objects.get(assessment=assessment).text == "Bad text"
    client.post(u(assessment, "history_restore", bad.pk), {"lock_version": 2})
    assert Answer.objects.get(assessment=assessment).text == "Good text"
    last = changes(assessment, field="text")[-1]
    assert (last.old, last.new, last.user) == ("Bad text", "Good text", editor)


def test_a_version_can_be_recorded_compared_and_restored(team):
    assessment, editor, _ = team
    risk = factories.risk(assessment, topic="Grooming", likelihood="low", impact="low")
    Answer.objects.create(assessment=assessment, question="2.1", text="An app for pupils.")
    client = logged_in(editor)
    client.post(u(assessment, "version_record"), {"name": "Before the workshop"})
    version = assessment.versions.get()
    assert version.number == 1 and version.reason == VersionReason.MANUAL
    # Change a risk's score, add a risk, change the answer.
    data = {"category": risk.category, "topic": "Grooming", "lock_version": 1}
    data.update(likelihood="high", impact="high")
    client.post(u(assessment, "risk_edit", risk.pk), data)
    factories.risk(assessment, topic="Addictive design")
    client.post(u(assessment, "answer", "2.1"), {"text": "An app for teachers.", "lock_version": 1})

    page = client.get(u(assessment, "version_compare") + "?old=1&new=current")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Grooming" in body and "1 (low)" in body and "9 (high)" in body
    assert "Addictive design" in body and "added" in body
    assert "<del>An app for pupils.</del> → <ins>An app for teachers.</ins>" in body

    client.post(u(assessment, "version_restore", 1), {"confirmed": "1"})
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact) == ("low", "low")
    assert not Risk.objects.filter(assessment=assessment, topic="Addictive design").exists()
    assert Answer.objects.get(assessment=assessment).text == "An app for pupils."
    after = version_diff.compare(versions.of(version), versions.current(assessment))
    assert not after.has_changes, [(s.key, s.rows) for s in after.sections if s.rows]
    restored = changes(assessment, field="likelihood")[-1]
    assert (restored.old, restored.new, restored.user) == ("high", "low", editor)


def test_comparing_versions_of_another_assessment_is_refused(team):
    assessment, editor, _ = team
    versions.record(assessment, actor=editing.Actor(editor), reason=VersionReason.MANUAL)
    other = factories.assessment()  # another organisation
    versions.record(other, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    client = logged_in(editor)
    assert client.get(u(other, "version_compare") + "?old=1&new=current").status_code == 404
    assert client.get(u(other, "version_detail", 1)).status_code == 404
    assert client.get(u(assessment, "version_detail", 2)).status_code == 404
