"""Comparing assessments side by side (``outputs.comparison.side_by_side``), its page and exports,
and the re-assessment of a final or published assessment (``assessments.domain.reassessment``)."""

from __future__ import annotations

import csv
import datetime
import io
import warnings

import pytest
from django.test import Client
from django.urls import reverse

from assessments.domain import editing, lifecycle, reassessment, versions
from assessments.domain.constants import MeasureStatus, Role
from assessments.domain.models import Assessment, Change, Contribution, Measure, Source
from assessments.domain.states import Status
from assessments.outputs.comparison import side_by_side
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def pair():
    """Two assessments of one organisation: A scores contact high, B scores it low."""
    org = factories.organisation(slug="ministerie")
    a = factories.assessment(org, slug="tiktok", title="KIA TikTok", service_name="TikTok")
    b = factories.assessment(org, slug="snapchat", title="KIA Snapchat", service_name="Snapchat")
    high = factories.risk(a, category="contact", topic="Grooming", likelihood="high", impact="high")
    factories.risk(b, category="contact", topic="grooming ", likelihood="low", impact="low")
    factories.risk(
        a,
        category="content",
        topic="Harmful videos",
        likelihood="not_assessable",
        likelihood_reason="No access to the algorithm.",
        impact="high",
    )
    Measure.objects.create(risk=high, title="Age check", status=MeasureStatus.IN_PLACE)
    Measure.objects.create(risk=high, title="Moderation", due_date=TODAY - datetime.timedelta(1))
    Contribution.objects.create(assessment=a, question="2.13", summary="Friends stay in touch.")
    Source.objects.create(
        assessment=a,
        key="ofcom",
        citation="Ofcom 2024",
        url="https://www.ofcom.org.uk/report/?utm_source=x",
    )
    Source.objects.create(
        assessment=b, key="ofcom-rapport", citation="Ofcom (2024)", url="http://ofcom.org.uk/report"
    )
    Source.objects.create(assessment=a, key="nji", citation="NJi,  Opgroeien online")
    Source.objects.create(assessment=b, key="nji", citation="nji, opgroeien online")
    Source.objects.create(assessment=b, key="own", citation="Own research")
    owner = factories.member(org, Role.OWNER)
    return a, b, owner


def _build(user, *values):
    return side_by_side.build(
        side_by_side.resolve(user, side_by_side.parse(list(values))), today=TODAY
    )


def _row(comparison, key):
    return next(r for r in comparison.categories if r.category.key == key)


def test_a_category_where_one_scores_high_and_another_low(pair):
    _a, _b, owner = pair
    c = _build(owner, "ministerie/tiktok", "ministerie/snapchat")
    contact = _row(c, "contact")
    assert [s.value for s in contact.highest] == [9, 1]
    assert contact.contrast and contact.spread == 8
    assert [cell.mark for cell in contact.cells] == ["high", "low"]
    assert any(h.anchor == "cat-contact" and "high in one" in h.text for h in c.highlights)
    # The same topic (case and spaces ignored) is one row, in both.
    assert [t.absent_in for t in contact.topics] == [[]]
    assert contact.cells[0].in_place == 1 and contact.cells[0].planned == 1
    assert [m.title for m in contact.cells[0].overdue] == ["Moderation"]


def test_a_topic_in_one_and_not_in_the_other(pair):
    _a, _b, owner = pair
    c = _build(owner, "ministerie/tiktok", "ministerie/snapchat")
    content = _row(c, "content")
    assert content.empty_in == [1] and not content.contrast
    (topic,) = content.topics
    assert topic.topic == "Harmful videos" and topic.absent_in == [1]
    line = topic.lines[0]
    assert line.gross.label == "cannot be assessed"
    assert line.reasons == ["likelihood: No access to the algorithm."]
    assert [len(cell.not_assessable) for cell in content.cells] == [1, 0]
    assert c.not_assessable_counts == [1, 0]
    contribution = next(r for r in c.contributions if r.number == "2.13")
    assert contribution.cells == ["Friends stay in touch.", ""] and contribution.absent_in == [1]


