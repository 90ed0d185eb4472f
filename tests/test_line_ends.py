"""Text is stored with LF line ends, however it comes in (browser CR LF, a JSON document,
the API), existing rows are carried over, and versions are compared on that form."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.domain import editing, versions
from assessments.domain.constants import VersionReason
from assessments.domain.exchange import export_assessment, to_json
from assessments.domain.exchange.importer import import_document
from assessments.domain.models import Answer, Assessment, Change, Risk
from assessments.outputs.comparison import version_diff
from tests import factories
from tests.factories import logged_in, u

IMPORTED = "First line.\nSecond line.\nThird line."


@pytest.mark.django_db
def test_a_web_edit_of_an_imported_answer_records_only_the_line_it_changed(team):
    assessment, editor, _owner = team
    document = export_assessment(assessment)
    document["answers"]["2.1"] = IMPORTED
    document["assessment"]["slug"] = "imported"
    copy = import_document(
        to_json(document), organisation=assessment.organisation, user=editor
    ).assessment
    answer = Answer.objects.get(assessment=copy, question="2.1")
    client = logged_in(editor)
    # The browser sends the unchanged text back with CR LF: no change at all.
    same = IMPORTED.replace("\n", "\r\n")
    client.post(u(copy, "answer", "2.1"), {"text": same, "lock_version": answer.lock_version})
    assert not Change.objects.filter(assessment=copy, entity="answer", action="update").exists()
    answer.refresh_from_db()
    assert answer.text == IMPORTED
    # One line changed: the history holds LF text on both sides, differing in that line.
    edited = "First line.\r\nSecond line, changed.\r\nThird line."
    client.post(u(copy, "answer", "2.1"), {"text": edited, "lock_version": answer.lock_version})
    change = Change.objects.get(assessment=copy, entity="answer", action="update")
    assert change.old == IMPORTED
    assert change.new == "First line.\nSecond line, changed.\nThird line."
    old_lines, new_lines = change.old.splitlines(), change.new.splitlines()
    assert [a == b for a, b in zip(old_lines, new_lines, strict=True)] == [True, False, True]


@pytest.mark.django_db
def test_the_api_and_the_write_path_store_lf(team):
    from tests.test_api import bearer, where

    assessment, editor, _owner = team
    put = bearer(editor).put(
        f"{where(assessment)}/answers/2.1",
        {"text": "One\r\nTwo\rThree"},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert Answer.objects.get(assessment=assessment, question="2.1").text == "One\nTwo\nThree"
    risk = factories.risk(assessment)
    risk.description = "a\r\nb"
    editing.save(
        risk, actor=editing.Actor(editor), expected=risk.lock_version, assessment=assessment
    )
    assert Risk.objects.get(pk=risk.pk).description == "a\nb"


@pytest.mark.django_db
def test_version_comparison_lists_fields_that_differ_only_in_line_ends_as_unchanged(team):
    assessment, _editor, _owner = team
    # Stored with CR LF before text was normalised, and recorded so in version 1.
    answer = Answer.objects.create(assessment=assessment, question="2.1", text="A\r\nB\r\nC")
    Assessment.objects.filter(pk=assessment.pk).update(reading_guide="Read\r\nthis")
    assessment.refresh_from_db()
    old = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    assert "\r\n" in old.document["answers"]["2.1"]
    Answer.objects.filter(pk=answer.pk).update(text="A\nB\nC")
    Assessment.objects.filter(pk=assessment.pk).update(reading_guide="Read\nthis")
    assessment.refresh_from_db()
    comparison = version_diff.compare(versions.of(old), versions.current(assessment))
    assert not comparison.has_changes
    answers = next(s for s in comparison.sections if s.key == "answers")
    assert answers.unchanged == 1


MIGRATION_BEFORE = [("assessments", "0021_library")]
MIGRATION_AFTER = [("assessments", "0022_line_ends")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_crlf_and_cr_in_every_content_model():
    old = _migrate(MIGRATION_BEFORE)
    try:
        Organisation = old.get_model("assessments", "Organisation")
        OldAssessment = old.get_model("assessments", "Assessment")
        OldAnswer = old.get_model("assessments", "Answer")
        OldRisk = old.get_model("assessments", "Risk")
        OldSource = old.get_model("assessments", "Source")
        org = Organisation.objects.create(name="Org", slug="org")
        a = OldAssessment.objects.create(
            organisation=org,
            title="T",
            slug="t",
            service_name="App",
            reading_guide="One\r\nTwo",
            risk_matrix={},
        )
        OldAnswer.objects.create(assessment=a, question="2.1", text="x\r\ny\rz\n")
        OldRisk.objects.create(assessment=a, category="content", topic="R", description="p\rq")
        OldSource.objects.create(assessment=a, key="s", citation="c\r\nd")
        # Read through the models as they stand after the migration: today's models may
        # have columns a later migration adds.
        after = _migrate(MIGRATION_AFTER)
        assessment = after.get_model("assessments", "Assessment").objects.get(slug="t")
        assert assessment.reading_guide == "One\nTwo"
        found = {name: after.get_model("assessments", name).objects.get(assessment=assessment)
                 for name in ("Answer", "Risk", "Source")}  # fmt: skip
        assert found["Answer"].text == "x\ny\nz\n"
        assert found["Risk"].description == "p\nq"
        assert found["Source"].citation == "c\nd"
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
