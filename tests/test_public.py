"""The public face of a published assessment (issue 12): its web page, the list with
publication dates and a service filter, downloads as attachments, a friendly wait page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.domain.models import Answer, Assessment
from assessments.domain.states import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media):
    """Generated files go to a folder of each test alone (``media`` in conftest)."""


def publish(**kwargs) -> Assessment:
    a = factories.assessment(**kwargs)
    Answer.objects.create(assessment=a, question="2.1", text="Een video-app.")
    Assessment.objects.filter(pk=a.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    a.refresh_from_db()
    return a


def test_the_public_page_shows_the_published_version_not_the_live_rows(client):
    a = publish(title="KIA op ClipShare", service_name="ClipShare", assessor="Onderzoeksbureau")
    url = reverse("assessments:public_detail", args=[a.organisation.slug, a.slug])
    first = client.get(url)
    assert first.status_code == 200
    page = first.content.decode()
    assert "KIA op ClipShare" in page and "Onderzoeksbureau" in page and "ClipShare" in page
    assert reverse("assessments:public_report_pdf", args=[a.organisation.slug, a.slug]) in page
    assert reverse("assessments:public_json", args=[a.organisation.slug, a.slug]) in page
    # The live row changes (e.g. an admin fix); the public page keeps the version's text.
    Assessment.objects.filter(pk=a.pk).update(title="Iets anders")
    assert "KIA op ClipShare" in client.get(url).content.decode()
    report = client.get(
        reverse("assessments:public_report_html", args=[a.organisation.slug, a.slug])
    ).content
    assert "Een video-app." in report.decode()


def test_unpublished_assessments_have_no_public_page(client):
    a = factories.assessment()
    for name in ("public_detail", "public_json", "public_report_html"):
        assert (
            client.get(
                reverse(f"assessments:{name}", args=[a.organisation.slug, a.slug])
            ).status_code
            == 404
        )


def test_the_json_download_is_an_attachment_of_the_version(client):
    a = publish()
    response = client.get(reverse("assessments:public_json", args=[a.organisation.slug, a.slug]))
    assert response["Content-Disposition"] == f'attachment; filename="{a.slug}-v1.json"'
    assert response.json()["assessment"]["title"] == a.title


def test_the_public_list_has_dates_and_filters_by_service(client):
    publish(title="KIA op ClipShare", service_name="ClipShare")
    publish(title="KIA op Huiswerkmaatje", service_name="Huiswerkmaatje")
    page = client.get(reverse("assessments:public")).content.decode()
    assert "KIA op ClipShare" in page and "KIA op Huiswerkmaatje" in page
    assert timezone.localdate().strftime("%Y") in page
    filtered = client.get(reverse("assessments:public"), {"service": "ClipShare"})
    assert "KIA op ClipShare" in filtered.content.decode()
    assert "KIA op Huiswerkmaatje" not in filtered.content.decode()


def test_the_public_pdf_downloads_as_an_attachment(client, renders):
    a = publish()
    response = client.get(
        reverse("assessments:public_report_pdf", args=[a.organisation.slug, a.slug])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fake"
    factories.close(response)


def test_the_first_visitor_of_a_fresh_publication_gets_a_friendly_page(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    a = publish()
    response = client.get(
        reverse("assessments:public_report_pdf", args=[a.organisation.slug, a.slug])
    )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert (
        "<h1" in page
        and reverse("assessments:public_report_html", args=[a.organisation.slug, a.slug]) in page
    )
