"""End-to-end: every page that waits for a PDF updates itself, as the report page does
(issue 22, item 9), in headless Chromium."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assessments.domain import editing, versions
from assessments.domain.constants import Role, VersionReason
from assessments.domain.models import Answer, Assessment, ReportFile, ReportStatus
from assessments.domain.states import Status
from assessments.outputs.report import cache
from tests import factories
from tests.browser import log_in, member, require, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]
require()


def _ready(found: ReportFile) -> None:
    """The worker finished: the PDF is stored and ready."""
    found.file.save("report.pdf", ContentFile(b"%PDF-1.7 fake"), save=False)
    found.status = ReportStatus.READY
    found.page_count, found.size, found.finished_at = 1, 13, timezone.now()
    found.save()


def test_a_version_page_with_its_pdf_being_made_updates_itself(browser_page):
    page, base = browser_page
    org = factories.organisation(name="Leerlicht")
    member(org, Role.VIEWER, "vera")
    assessment = factories.assessment(org, title="KIA op Huiswerkmaatje")
    version = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    found = ReportFile.objects.create(
        assessment=assessment,
        content_hash=cache.version_hash(version),
        language="nl",
        version=version,
        status=ReportStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    log_in(page, base, "vera")
    page.goto(f"{base}/a/{assessment.slug}/versions/{version.number}/")
    box = page.locator("#pdf-wait")
    assert "De PDF wordt gemaakt" in box.inner_text()
    assert "vanzelf bijgewerkt" in box.inner_text()
    shot(page, "wait-version-busy")
    _ready(found)
    # No reload by the user: the box polls and becomes the download link.
    page.locator("#pdf-wait").get_by_role("link", name="PDF downloaden").wait_for(timeout=8000)
    shot(page, "wait-version-ready")
    link = page.locator("#pdf-wait a[download]").get_attribute("href")
    assert link == reverse("assessments:version_pdf", args=[assessment.slug, version.number])


def test_the_public_wait_page_updates_itself(browser_page):
    page, base = browser_page
    assessment = factories.assessment(title="KIA op ClipShare")
    Answer.objects.create(assessment=assessment, question="2.1", text="Een video-app.")
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    url = reverse(
        "assessments:public_report_pdf", args=[assessment.organisation.slug, assessment.slug]
    )
    response = page.goto(base + url)
    assert response is not None and response.status == 503
    assert "De PDF wordt gemaakt" in page.locator("#pdf-wait").inner_text()
    shot(page, "wait-public-busy")
    _ready(cache.current_file(Assessment.objects.get(pk=assessment.pk)))
    download = page.locator("#pdf-wait").get_by_role("link", name="PDF downloaden")
    download.wait_for(timeout=8000)
    assert download.get_attribute("href") == url
