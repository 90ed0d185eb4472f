"""The children's-rights library in the outputs and the API: the report's annex and the
rights lines of risks and measures, the register's column, the comparison's coverage, the
read-only library API and the links on rows through the API (If-Match, permissions)."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from assessments.domain import editing, tokens
from assessments.domain.constants import Role
from assessments.domain.library import catalogue
from assessments.domain.models import (
    Assessment,
    Change,
    CoverageExclusion,
    LibraryItem,
    LibraryLink,
    Measure,
)
from assessments.outputs.comparison import side_by_side, tables
from assessments.outputs.report.data import build_report
from assessments.outputs.report.render import report_html
from assessments.outputs.risk_register import register_rows, register_xlsx
from tests import factories

pytestmark = pytest.mark.django_db
API = "/api/v1"
ART16 = "urn:kia:ivrk:art-16"
ART31 = "urn:kia:ivrk:art-31"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def item(urn: str) -> LibraryItem:
    return LibraryItem.objects.select_related("file").get(urn=urn)


def code_principle() -> LibraryItem:
    return LibraryItem.objects.filter(file__ref="code", kind="principle").order_by("order").first()


def linked(assessment: Assessment, user, *, exclude: str = "") -> tuple:
    """A risk linked to art. 16 and a Code principle, its measure to art. 16, a contribution
    to art. 31 and, with ``exclude``, that item marked not relevant."""
    risk = factories.risk(assessment, topic="Profiling of children")
    measure = Measure.objects.create(risk=risk, title="Privacy by default")
    from assessments.domain.models import Contribution

    contribution = Contribution.objects.create(assessment=assessment, question="2.10", text="x")
    with transaction.atomic():
        batch = editing.Batch(editing.Actor(user), assessment)
        catalogue.link(batch, risk, item(ART16))
        catalogue.link(batch, risk, code_principle())
        catalogue.link(batch, measure, item(ART16))
        catalogue.link(batch, contribution, item(ART31))
        if exclude:
            batch.create(
                CoverageExclusion(
                    assessment=assessment, item=item(exclude), reason="No trade in children"
                )
            )
        batch.finish()
    return risk, measure, contribution


# --- The report ---------------------------------------------------------------------------------


def test_the_report_has_an_annex_with_the_rights_addressed_excluded_and_missing(team):
    assessment, editor, _owner = team
    linked(assessment, editor, exclude="urn:kia:ivrk:art-35")
    report = build_report(assessment)
    frameworks = {f.anchor: f for f in report.rights}
    ivrk = frameworks["rights-ivrk"]
    lines = {line.ref: line for line in ivrk.addressed}
    assert [p.label for p in lines["art. 16"].places][:1] == ["R1 Profiling of children"]
    assert any("Privacy by default" in p.label for p in lines["art. 16"].places)
    assert [p.label for p in lines["art. 31"].places] == ["2.10"]
    assert [(e.ref, e.reason) for e in ivrk.excluded] == [("art. 35", "No trade in children")]
    assert "art. 1" in ivrk.missing and "art. 16" not in ivrk.missing
    assert "rights" in [entry.anchor for entry in report.toc]
    html = report_html(report, for_pdf=False)
    annex = html[html.index('id="rights"') :]
    assert "No trade in children" in annex and 'href="#risk-r1"' in annex
    # The risk and its measure name what they concern.
    risk_block = report.risks[0]
    assert risk_block.rights.startswith("art. 16") and "Code P" in risk_block.rights
    section = html[html.index('id="risk-r1"') :]
    assert 'class="rights-line"' in section[: section.index("</section>")]


def test_no_annex_when_nothing_is_linked(team):
    assessment, _editor, _owner = team
    factories.risk(assessment)
    report = build_report(assessment)
    assert report.rights == []
    assert 'id="rights"' not in report_html(report, for_pdf=False)


# --- Register and comparison --------------------------------------------------------------------


def test_the_register_names_the_linked_rights(team):
    assessment, editor, _owner = team
    linked(assessment, editor)
    header, rows = register_rows(assessment)
    assert header[-1] == "Kinderrechten"  # the assessment is in Dutch
    assert rows[0].cells[-1].startswith("art. 16, Code P")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(register_xlsx(assessment))).active
    assert sheet.cell(row=2, column=len(header)).value == rows[0].cells[-1]


def test_the_comparison_shows_coverage_side_by_side(team):
    first, editor, _owner = team
    second = factories.assessment(first.organisation)
    linked(first, editor)
    columns = side_by_side.resolve(
        editor,
        [
            side_by_side.Reference(first.organisation.slug, first.slug),
            side_by_side.Reference(second.organisation.slug, second.slug),
        ],
    )
    comparison = side_by_side.build(columns)
    ivrk = next(row for row in comparison.rights if row.key == "ivrk")
    assert "art. 16" in ivrk.cells[0].addressed and ivrk.cells[1].addressed == []
    assert ivrk.cells[0].only_here == ivrk.cells[0].addressed and ivrk.differs
    _header, rows = tables.table(comparison)
    assert any(r.label == ivrk.name and "art. 16" in r.cells[0] for r in rows)


# --- The library API ----------------------------------------------------------------------------


def bearer(user, scope: str = "write") -> Client:
    _token, secret = tokens.issue(user, name="test", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_library_is_read_through_the_api(team):
    _assessment, editor, _owner = team
    client = bearer(editor)
    files = client.get(f"{API}/library/frameworks").json()
    refs = {f["ref"] for f in files}
    assert {"ivrk", "gc25", "code", "dsa28", "aadc", "kia"} <= refs and "mapping" not in refs
    ivrk = client.get(f"{API}/library/frameworks/ivrk").json()
    assert ivrk["items"] == len(ivrk["content"]) >= 42
    page = client.get(f"{API}/library/items?q=privacy&framework=ivrk&pageSize=2").json()
    assert page["total"] >= 1 and len(page["items"]) <= 2 and page["pageSize"] == 2
    assert all(i["file"] == "ivrk" for i in page["items"])
    one = client.get(f"{API}/library/items/{ART16}")
    assert one.status_code == 200 and one.json()["ref"] == "art. 16"
    missing = client.get(f"{API}/library/items/urn:kia:nothing")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert client.get(f"{API}/library/frameworks/nothing").status_code == 404
    mappings = client.get(f"{API}/library/mappings?framework=code").json()
    assert mappings["total"] > 0
    assert {m["relationship"] for m in mappings["items"]} <= {
        "equal",
        "subset",
        "superset",
        "intersect",
    }
    kinds = client.get(f"{API}/library/items?kind=typical-risk&pageSize=100").json()
    assert kinds["total"] >= 35 and {i["kind"] for i in kinds["items"]} == {"typical-risk"}
    assert Client().get(f"{API}/library/frameworks").status_code == 401


def test_links_on_rows_through_the_api(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    base = f"{API}/assessments/{assessment.organisation.slug}/{assessment.slug}"
    client = bearer(editor)
    read = client.get(f"{base}/risks/{risk.pk}")
    created = client.post(
        f"{base}/risks/{risk.pk}/links",
        {"item": ART16, "note": "profiles"},
        content_type="application/json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["item"] == ART16 and body["row_kind"] == "risk" and body["note"] == "profiles"
    assert created["Location"].endswith(f"/library-links/{body['id']}")
    assert Change.objects.filter(entity="librarylink", object_id=body["id"]).exists()
    assert (
        client.post(
            f"{base}/risks/{risk.pk}/links", {"item": ART16}, content_type="application/json"
        ).status_code
        == 409
    )
    unknown = client.post(
        f"{base}/risks/{risk.pk}/links", {"item": "urn:kia:x"}, content_type="application/json"
    )
    assert unknown.status_code == 400 and unknown.json()["invalid-params"][0]["name"] == "item"
    listed = client.get(f"{base}/risks/{risk.pk}/links").json()
    assert [link["item"] for link in listed] == [ART16]
    assert [link["item"] for link in client.get(f"{base}/library-links").json()] == [ART16]
    # A contribution by its question.
    from assessments.domain.models import Contribution

    Contribution.objects.create(assessment=assessment, question="2.10", text="x")
    contribution = client.post(
        f"{base}/contributions/2.10/links", {"item": ART31}, content_type="application/json"
    )
    assert contribution.status_code == 201 and contribution.json()["row"] == "2.10"
    # Changing and removing need the link's ETag.
    one = f"{base}/library-links/{body['id']}"
    etag = client.get(one)["ETag"]
    assert client.patch(one, {"note": "n"}, content_type="application/json").status_code == 428
    stale = client.patch(
        one, {"note": "n"}, content_type="application/json", HTTP_IF_MATCH='"librarylink-0-0"'
    )
    assert stale.status_code == 412 and stale["Content-Type"] == "application/problem+json"
    changed = client.patch(
        one, {"note": "children profiled"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200 and changed.json()["note"] == "children profiled"
    assert changed["ETag"] != etag
    assert client.delete(one, HTTP_IF_MATCH=etag).status_code == 412
    assert client.delete(one, HTTP_IF_MATCH=changed["ETag"]).status_code == 204
    assert not LibraryLink.objects.filter(pk=body["id"]).exists()


def test_a_stale_row_etag_refuses_the_link(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    base = f"{API}/assessments/{assessment.organisation.slug}/{assessment.slug}"
    answer = bearer(editor).post(
        f"{base}/risks/{risk.pk}/links",
        {"item": ART16},
        content_type="application/json",
        HTTP_IF_MATCH=f'"risk-{risk.pk}-{risk.lock_version + 5}"',
    )
    assert answer.status_code == 412
    assert not LibraryLink.objects.exists()


def test_who_may_read_and_write_links(team):
    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    viewer = factories.member(assessment.organisation, Role.VIEWER)
    outsider = factories.user()
    base = f"{API}/assessments/{assessment.organisation.slug}/{assessment.slug}"
    url = f"{base}/risks/{risk.pk}/links"
    body = {"item": ART16}
    assert bearer(viewer).get(url).status_code == 200
    refused = bearer(viewer).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert bearer(outsider).get(url).status_code == 404
    assert bearer(outsider).post(url, body, content_type="application/json").status_code == 404
    read_only = bearer(editor, scope="read").post(url, body, content_type="application/json")
    assert read_only.status_code == 403
    assert not LibraryLink.objects.exists()


def test_library_answers_match_the_openapi_document(team):
    import json

    from tests.test_api_openapi import check

    assessment, editor, _owner = team
    risk = factories.risk(assessment)
    client = bearer(editor)
    document = json.loads(client.get(f"{API}/openapi.json").content)
    base = f"{API}/assessments/{{organisation}}/{{slug}}"
    here = f"{API}/assessments/{assessment.organisation.slug}/{assessment.slug}"
    created = client.post(
        f"{here}/risks/{risk.pk}/links", {"item": ART16}, content_type="application/json"
    )
    check(document, base + "/risks/{pk}/links", created, "post")
    samples = {
        f"{API}/library/frameworks": f"{API}/library/frameworks",
        f"{API}/library/frameworks/{{ref}}": f"{API}/library/frameworks/code",
        f"{API}/library/items": f"{API}/library/items?q=privacy",
        f"{API}/library/items/{{urn}}": f"{API}/library/items/{ART16}",
        f"{API}/library/mappings": f"{API}/library/mappings",
        base + "/library-links": here + "/library-links",
        base + "/library-links/{pk}": here + f"/library-links/{created.json()['id']}",
        base + "/risks/{pk}/links": here + f"/risks/{risk.pk}/links",
    }
    for path, url in samples.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        check(document, path, response)