def test_shared_sources_match_on_the_web_address_else_the_citation(pair):
    _a, _b, owner = pair
    c = _build(owner, "ministerie/tiktok", "ministerie/snapchat")
    shared = {
        s.citation: [line.key if line else None for line in s.lines] for s in c.shared_sources
    }
    assert shared == {
        "Ofcom 2024": ["ofcom", "ofcom-rapport"],
        "NJi,  Opgroeien online": ["nji", "nji"],
    }
    assert [len(cell.sources) for cell in c.sources] == [2, 3]


def test_every_column_is_scored_with_its_own_snapshots_matrix(pair):
    a, b, owner = pair
    strict = {
        **a.risk_matrix,
        "grid": {lk: {ik: "high" for ik in row} for lk, row in a.risk_matrix["grid"].items()},
    }
    Assessment.objects.filter(pk=b.pk).update(risk_matrix=strict)
    c = _build(owner, "ministerie/tiktok", "ministerie/snapchat")
    assert _row(c, "contact").highest[1].label == "1 (high)"
    assert not _row(c, "contact").contrast  # high in both, each by its own matrix


def test_parse_refuses_bad_references_and_counts():
    with pytest.raises(side_by_side.BadComparison, match="at least two"):
        side_by_side.parse(["demo/a", " "])
    with pytest.raises(side_by_side.BadComparison, match="at most 4"):
        side_by_side.parse([f"demo/a{i}" for i in range(5)])
    with pytest.raises(side_by_side.BadComparison, match="does not name"):
        side_by_side.parse(["demo/a", "demo/B@v1"])
    assert [str(r) for r in side_by_side.parse(["demo/a/", " demo/b@V3 "])] == [
        "demo/a",
        "demo/b@v3",
    ]


# --- The page ---------------------------------------------------------------------------------


def _settle(assessment: Assessment, owner, status=Status.PUBLISHED) -> versions.Version:
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.FINAL)
    assessment.refresh_from_db()
    version = versions.record(assessment, actor=editing.Actor(owner), reason="finalised")
    if status == Status.PUBLISHED:
        lifecycle.perform(assessment, "publish", actor=editing.Actor(owner), role=Role.OWNER)
        version = versions.latest(assessment)
    return version


def test_member_sees_the_comparison_and_the_url_is_canonical(pair):
    a, _b, owner = pair
    _settle(a, owner)
    client = factories.logged_in(owner)
    response = client.get("/compare/?a=ministerie/tiktok&a=&a=ministerie/snapchat/")
    assert response.status_code == 302
    assert response["Location"] == "/compare/?a=ministerie/tiktok@v2&a=ministerie/snapchat"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "KIA TikTok" in body and "KIA Snapchat" in body and "version 2 (published)" in body
    assert "current content (draft)" in body and "high in one, low in another" in body
    assert "Harmful videos" in body and "not in this assessment" in body
    assert "No access to the algorithm." in body and "Ofcom 2024" in body
    # The canonical URL stays where it is; a form's encoding of it is redirected to it.
    assert client.get(response["Location"]).status_code == 200
    encoded = client.get("/compare/?a=ministerie%2Ftiktok%40v2&a=ministerie%2Fsnapchat")
    assert encoded["Location"] == response["Location"]
    swapped = client.get("/compare/?a=ministerie/snapchat&a=ministerie/tiktok@v2")
    assert swapped.status_code == 200
    assert swapped.content.decode().index("KIA Snapchat") < swapped.content.decode().index(
        "KIA TikTok"
    )


def test_outsider_gets_404_for_the_whole_comparison(pair):
    a, _b, owner = pair
    _settle(a, owner)
    outsider = factories.member(factories.organisation(), Role.OWNER)
    client = factories.logged_in(outsider)
    response = client.get("/compare/?a=ministerie/tiktok@v2&a=ministerie/snapchat")
    assert response.status_code == 404
    assert b"KIA TikTok" not in response.content


