"""Export -> schema -> import -> export gives the same document; the demo files load."""

import copy
import datetime

import pytest

from assessments.domain.constants import GoalKind, Role
from assessments.domain.exchange import (
    InvalidAssessment,
    export_assessment,
    import_assessment,
    to_json,
)
from assessments.domain.exchange.schema import schema_problems
from assessments.domain.models import Contribution, ProportionalityItem
from assessments.interfaces.management.commands.kia_demo import DEMO_DIR
from tests import builders, exchange_helpers, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def without_slug(document: dict) -> dict:
    """The document without what an import does not take over: the slug (it may be taken),
    the status (an import is always a draft) and the figures (the file has no images)."""
    document = copy.deepcopy(document)
    document["assessment"].pop("slug")
    document["assessment"].pop("status")
    document.pop("figures")
    return document


def test_rich_assessment_survives_a_round_trip():
    original = builders.rich_assessment()
    before = exchange_helpers.row_counts()
    exported = export_assessment(original)
    assert schema_problems(exported) == []

    other = factories.organisation()
    importer = factories.member(other, Role.EDITOR)
    copied = import_assessment(to_json(exported), organisation=other, user=importer)

    again = export_assessment(copied)
    assert without_slug(again) == without_slug(exported)
    assert exported["assessment"]["status"] == "final"
    assert again["assessment"]["status"] == "draft"
    # Slugs are unique per organisation: another organisation's does not show as a "-2".
    assert copied.slug == "tiktok-test"
    assert copied.organisation == other
    assert copied.created_by == importer
    assert {r.updated_by for r in copied.risks.all()} == {importer}
    after = exchange_helpers.row_counts()
    for model in ("Assessment", "Answer", "Goal", "Contribution", "Risk", "Measure"):
        assert after[model] == 2 * before[model], model
    for model in ("ProportionalityItem", "Source", "ServiceResponse"):
        assert after[model] == 2 * before[model], model


def test_export_is_deterministic_and_in_instrument_order():
    assessment = builders.rich_assessment()
    first, second = export_assessment(assessment), export_assessment(assessment)
    assert to_json(first) == to_json(second)
    assert "exported_at" not in first
    # The main goal first, even though the sub-goal was created first.
    assert [(g["id"], g["kind"]) for g in first["goals"]] == [
        ("goal-1", GoalKind.MAIN),
        ("goal-2", GoalKind.SUB),
    ]
    # Risks by category in the instrument's order (3.1, 3.5, 3.6), then their order.
    assert [(r["id"], r["category"], r["topic"]) for r in first["risks"]] == [
        ("risk-1", "content", "Schadelijke content"),
        ("risk-2", "content", "Tweede content"),
        ("risk-3", "advanced_technology", "Aanbevelingsalgoritme"),
        ("risk-4", "privacy", "Profilering"),
    ]
    assert [m["risk"] for m in first["measures"]] == ["risk-1", "risk-1", "risk-4"]
    answers = ["2.1", "2.3.1", "2.3.2", "2.3.3", "3.1", "3.8", "4.1", "5.3", "5.6"]
    assert list(first["answers"]) == answers
    assert list(first["contributions"]) == ["2.8", "2.10"]  # 2.10 after 2.8 (not text order)
    assert first["proportionality"][0]["goal"] == "goal-1"
    assert first["proportionality"][1]["contribution"] == "2.10"
    assert first["proportionality"][3]["risk"] == "risk-1"


def test_exported_at_is_written_when_given():
    when = datetime.datetime(2026, 11, 22, 15, 0, tzinfo=datetime.UTC)
    document = export_assessment(factories.assessment(), exported_at=when)
    assert document["exported_at"] == "2026-11-22T15:00:00+00:00"
    assert schema_problems(document) == []


def test_import_keeps_the_documents_order_and_any_ids():
    document = export_assessment(builders.rich_assessment())
    # Ids are only local names: any unique ones will do.
    renames = {"goal-1": "main", "risk-1": "R:1", "risk-4": "privacy.profiling"}
    for row in document["goals"] + document["risks"]:
        row["id"] = renames.get(row["id"], row["id"])
    linking = ("measures", "proportionality", "library_links", "consultation_findings")
    for row in (row for key in linking for row in document[key]):
        for key in ("goal", "risk"):
            if row.get(key) in renames:
                row[key] = renames[row[key]]
    document["measures"].reverse()
    imported = import_assessment(document, organisation=factories.organisation(), slug="copy")
    again = export_assessment(imported)
    assert [m["title"] for m in again["measures"]] == [
        "=Meldknop",
        "Contentmoderatie",
        "Privacy by default",
    ]
    assert again["proportionality"][0]["goal"] == "goal-1"
    assert again["proportionality"][3]["risk"] == "risk-1"
    assert again["proportionality"][4]["risk"] == "risk-4"
    assert again["goals"][0]["title"] == "Winst maken"


def test_a_linked_but_unanswered_contribution_is_created_empty():
    document = export_assessment(builders.rich_assessment())
    del document["contributions"]["2.10"]  # the 5.3 table still points at it
    imported = import_assessment(document, organisation=factories.organisation())
    contribution = Contribution.objects.get(assessment=imported, question="2.10")
    assert (contribution.text, contribution.summary) == ("", "")
    item = ProportionalityItem.objects.get(assessment=imported, contribution__isnull=False)
    assert item.contribution == contribution


def test_a_taken_slug_gets_a_number_unless_one_was_asked_for():
    document = export_assessment(builders.rich_assessment(slug="kia"))
    org = factories.organisation()
    assert import_assessment(document, organisation=org).slug == "kia"
    assert import_assessment(document, organisation=org).slug == "kia-2"
    assert import_assessment(document, organisation=org, slug="eigen-naam").slug == "eigen-naam"
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(document, organisation=org, slug="kia-2")
    assert exc.value.problems == [("$.assessment.slug", "The short name 'kia-2' is already taken.")]


DEMO_FILES = sorted(DEMO_DIR.glob("*.json"))


@pytest.mark.parametrize("path", DEMO_FILES, ids=[p.name for p in DEMO_FILES])
def test_demo_file_imports_and_round_trips(path):
    raw = path.read_bytes()
    org = factories.organisation()
    first = import_assessment(raw, organisation=org)
    exported = export_assessment(first)
    assert schema_problems(exported) == []
    second = import_assessment(to_json(exported), organisation=org)
    assert without_slug(export_assessment(second)) == without_slug(exported)
