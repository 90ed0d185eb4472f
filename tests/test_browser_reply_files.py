"""End-to-end: the reply form keeps the chosen files through a preview and says what it
drops (issue 22, item 11), in headless Chromium at desktop and phone width."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.domain import editing, replies, versions
from assessments.domain.constants import VersionReason
from assessments.domain.models import ServiceResponse
from tests import factories
from tests.browser import require, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def _link() -> str:
    assessment = factories.assessment(title="KIA TikTok", kind="external", service_name="TikTok")
    version = versions.record(assessment, actor=editing.SYSTEM, reason=VersionReason.MANUAL)
    links: list[str] = []
    replies.invite(
        version=version,
        contact_name="Jan Jansen",
        contact_organisation="TikTok",
        email="jan@tiktok.example",
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        note="",
        user=None,
        link_for=lambda raw: links.append(raw) or f"http://testserver/reply/{raw}/",
    )
    return reverse("assessments:reply", args=[links[-1]])


def _files(good: bool = True, bad: bool = True) -> list[dict]:
    files = []
    if good:
        files.append({"name": "zienswijze.pdf", "mimeType": "application/pdf",
                      "buffer": factories.pdf_bytes()})  # fmt: skip
    if bad:
        files.append({"name": "notities.pdf", "mimeType": "application/pdf",
                      "buffer": b"geen pdf"})  # fmt: skip
    return files


@pytest.mark.parametrize("width", [1280, 390])
def test_a_preview_keeps_the_chosen_files_and_names_the_refused_one(browser, media, width):
    chromium, base = browser
    url = _link()
    context = chromium.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + url)
    page.locator("textarea[name=text]").fill("Wij zijn het **niet eens** met R1.")
    page.locator("input[name=attachments]").set_input_files(_files())
    page.get_by_role("button", name="Voorbeeld").click()
    preview = page.locator("#reply-preview")
    preview.get_by_text("niet eens").wait_for()
    shot(page, f"reply-preview-refused-{width}")
    # The preview is shown although one attachment is refused, and says which one.
    assert "notities.pdf" in preview.get_by_role("alert").inner_text()
    assert "zienswijze.pdf" not in preview.inner_text()  # not "still sent": choose again
    # The chosen files are still in the field (no page round trip).
    assert page.locator("input[name=attachments]").evaluate("input => input.files.length") == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Choosing again without the refused file, a preview and a send keep the good one.
    page.locator("input[name=attachments]").set_input_files(_files(bad=False))
    page.get_by_role("button", name="Voorbeeld").click()
    page.locator("#reply-preview [role=alert]").wait_for(state="detached")
    assert "Nog gekozen" in page.locator("#reply-preview").inner_text()
    shot(page, f"reply-preview-kept-{width}")
    page.get_by_role("button", name="Zienswijze versturen").click()
    page.wait_for_url("**/received/")
    response = ServiceResponse.objects.get()
    assert [a.name for a in response.attachments.all()] == ["zienswijze.pdf"]
    context.close()


def test_without_javascript_the_page_names_the_files_to_choose_again(media):
    url = _link()
    good = SimpleUploadedFile("zienswijze.pdf", factories.pdf_bytes(), "application/pdf")
    bad = SimpleUploadedFile("notities.pdf", b"geen pdf", "application/pdf")
    response = Client().post(url, {"text": "Tekst.", "attachments": [good, bad], "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="preview-heading"' in page  # the preview despite the refused file
    assert "notities.pdf" in page.split('id="reply-preview"')[1]
    assert "Kies deze bestanden opnieuw" in page and "zienswijze.pdf" in page