def test_anonymous_compares_published_versions_only(pair):
    a, b, owner = pair
    _settle(a, owner)
    _settle(b, owner)
    versions.record(a, actor=editing.Actor(owner), reason="manual")  # v3: members only
    client = Client()
    ok = client.get("/compare/?a=ministerie/tiktok&a=ministerie/snapchat")
    assert ok["Location"] == "/compare/?a=ministerie/tiktok@v3&a=ministerie/snapchat@v2"
    assert client.get(ok["Location"]).status_code == 200
    assert client.get("/compare/?a=ministerie/tiktok@v1&a=ministerie/snapchat").status_code == 404
    Assessment.objects.filter(pk=b.pk).update(status=Status.FINAL)
    assert client.get("/compare/?a=ministerie/tiktok&a=ministerie/snapchat").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a=ministerie/tiktok", "Choose at least two assessments"),
        ("a=" + "&a=".join(f"x/y{i}" for i in range(5)), "Choose at most 4 assessments"),
        ("a=ministerie/tiktok&a=ministerie/<script>", "does not name an assessment"),
        ("a=ministerie/tiktok&a=ministerie/tiktok", "is chosen twice"),
    ],
)
def test_bad_parameters_are_refused_with_a_message(pair, query, message):
    _a, _b, owner = pair
    response = factories.logged_in(owner).get(f"/compare/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert b"&lt;script&gt;" in response.content or b"<script>" not in response.content


def test_an_unknown_version_is_404(pair):
    _a, _b, owner = pair
    response = factories.logged_in(owner).get(
        "/compare/?a=ministerie/tiktok@v9&a=ministerie/snapchat"
    )
    assert response.status_code == 404


def test_the_picker_offers_own_versions_and_published_ones(pair):
    a, _b, owner = pair
    _settle(a, owner)
    other = factories.assessment(
        factories.organisation(slug="elders"), slug="insta", title="KIA Instagram"
    )
    _settle(other, owner)
    body = factories.logged_in(owner).get("/compare/").content.decode()
    assert 'value="ministerie/tiktok@v2"' in body and 'value="ministerie/snapchat"' in body
    assert 'value="elders/insta"' in body
    anonymous = Client().get("/compare/").content.decode()
    assert "ministerie/snapchat" not in anonymous and 'value="elders/insta"' in anonymous


# --- Exports ------------------------------------------------------------------------------------


def test_csv_and_xlsx_hold_the_comparison(pair):
    from openpyxl import load_workbook

    _a, _b, owner = pair
    client = factories.logged_in(owner)
    query = "a=ministerie/tiktok&a=ministerie/snapchat"
    response = client.get(f"/compare/comparison.csv?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][2].startswith("A. KIA TikTok") and rows[0][3].startswith("B. KIA Snapchat")
    by_label = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert by_label[("3.3 Contact risks", "Highest gross risk")] == ["9 (high)", "1 (low)"]
    assert by_label[("3.1 Content risks", "Harmful videos")][1] == "not in this assessment"
    assert (
        "Shared sources",
        "Ofcom 2024 <https://www.ofcom.org.uk/report/?utm_source=x>",
    ) in by_label

    response = client.get(f"/compare/comparison.xlsx?{query}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    contact = next(
        v for v in values if v[0] == "3.3 Contact risks" and v[1] == "Highest gross risk"
    )
    assert contact[2:] == ["9 (high)", "1 (low)"]
    assert sheet.freeze_panes == "C2"


def test_the_pdf_prints_the_comparison(pair):
    from pypdf import PdfReader

    with warnings.catch_warnings():  # some systems' WeasyPrint warns on import (HarfBuzz)
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint  # noqa: F401

    _a, _b, owner = pair
    response = factories.logged_in(owner).get(
        "/compare/comparison.pdf?a=ministerie/tiktok&a=ministerie/snapchat"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for wanted in (
        "Comparison of assessments",
        "KIA TikTok",
        "KIA Snapchat",
        "Grooming",
        "high in one, low in another",
        "Harmful videos",
        "Ofcom 2024",
    ):
        assert wanted in text, wanted


# --- Re-assessment ------------------------------------------------------------------------------


def test_reassessment_carries_the_latest_version_forward(pair):
    a, _b, owner = pair
    Assessment.objects.filter(pk=a.pk).update(next_reassessment_on=TODAY)
    a.refresh_from_db()
    version = _settle(a, owner)
    client = factories.logged_in(owner)
    assert (
        b"Start re-assessment" in client.get(reverse("assessments:detail", args=[a.slug])).content
    )
    response = client.post(reverse("assessments:reassess", args=[a.slug]), {"confirmed": "1"})
    successor = Assessment.objects.get(predecessor=a)
    assert response.status_code == 302 and response["Location"].endswith(f"/a/{successor.slug}/")
    assert successor.status == Status.DRAFT and successor.next_reassessment_on is None
    assert successor.title.startswith("KIA TikTok (re-assessment ")
    statuses = sorted(
        Measure.objects.filter(risk__assessment=successor).values_list("title", "status")
    )
    assert statuses == [("Age check", "in_place"), ("Moderation", "planned")]
    change = Change.objects.get(assessment=successor, field="reassessment")
    assert change.new == {"predecessor": a.pk, "title": "KIA TikTok", "version": version.number}
    assert change.user == owner and change.via == "web"
    # Links both ways, and the comparison with the predecessor shows what changed.
    detail = client.get(reverse("assessments:detail", args=[successor.slug])).content.decode()
    assert "Compare with predecessor" in detail and "KIA TikTok" in detail
    assert (
        "Compare with re-assessment"
        in client.get(reverse("assessments:detail", args=[a.slug])).content.decode()
    )
    history = client.get(reverse("assessments:history", args=[successor.slug])).content.decode()
    assert "Re-assessment of “KIA TikTok”, carried forward from its version" in history
    # Twice is refused while the first is still open.
    again = client.post(reverse("assessments:reassess", args=[a.slug]), {"confirmed": "1"})
    assert again.status_code == 302 and Assessment.objects.filter(predecessor=a).count() == 1


def test_comparison_with_the_predecessor_shows_what_changed(pair):
    a, _b, owner = pair
    _settle(a, owner)
    successor = reassessment.start(a, actor=editing.Actor(owner))
    grooming = successor.risks.get(topic="Grooming")
    grooming.likelihood = "low"
    grooming.save()
    Measure.objects.filter(risk=grooming, title="Moderation").update(status=MeasureStatus.IN_PLACE)
    successor.risks.get(topic="Harmful videos").delete()
    factories.risk(successor, category="conduct", topic="Challenges")
    c = _build(owner, f"ministerie/{a.slug}", f"ministerie/{successor.slug}")
    assert c.change is not None
    assert [r.topic for r in c.change.new] == ["Challenges"]
    assert [r.topic for r in c.change.removed] == ["Harmful videos"]
    assert [(x.gross.label, y.gross.label) for x, y in c.change.rescored] == [
        ("9 (high)", "3 (medium)")
    ]
    assert [m.title for _t, m in c.change.measures_done] == ["Moderation"]
    assert _build(owner, "ministerie/tiktok", "ministerie/snapchat").change is None


def test_publishing_the_successor_unpublishes_the_predecessor(pair):
    a, _b, owner = pair
    _settle(a, owner)
    successor = reassessment.start(a, actor=editing.Actor(owner))
    a.refresh_from_db()
    assert a.status == Status.PUBLISHED  # stays public while the successor is a draft
    Assessment.objects.filter(pk=successor.pk).update(status=Status.FINAL)
    successor.refresh_from_db()
    lifecycle.perform(successor, "publish", actor=editing.Actor(owner), role=Role.OWNER)
    a.refresh_from_db()
    assert a.status == Status.FINAL and a.published_at is None
    change = Change.objects.get(assessment=a, field="transition", new__name="unpublish")
    assert "Replaced by the published re-assessment" in change.new["reason"]


def test_a_draft_cannot_be_reassessed(pair):
    _a, b, owner = pair
    with pytest.raises(reassessment.ReassessmentRefused):
        reassessment.start(b, actor=editing.Actor(owner))
    assert not Assessment.objects.filter(predecessor=b).exists()
