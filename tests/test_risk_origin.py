"""A risk remembers the wellbeing question (2.8–2.14) it came up at: in the report, the
exchange format and versions."""

import pytest

from assessments.domain import editing, versions
from assessments.domain.constants import VersionReason
from assessments.domain.exchange import export_assessment, import_assessment
from assessments.outputs.comparison import version_diff
from assessments.outputs.report.render import render_html
from tests import builders, factories

pytestmark = pytest.mark.django_db


def test_the_report_notes_where_a_risk_came_up():
    assessment = builders.full_assessment(language="nl")
    risk = assessment.risks.order_by("pk").first()
    risk.raised_in = "2.8"
    risk.save()
    html = render_html(assessment)
    assert '<p class="risk-origin">Naar voren gekomen bij vraag <a href="#q-2-8">2.8</a>' in html
    assert 'id="q-2-8"' in html  # the link leads somewhere
    english = builders.full_assessment(language="en")
    english.risks.update(raised_in="2.14")
    assert 'Came up at question <a href="#q-2-14">2.14</a> (diversity, equality' in (
        render_html(english)
    )


def test_the_exchange_format_carries_it_and_older_files_without_it_still_import():
    assessment = builders.rich_assessment()
    assessment.risks.filter(pk=assessment.risks.order_by("pk").first().pk).update(raised_in="2.9")
    document = export_assessment(assessment)
    assert [risk["raised_in"] for risk in document["risks"]] == ["2.9", "", "", ""]
    copy = import_assessment(document, organisation=factories.organisation())
    assert export_assessment(copy)["risks"] == document["risks"]

    for risk in document["risks"]:
        del risk["raised_in"]  # a file written before the field existed
    older = import_assessment(document, organisation=factories.organisation())
    assert set(older.risks.values_list("raised_in", flat=True)) == {""}


def test_an_unknown_question_is_refused_on_import(english):
    document = export_assessment(builders.rich_assessment())
    document["risks"][0]["raised_in"] = "2.1"
    with pytest.raises(Exception) as exc:
        import_assessment(document, organisation=factories.organisation())
    [(path, message)] = exc.value.problems
    assert path == "$.risks[0].raised_in"
    assert message.startswith("'2.1' is not one of the possible values; choose \"2.8\" (2.8 ")


def test_versions_keep_it_and_comparisons_show_it(english):
    assessment = builders.rich_assessment()
    actor = editing.SYSTEM
    version = versions.record(assessment, actor=actor, reason=VersionReason.MANUAL)
    risk = assessment.risks.order_by("pk").first()
    risk.raised_in = "2.12"
    risk.save()
    changes = version_diff.compare(versions.of(version), versions.current(assessment))
    [section] = [s for s in changes.sections if s.key == "risks"]
    [row] = section.rows
    [field] = [f for f in row.fields if f.label == "came up at question"]
    assert (field.old, field.new) == ("", "2.12 emotional regulation")
    later = versions.record(assessment, actor=actor, reason=VersionReason.MANUAL)
    rebuilt = versions.workspace(later).risks
    assert "2.12" in [r.raised_in for r in rebuilt]
