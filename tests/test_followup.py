"""Follow-up of measures: new statuses, an owner who is a member, overdue everywhere, the
organisation's action plan with its exports."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.domain.constants import MeasureStatus, Role
from assessments.domain.exchange import (
    InvalidAssessment,
    export_assessment,
    import_assessment,
    to_json,
)
from assessments.domain.models import Change, Measure
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PAST = datetime.date(2020, 1, 1)
FUTURE = datetime.date(2099, 1, 1)


def _measure_data(**overrides) -> dict:
    data = {"title": "Leeftijdscheck", "status": "planned", "lock_version": ""}
    data.update(overrides)
    return data


# --- The measure form -----------------------------------------------------------------------


def test_a_dropped_measure_needs_a_reason_at_the_field(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    client = factories.logged_in(editor)
    url = reverse("assessments:measure_new", args=[assessment.slug, risk.pk])
    response = client.post(url, _measure_data(status="dropped"))
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'aria-describedby="[^"]*id_status_reason_error"', page)
    assert page.count("Give a reason why the measure is dropped.") == 1
    assert not Measure.objects.exists()
    response = client.post(url, _measure_data(status="dropped", status_reason="Dubbel"))
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.status, measure.status_reason) == ("dropped", "Dubbel")
    assert Change.objects.filter(entity="measure", field="status_reason").exists()


def test_the_owner_is_a_member_of_the_organisation_or_a_name(team):
    assessment, editor, _owner = team
    stranger = factories.member(factories.organisation(), Role.OWNER)
    risk = factories.risk(assessment)
    client = factories.logged_in(editor)
    url = reverse("assessments:measure_new", args=[assessment.slug, risk.pk])
    form = client.get(url).content.decode()
    assert "Eva de Vries" in form and stranger.username not in form
    response = client.post(url, _measure_data(owner_user=stranger.pk))
    assert response.status_code == 400 and not Measure.objects.exists()
    response = client.post(url, _measure_data(owner_user=editor.pk, owner="Team"))
    assert response.status_code == 400
    assert "Choose a member or type a name, not both." in response.content.decode()
    assert client.post(url, _measure_data(owner_user=editor.pk)).status_code == 302
    measure = Measure.objects.get()
    assert measure.owner_user == editor and measure.owner_name == "Eva de Vries"
    chapter = client.get(reverse("assessments:chapter", args=[assessment.slug, 4]))
    assert "Eva de Vries" in chapter.content.decode()
    report = client.get(reverse("assessments:report_html", args=[assessment.slug]))
    assert "Eva de Vries" in report.content.decode()
    karel = factories.member(assessment.organisation, Role.VIEWER, first_name="Karel")
    edit = reverse("assessments:measure_edit", args=[assessment.slug, risk.pk, measure.pk])
    data = _measure_data(owner_user=karel.pk, lock_version=measure.lock_version)
    assert client.post(edit, data).status_code == 302
    history = client.get(reverse("assessments:history", args=[assessment.slug]))
    assert "Karel" in history.content.decode()  # the member's name, not their id
    # Exported by name: the document names no accounts.
    exported = export_assessment(assessment)["measures"][0]
    assert exported["owner"] == "Karel" and "owner_user" not in exported


def test_planned_and_in_progress_measures_past_their_date_are_overdue_everywhere(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    for status in MeasureStatus.values:
        Measure.objects.create(
            risk=risk, title=f"M-{status}", status=status, status_reason="x", due_date=PAST
        )
    Measure.objects.create(risk=risk, title="M-later", status="in_progress", due_date=FUTURE)
    overdue = {m.title for m in Measure.objects.all() if m.is_overdue}
    assert overdue == {"M-planned", "M-in_progress"}
    assert set(Measure.objects.overdue().values_list("title", flat=True)) == overdue
    client = factories.logged_in(editor)
    chapter = client.get(reverse("assessments:chapter", args=[assessment.slug, 4]))
    assert chapter.content.decode().count("(overdue)") == 2
    report = client.get(reverse("assessments:report_html", args=[assessment.slug]))
    # The report speaks the assessment's language (Dutch here).
    assert report.content.decode().count('<strong class="alert">termijn verstreken</strong>') == 2
    register = client.get(reverse("assessments:risk_register_csv", args=[assessment.slug]))
    rows = list(csv.reader(io.StringIO(register.content.decode("utf-8-sig")), delimiter=";"))
    overdue = rows[0].index("Termijn verstreken")  # the register's column of overdue measures
    flagged = {row[5] for row in rows[1:] if row[overdue]}
    assert flagged == {"M-planned", "M-in_progress"}


def test_new_statuses_and_the_reason_survive_export_and_import(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    Measure.objects.create(risk=risk, title="Bezig", status="in_progress")
    Measure.objects.create(risk=risk, title="Weg", status="dropped", status_reason="Te duur")
    document = export_assessment(assessment)
    copied = import_assessment(to_json(document), organisation=assessment.organisation, user=editor)
    assert sorted(
        Measure.objects.filter(risk__assessment=copied).values_list(
            "title", "status", "status_reason"
        )
    ) == [("Bezig", "in_progress", ""), ("Weg", "dropped", "Te duur")]
    document["measures"][1]["status_reason"] = ""
    with pytest.raises(InvalidAssessment) as exc:
        import_assessment(to_json(document), organisation=assessment.organisation, user=editor)
    assert [path for path, _message in exc.value.problems] == ["$.measures[1].status_reason"]
    del document["measures"][1]["status_reason"]  # files from before the field: optional
    document["measures"][1]["status"] = "planned"
    import_assessment(to_json(document), organisation=assessment.organisation, user=editor)


# --- The action plan ------------------------------------------------------------------------


@pytest.fixture
def plan(team):
    assessment, editor, owner = team
    other = factories.assessment(assessment.organisation, title="Tweede KIA")
    elsewhere = factories.assessment(factories.organisation(), title="Andermans KIA")
    first_risk = factories.risk(assessment, topic="Pesten")
    second_risk = factories.risk(other, topic="Slaap")
    measures = {
        "late": Measure.objects.create(
            risk=first_risk, title="Meldknop", owner_user=editor, due_date=PAST
        ),
        "busy": Measure.objects.create(
            risk=second_risk,
            title="Nachtmodus",
            status="in_progress",
            owner="Team Slaap",
            due_date=datetime.date(2021, 6, 1),
        ),
        "done": Measure.objects.create(
            risk=second_risk, title="Filter", status="in_place", due_date=PAST
        ),
        "next": Measure.objects.create(risk=first_risk, title="Uitleg", due_date=FUTURE),
        "undated": Measure.objects.create(risk=first_risk, title="Zonder datum"),
    }
    Measure.objects.create(risk=factories.risk(elsewhere), title="Geheim", due_date=PAST)
    return assessment, editor, owner, other, measures


def _titles(response) -> list[str]:
    return re.findall(r'#risk-\d+">([^<]+)</a>', response.content.decode())


def test_the_action_plan_lists_every_measure_of_the_organisation_by_due_date(plan):
    assessment, _editor, _owner, _other, _m = plan
    viewer = factories.member(assessment.organisation, Role.VIEWER)
    client = factories.logged_in(viewer)
    url = reverse("assessments:action_plan", args=[assessment.organisation.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert _titles(response) == ["Meldknop", "Filter", "Nachtmodus", "Uitleg", "Zonder datum"]
    page = response.content.decode()
    assert "Geheim" not in page  # another organisation's
    assert "2 overdue" in page  # across two assessments
    assert page.count('class="table-danger"') == 2
    assert "Eva de Vries" in page and "Team Slaap" in page
    latest_first = client.get(url, {"order": "-due"})
    assert _titles(latest_first)[:2] == ["Uitleg", "Nachtmodus"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"overdue": "on"}, ["Meldknop", "Nachtmodus"]),
        ({"status": "in_progress"}, ["Nachtmodus"]),
        ({"status": "open"}, ["Meldknop", "Nachtmodus", "Uitleg", "Zonder datum"]),
        ({"owner": "t:Team Slaap"}, ["Nachtmodus"]),
        ({"due_before": "2021-01-01"}, ["Meldknop", "Filter"]),
        ({"assessment": "__other__"}, ["Filter", "Nachtmodus"]),
    ],
)
def test_the_action_plan_filters(plan, query, expected):
    assessment, editor, _owner, other, _m = plan
    query = {k: other.slug if v == "__other__" else v for k, v in query.items()}
    client = factories.logged_in(editor)
    url = reverse("assessments:action_plan", args=[assessment.organisation.slug])
    assert _titles(client.get(url, query)) == expected


def test_the_action_plan_filters_by_a_member(plan):
    assessment, editor, _owner, _other, _m = plan
    client = factories.logged_in(editor)
    url = reverse("assessments:action_plan", args=[assessment.organisation.slug])
    page = client.get(url).content.decode()
    assert f'<option value="m{editor.pk}">Eva de Vries</option>' in page
    assert _titles(client.get(url, {"owner": f"m{editor.pk}"})) == ["Meldknop"]


def test_a_bad_filter_is_a_message_at_the_field(plan):
    assessment, editor, _owner, _other, _m = plan
    client = factories.logged_in(editor)
    url = reverse("assessments:action_plan", args=[assessment.organisation.slug])
    response = client.get(url, {"due_before": "gisteren", "status": "klaar"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid date." in page and "Select a valid choice." in page
    assert 'id="id_due_before-error"' in page


def test_the_action_plan_downloads_the_filtered_list(plan):
    assessment, editor, _owner, _other, _m = plan
    client = factories.logged_in(editor)
    slug = assessment.organisation.slug
    response = client.get(reverse("assessments:action_plan_csv", args=[slug]), {"overdue": "on"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    assert header[:5] == ["Assessment", "Category", "Risk", "Measure", "Owner"]
    assert [(r[3], r[4], r[5], r[7], r[8]) for r in rows] == [
        ("Meldknop", "Eva de Vries", "planned", "2020-01-01", "overdue"),
        ("Nachtmodus", "Team Slaap", "in progress", "2021-06-01", "overdue"),
    ]
    response = client.get(reverse("assessments:action_plan_xlsx", args=[slug]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3] == "Measure" and len(values) == 6
    assert values[1][3] == "Meldknop" and values[1][7] == datetime.datetime(2020, 1, 1)


def test_the_action_plan_and_the_dashboard_link(plan):
    assessment, editor, _owner, _other, _m = plan
    page = factories.logged_in(editor).get(reverse("assessments:home")).content.decode()
    assert reverse("assessments:action_plan", args=[assessment.organisation.slug]) in page


def test_the_action_plan_costs_the_same_queries_whatever_its_size():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import builders

    small_org, large_org = factories.organisation(), factories.organisation()
    user = factories.member(small_org, Role.VIEWER)
    large_org.memberships.create(user=user, role=Role.VIEWER)
    builders.berenschot_size(small_org, slug="small", risks=1, measures_per_risk=1, sources=1)
    builders.berenschot_size(large_org, slug="large")  # 42 measures
    client = factories.logged_in(user)
    counts = []
    for org in (small_org, large_org):
        url = reverse("assessments:action_plan", args=[org.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] and counts[1] <= 12, counts


def test_restoring_a_version_keeps_a_member_owner_and_a_changed_name_wins(team):
    from assessments.domain import editing, restore, versions
    from assessments.domain.constants import VersionReason

    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    linked = Measure.objects.create(risk=risk, title="Meldknop", owner_user=editor)
    typed = Measure.objects.create(risk=risk, title="Filter", owner_user=editor)
    version = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    # Since then: the second measure went to a team typed in.
    Measure.objects.filter(pk=typed.pk).update(owner_user=None, owner="Team Filter")
    restore.restore_version(version, actor=editing.Actor(editor))
    linked.refresh_from_db()
    typed.refresh_from_db()
    assert (linked.owner_user, linked.owner) == (editor, "")  # still the member
    # The version named Eva for the second one: restored as her name (the link is not in
    # a version), shown the same.
    assert typed.owner_name == "Eva de Vries"
