"""The report pages: who may see them, requesting a PDF, downloading it, the public PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.domain.constants import Role
from assessments.domain.models import Answer, Assessment, ReportFile, ReportStatus
from assessments.domain.states import Status
from assessments.outputs.report import render as render_module
from assessments.outputs.report.render import RenderedPdf
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PRIVATE = ["report", "report_status", "report_pdf", "report_html"]


@pytest.fixture
def client(client):
    """Pages in English (the report itself follows the assessment's language)."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def renders(monkeypatch):
    calls: list[str] = []

    def fake(assessment, **kwargs):
        calls.append(assessment.slug)
        return RenderedPdf(b"%PDF-1.7 fake", 2)

    monkeypatch.setattr(render_module, "render_pdf_document", fake)
    return calls


@pytest.fixture
def assessment():
    a = factories.assessment(language="en", title="Report of ClipShare")
    Answer.objects.create(assessment=a, question="2.1", text="A video app.")
    return a


def url(name: str, a: Assessment) -> str:
    if name == "public_report_pdf":
        return reverse(f"assessments:{name}", args=[a.organisation.slug, a.slug])
    return reverse(f"assessments:{name}", args=[a.slug])


@pytest.mark.parametrize("name", [*PRIVATE, "report_start"])
def test_anonymous_users_are_sent_to_log_in(client, assessment, name):
    response = client.post(url(name, assessment)) if name == "report_start" else None
    response = response or client.get(url(name, assessment))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", PRIVATE)
def test_non_members_get_404(client, assessment, name):
    client.force_login(factories.member(factories.organisation(), Role.OWNER))
    assert client.get(url(name, assessment)).status_code == 404
    assert client.post(url("report_start", assessment)).status_code == 404


def test_a_viewer_requests_and_downloads_the_pdf(client, assessment, renders):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    page = client.get(url("report", assessment))
    assert page.status_code == 200
    assert "Generate PDF" in page.content.decode()
    assert client.get(url("report_pdf", assessment))["Location"] == url("report", assessment)
    assert client.get(url("report_start", assessment)).status_code == 405  # POST only
    response = client.post(url("report_start", assessment))
    assert response.status_code == 302
    assert response["Location"] == url("report", assessment) + "#report-status"
    assert renders == [assessment.slug]  # the "immediate" task backend ran it
    page = client.get(url("report", assessment)).content.decode()
    assert "Download PDF" in page and url("report_pdf", assessment) in page
    pdf = client.get(url("report_pdf", assessment))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 fake"
    assert f'filename="{assessment.slug}.pdf"' in pdf["Content-Disposition"]
    b"".join(client.get(url("report_pdf", assessment)).streaming_content)  # read (and closed)
    client.post(url("report_start", assessment))
    assert renders == [assessment.slug]  # unchanged: served from the cache


def test_status_as_json_and_as_an_htmx_fragment(client, assessment, renders):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    assert client.get(url("report_status", assessment)).json()["status"] == "none"
    fragment = client.post(url("report_start", assessment), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'id="report-status"' in fragment.content.decode()
    status = client.get(url("report_status", assessment)).json()
    assert status["ready"] is True and status["pages"] == 2
    assert status["download_url"] == url("report_pdf", assessment)


def test_a_waiting_render_polls_and_refreshes_without_javascript(client, assessment):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    from assessments.outputs.report import cache

    ReportFile.objects.create(
        assessment=assessment, content_hash=cache.content_hash(assessment), language="en"
    )
    page = client.get(url("report", assessment)).content.decode()
    assert "hx-trigger=" in page and '<meta http-equiv="refresh"' in page
    assert client.get(url("report_status", assessment)).json()["status"] == ReportStatus.PENDING


def test_an_earlier_pdf_stays_downloadable_after_a_change(client, assessment, renders):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    client.post(url("report_start", assessment))
    old = ReportFile.objects.get(assessment=assessment)
    Answer.objects.filter(assessment=assessment).update(text="Changed.")
    page = client.get(url("report", assessment)).content.decode()
    link = reverse("assessments:report_file", args=[assessment.slug, old.pk])
    assert "Generate PDF" in page and link in page
    earlier = client.get(link)
    assert earlier.status_code == 200 and b"".join(earlier.streaming_content) == b"%PDF-1.7 fake"
    other = factories.assessment()
    assert (
        client.get(reverse("assessments:report_file", args=[other.slug, old.pk])).status_code == 404
    )


def test_html_preview(client, assessment):
    client.force_login(factories.member(assessment.organisation, Role.VIEWER))
    html = client.get(url("report_html", assessment)).content.decode()
    assert "<title>Report of ClipShare</title>" in html and "A video app." in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.FINAL])
def test_the_public_pdf_is_only_for_published_assessments(client, assessment, renders, status):
    Assessment.objects.filter(pk=assessment.pk).update(status=status, finalised_at=timezone.now())
    assert client.get(url("public_report_pdf", assessment)).status_code == 404
    assert client.get("/public/no-such-org/no-such-thing/report.pdf").status_code == 404
    assert renders == []


def test_the_public_pdf_of_a_published_assessment_needs_no_login(client, assessment, renders):
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    response = client.get(url("public_report_pdf", assessment))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fake"
    b"".join(client.get(url("public_report_pdf", assessment)).streaming_content)
    assert renders == [assessment.slug]
    # Served from the version the publication stands for (recorded on first use here, as
    # for assessments published before versions existed).
    assert ReportFile.objects.get(assessment=assessment).version.number == 1
