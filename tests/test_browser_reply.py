"""End-to-end, in headless Chromium: the service's right of reply.

The owner records a version and invites the service; the service opens the e-mailed link
in a fresh browser without an account, reads the version and sends a response with a PDF
attachment; the assessor writes the reply; the PDF's appendix prints the response
verbatim in its labelled box, then the reply. Screenshots go to KIA_SHOTS_DIR when set.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessments.domain.constants import Role
from assessments.domain.models import Answer, Assessment, ServiceResponse
from tests import factories
from tests.browser import log_in, member, new_page, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()

RESPONSE = "TikTok **betwist** de inschatting van risico R1.\n\n- Wij hebben leeftijdscontrole."
REPLY = "De onderzoekers handhaven hun inschatting: de leeftijdscontrole is te omzeilen."


def shot(page, name: str) -> None:
    folder = os.environ.get("KIA_SHOTS_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_service_responds_through_its_link_and_the_pdf_prints_it(
    browser, tasks_at_once, mailoutbox, tmp_path, media
):
    """Tasks run at once: the mail is sent and the PDF made inside the request, so the test
    can read both."""
    chromium, base = browser
    org = factories.organisation(name="Berenschot")
    member(org, Role.OWNER, "onderzoeker", first_name="Rosa", last_name="Smit")
    assessment = factories.assessment(
        org, title="KIA TikTok", slug="tiktok", kind="external", service_name="TikTok"
    )
    Answer.objects.create(assessment=assessment, question="2.1", text="Een videoplatform.")

    # The owner logs in and records the version the service will respond to.
    page = new_page(chromium, timeout=30_000)
    team = page.context
    log_in(page, base, "onderzoeker")
    page.goto(f"{base}/a/tiktok/versions/")
    page.locator("#id_name").fill("Voor hoor en wederhoor")
    page.get_by_role("button", name="Versie vastleggen").click()

    # It invites the service from the appendix.
    page.goto(f"{base}/a/tiktok/appendix/")
    page.get_by_role("link", name="Dienst uitnodigen voor een zienswijze").click()
    page.get_by_label("Naam van de contactpersoon").fill("Jan Jansen")
    page.get_by_label("Organisatie").fill("TikTok")
    page.get_by_label("E-mailadres").fill("jan@tiktok.example")
    shot(page, "1-invite-form")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert "reply-status-open" in page.content()
    shot(page, "2-appendix-invitation-open")
    [mail] = mailoutbox
    link = next(word for word in mail.body.split() if "/reply/" in word)
    assert link.startswith(base)

    # The service: a fresh browser, no account, opens the link and reads the version.
    service = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    visitor = service.new_page()
    visitor.set_default_timeout(60_000)
    visitor.goto(link)
    assert "Uw zienswijze op „KIA TikTok”" in visitor.locator("h1").inner_text()
    shot(visitor, "3-service-reply-page")
    with service.expect_page() as opened:
        visitor.get_by_role("link", name="Lees de versie in uw browser").click()
    version_page = opened.value
    version_page.wait_for_load_state()
    assert "Een videoplatform." in version_page.content()
    shot(version_page, "4-service-reads-version")
    version_page.close()

    # A PDF behind a password is refused at the field; the text stays in the form.
    locked = tmp_path / "Beveiligd.pdf"
    locked.write_bytes(factories.pdf_bytes(password="geheim"))
    visitor.get_by_role("textbox", name="Uw zienswijze").fill(RESPONSE)
    visitor.get_by_label("Bijlagen (pdf)").set_input_files(str(locked))
    visitor.get_by_role("button", name="Zienswijze versturen").click()
    assert "is beveiligd met een wachtwoord" in visitor.locator("main form").inner_text()
    shot(visitor, "5a-service-encrypted-pdf-refused")
    assert not ServiceResponse.objects.exists()

    # … and sends its response with a PDF attachment.
    letter = tmp_path / "Brief van TikTok.pdf"
    letter.write_bytes(factories.pdf_bytes())
    visitor.get_by_role("textbox", name="Uw zienswijze").fill(RESPONSE)
    visitor.get_by_label("Bijlagen (pdf)").set_input_files(str(letter))
    visitor.get_by_role("button", name="Zienswijze versturen").click()
    visitor.get_by_role("heading", name="Uw zienswijze is ontvangen").wait_for()
    assert "Brief van TikTok.pdf" in visitor.content()
    shot(visitor, "5-service-receipt")
    # The link is closed now, also for this browser's next visit to the form.
    visitor.goto(link)
    assert "Deze link werkt niet (meer)" in visitor.locator("h1").inner_text()
    assert "KIA TikTok" not in visitor.content()
    shot(visitor, "6-link-closed")
    service.close()

    # The assessor writes the reply on the appendix page.
    page.goto(f"{base}/a/tiktok/appendix/")
    assert "Eigen tekst van de dienst" in page.content()
    shot(page, "7-appendix-response-received")
    page.get_by_role("link", name="Reactie schrijven").click()
    assert page.locator("textarea[name=text]").count() == 0  # the service's text is fixed
    page.get_by_label("Reactie van de uitvoerder").fill(REPLY)
    page.get_by_label("Reactie door").fill("Berenschot")
    page.get_by_label("Gereageerd op").fill("2026-12-01")
    page.locator("main").get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"{base}/a/tiktok/appendix/")
    shot(page, "8-appendix-with-reply")
    row = ServiceResponse.objects.get(assessment=assessment)
    assert row.text.replace("\r\n", "\n") == RESPONSE and row.reply == REPLY
    assert row.submitted_by_service

    # The PDF's appendix: the response verbatim in its labelled box, then the reply.
    page.goto(f"{base}/a/tiktok/report/")
    page.get_by_role("button", name="PDF maken").click()
    page.get_by_role("link", name="PDF downloaden").wait_for(timeout=180_000)
    pdf = team.request.get(f"{base}/a/tiktok/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = " ".join(text.split())
    assert "Zienswijze van TikTok, ontvangen" in flat and "over versie 1" in flat
    assert "Eigen tekst van de dienst, letterlijk opgenomen." in flat
    assert "TikTok betwist de inschatting van risico R1." in flat
    assert "De onderzoekers handhaven hun inschatting" in flat
    assert flat.index("betwist") < flat.index("handhaven")
    folder = os.environ.get("KIA_SHOTS_DIR")
    if folder:
        (Path(folder) / "report.pdf").write_bytes(pdf.body())
    assert Assessment.objects.get(pk=assessment.pk).responses.count() == 1
    team.close()
