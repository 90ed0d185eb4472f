"""The KIA as a dialogue, end to end in headless Chromium (issue 9's journey in one test).

An editor submits and picks a reviewer; the reviewer comments on a risk with an @mention and
gives verdicts; the owner requests changes; the editor resolves the comment and resubmits; the
reviewer agrees; the owner signs off. The owner then invites the assessed service, which opens
its link in a fresh browser without an account, reads the version and sends a response with a
PDF attachment; the owner reopens, writes the reply and signs off again. The PDF's appendix
prints the service's text verbatim, then the reply, and the colophon names who signed off.
Every step's notification e-mail arrives after its action, in Dutch.

Set ``KIA_SHOTS=<folder>`` to keep a screenshot of each step there.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessments.domain.constants import Role
from assessments.domain.models import Assessment, Comment, Notification, ServiceResponse, SignOff
from assessments.domain.states import Status
from tests import factories
from tests.browser import logged_in, member, require, shot
from tests.test_browser_review import give_verdicts, submit_for_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()

RESPONSE = "Wij **betwisten** de inschatting van risico R1.\n\n- Er is een meldknop."
REPLY = "De onderzoekers handhaven hun inschatting: de meldknop is moeilijk te vinden."


def subjects_to(mailoutbox, address: str) -> list[str]:
    return [m.subject for m in mailoutbox if address in m.to]


def test_review_sign_off_reply_and_report(browser, tasks_at_once, mailoutbox, tmp_path, media):
    chromium, base = browser
    org = factories.organisation(name="Berenschot")
    eva = member(org, Role.EDITOR, "eva", first_name="Eva", last_name="de Vries")
    rita = member(org, Role.REVIEWER, "rita", first_name="Rita", last_name="Reviewer")
    owner = member(org, Role.OWNER, "olaf", first_name="Olaf", last_name="Eigenaar")
    assessment = factories.assessment(
        org,
        title="KIA op Kletsapp",
        kind="external",
        service_name="Kletsapp",
        assessor="Berenschot",
        commissioner="Ministerie van BZK",
        prescan_offers_service="no",
        prescan_note="Alleen volwassenen.",
    )
    risk = factories.risk(assessment, topic="Contact met onbekenden")
    slug = assessment.slug

    # Review: submit, comment with a mention, verdicts.
    editor = logged_in(chromium, base, "eva")
    submit_for_review(editor, base, slug, "Rita Reviewer")
    assert any("Beoordeling gevraagd" in s for s in subjects_to(mailoutbox, rita.email))
    reviewer = logged_in(chromium, base, "rita")
    reviewer.goto(f"{base}/a/{slug}/chapter/3/")
    panel = reviewer.locator(f"#comments-risk-{risk.pk}")
    panel.locator("summary").first.click()
    panel.get_by_label("Nieuwe opmerking (Markdown)").fill("@eva is de kans niet te laag?")
    panel.get_by_role("button", name="Opmerking plaatsen").click()
    reviewer.locator(f"#comments-risk-{risk.pk} .comment-text").wait_for()
    assert Notification.objects.filter(recipient=eva, kind="mention").exists()
    give_verdicts(reviewer, base, slug, {3: ("Corrigeren", "Onderbouw de kans.")})
    shot(reviewer, "j01-verdicts")

    # The owner requests changes; the editor resolves the comment and resubmits.
    boss = logged_in(chromium, base, "olaf")
    boss.goto(f"{base}/a/{slug}/review/")
    boss.get_by_role("link", name="Wijzigingen vragen").click()
    boss.get_by_label("Reden (wordt bewaard in de geschiedenis)").fill("Zie de punten.")
    boss.locator("main").get_by_role("button", name="Wijzigingen vragen").click()
    boss.get_by_text("weer een concept").first.wait_for()
    assert any("Wijzigingen gevraagd" in s for s in subjects_to(mailoutbox, eva.email))
    editor.goto(f"{base}/a/{slug}/chapter/3/")
    panel = editor.locator(f"#comments-risk-{risk.pk}")
    panel.locator("summary").first.click()
    panel.get_by_role("button", name="Afhandelen").click()
    editor.locator(f"#comments-risk-{risk.pk} .text-success").wait_for()
    assert not Comment.objects.get().is_open
    submit_for_review(editor, base, slug, "Rita Reviewer")
    give_verdicts(reviewer, base, slug, {n: ("Akkoord", "") for n in range(1, 6)})

    # The owner signs off.
    sign_off(boss, base, slug)
    assert SignOff.objects.filter(assessment=assessment).count() == 1

    # The owner invites the service to respond to the final version.
    boss.goto(f"{base}/a/{slug}/appendix/")
    boss.get_by_role("link", name="Dienst uitnodigen voor een zienswijze").click()
    boss.get_by_label("Naam van de contactpersoon").fill("Jan Jansen")
    boss.get_by_label("Organisatie").fill("Kletsapp BV")
    boss.get_by_label("E-mailadres").fill("jan@kletsapp.example")
    boss.get_by_role("button", name="Uitnodiging versturen").click()
    shot(boss, "j02-invited")
    [invitation] = [m for m in mailoutbox if "jan@kletsapp.example" in m.to]
    link = next(word for word in invitation.body.split() if "/reply/" in word)

    # The service, in a fresh browser without an account, reads and responds with a PDF.
    service = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    visitor = service.new_page()
    visitor.set_default_timeout(60_000)
    visitor.goto(link)
    assert "KIA op Kletsapp" in visitor.locator("h1").inner_text()
    letter = tmp_path / "Brief van Kletsapp.pdf"
    letter.write_bytes(factories.pdf_bytes())
    visitor.get_by_role("textbox", name="Uw zienswijze").fill(RESPONSE)
    visitor.get_by_label("Bijlagen (pdf)").set_input_files(str(letter))
    visitor.get_by_role("button", name="Zienswijze versturen").click()
    visitor.get_by_role("heading", name="Uw zienswijze is ontvangen").wait_for()
    shot(visitor, "j03-service-receipt")
    service.close()
    assert any(
        "Zienswijze van de dienst ontvangen" in s for s in subjects_to(mailoutbox, owner.email)
    )

    # The owner reopens, writes the reply, and signs off again.
    boss.goto(f"{base}/a/{slug}/")
    boss.get_by_role("link", name="Heropenen als concept").click()
    boss.get_by_label("Reden (wordt bewaard in de geschiedenis)").fill("Zienswijze verwerken.")
    boss.locator("main").get_by_role("button", name="Heropenen als concept").click()
    boss.goto(f"{base}/a/{slug}/appendix/")
    boss.get_by_role("link", name="Reactie schrijven").click()
    boss.get_by_label("Reactie van de uitvoerder").fill(REPLY)
    boss.get_by_label("Reactie door").fill("Berenschot")
    boss.get_by_label("Gereageerd op").fill("2026-12-01")
    boss.locator("main").get_by_role("button", name="Opslaan").click()
    boss.wait_for_url(f"{base}/a/{slug}/appendix/")
    shot(boss, "j04-appendix-with-reply")
    boss.goto(f"{base}/a/{slug}/")
    sign_off(boss, base, slug, via_review=False)

    assessment.refresh_from_db()
    assert assessment.status == Status.FINAL
    assert SignOff.objects.filter(assessment=assessment).count() == 2
    response = ServiceResponse.objects.get(assessment=assessment)
    assert response.submitted_by_service and response.reply == REPLY

    # The PDF of the final version: the appendix (verbatim, then the reply) and the colophon.
    from assessments.outputs.report.render import render_pdf

    pdf = render_pdf(Assessment.objects.get(pk=assessment.pk))
    reader = PdfReader(io.BytesIO(pdf))
    flat = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Zienswijze van Kletsapp BV, ontvangen" in flat
    assert "Eigen tekst van de dienst, letterlijk opgenomen." in flat
    assert flat.index("betwisten de inschatting") < flat.index("handhaven hun inschatting")
    colophon = " ".join(reader.pages[-1].extract_text().split())
    assert "Colofon" in colophon and "Olaf Eigenaar (eigenaar)" in colophon
    assert "Berenschot" in colophon and "Ministerie van BZK" in colophon  # external


def sign_off(page, base: str, slug: str, *, via_review: bool = True) -> None:
    page.goto(f"{base}/a/{slug}/review/" if via_review else f"{base}/a/{slug}/")
    page.get_by_role("link", name="Definitief maken").click()
    page.get_by_label("stel deze beoordeling vast").check()
    page.locator("main").get_by_role("button", name="Definitief maken").click()
    page.get_by_text("is definitief").first.wait_for()
