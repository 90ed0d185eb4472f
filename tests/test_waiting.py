"""Pages that wait for a PDF poll and refresh the same way (issue 22, item 9)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.domain import editing, replies, versions
from assessments.domain.constants import VersionReason
from assessments.domain.models import ReportFile, ReportStatus
from assessments.outputs.report import cache
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(autouse=True)
def queued(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }


def test_the_reply_links_wait_page_polls_and_then_offers_the_download(team):
    assessment, _editor, owner = team
    links: list[str] = []
    version = versions.record(assessment, actor=editing.Actor(owner), reason=VersionReason.MANUAL)
    replies.invite(
        version=version,
        contact_name="Jan Jansen",
        contact_organisation="TikTok",
        email="jan@tiktok.example",
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        note="",
        user=owner,
        link_for=lambda raw: links.append(raw) or f"http://testserver/reply/{raw}/",
    )
    url = reverse("assessments:reply_pdf", args=[links[-1]])
    client = Client()
    waiting = client.get(url)
    assert waiting.status_code == 503 and waiting["Retry-After"] == "15"
    page = waiting.content.decode()
    assert f'hx-get="{url}?wait=1"' in page and 'hx-trigger="every 3s"' in page
    assert f'<meta http-equiv="refresh" content="3;url={url}?wait=1">' in page
    assert "htmx-2.min.js" in page
    found = cache.version_file(version)
    assert found is not None
    found.file.save("v.pdf", ContentFile(b"%PDF-1.7 fake"), save=False)
    found.status = ReportStatus.READY
    found.save()
    ready = client.get(url + "?wait=1")
    assert ready.status_code == 200
    body = ready.content.decode()
    assert "hx-trigger" not in body and f'href="{url}" download' in body
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    factories.close(pdf)


def test_a_version_page_polls_while_its_pdf_is_made(team):
    assessment, editor, _owner = team
    version = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    client = factories.logged_in(editor)
    page_url = reverse("assessments:version_detail", args=[assessment.slug, version.number])
    made = client.post(reverse("assessments:version_pdf", args=[assessment.slug, version.number]))
    assert made["Location"] == page_url + "#pdf-wait"
    assert ReportFile.objects.get(assessment=assessment).is_busy
    page = client.get(page_url).content.decode()
    assert f'hx-get="{page_url}"' in page and 'hx-select="#pdf-wait"' in page
    assert '<meta http-equiv="refresh"' in page
