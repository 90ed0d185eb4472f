"""End-to-end: a new user walks through an assessment in headless Chromium (Playwright).

Runs where Debian's /usr/bin/chromium exists; with KIA_REQUIRE_BROWSER=1 (CI) a missing
browser is a failure instead of a skip. No browser is downloaded.
"""

from __future__ import annotations

import pytest

from assessments.domain.constants import Role
from assessments.domain.models import Answer, Assessment, Contribution, Goal, Measure, Risk
from assessments.domain.states import Status
from tests import factories
from tests.browser import PASSWORD, member, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def test_new_user_walks_through_an_assessment(browser_page):
    page, base = browser_page
    org = factories.organisation(name="Leerlicht")
    member(org, Role.OWNER, "sanne")

    # Log in.
    page.goto(base + "/")
    page.get_by_role("link", name="Inloggen").first.click()
    page.get_by_label("Gebruikersnaam").fill("sanne")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Assessments").wait_for()

    # Create an assessment.
    page.get_by_role("link", name="Nieuw assessment").click()
    page.get_by_label("Titel").fill("KIA op Huiswerkmaatje")
    page.get_by_label("Beoordeelde digitale dienst").fill("Huiswerkmaatje")
    page.locator("main").get_by_role("button", name="Aanmaken").click()
    page.get_by_role("heading", name="1. Voorbereidingen").wait_for()
    assessment = Assessment.objects.get(title="KIA op Huiswerkmaatje")

    # Pre-scan: 1.2 no and 1.3 yes stops the KIA; 1.3 no continues.
    q11, q12, q13 = (page.locator(f"#q-1-{n}") for n in (1, 2, 3))
    q11.get_by_label("ja").check()
    q12.get_by_label("nee").check()
    q13.get_by_label("ja").check()
    page.get_by_role("button", name="Pre-scan opslaan").click()
    assert "KIA is niet nodig" in page.locator("#outcome").inner_text()
    page.locator("#q-1-3").get_by_label("nee").check()
    page.get_by_role("button", name="Pre-scan opslaan").click()
    assert "KIA is nodig: ga door" in page.locator("#outcome").inner_text()

    # Chapter 3: add a scored risk; the score shows and the heat map places it.
    page.goto(f"{base}/a/{assessment.slug}/chapter/3/")
    page.locator("#q-3-3").get_by_role("link", name="Risico toevoegen").click()
    page.get_by_label("Onderwerp").fill("Pesten in de klassenchat")
    page.get_by_role("group", name="Kans", exact=True).get_by_label("hoog").check()
    page.get_by_role("group", name="Impact", exact=True).get_by_label("midden").check()
    page.locator("main").get_by_role("button", name="Opslaan").click()
    card = page.locator("article.risk-card").first
    assert "6 (hoog)" in card.inner_text()
    gross_map = page.locator("table.heatmap").first
    assert "R1" in gross_map.locator("tbody tr").nth(0).locator("td").nth(1).inner_text()

    # Chapter 4: a measure with an owner, then a lower residual risk moves R1 in the map.
    page.goto(f"{base}/a/{assessment.slug}/chapter/4/")
    page.get_by_role("link", name="Maatregel toevoegen").click()
    page.get_by_label("Maatregel*").fill("Meldknop en moderatie binnen 24 uur")
    page.get_by_label("of iemand anders (naam of team)").fill("Moderatieteam")
    page.locator("main").get_by_role("button", name="Opslaan").click()
    assert "Moderatieteam" in page.locator("#main").inner_text()
    page.get_by_role("link", name="Restrisico bewerken").click()
    page.get_by_role("group", name="Kans na maatregelen").get_by_label("laag").check()
    page.get_by_role("group", name="Impact na maatregelen").get_by_label("midden").check()
    page.locator("main").get_by_role("button", name="Opslaan").click()
    residual_map = page.locator("table.heatmap").nth(1)
    low_row = residual_map.locator("tbody tr").nth(2)
    assert "R1" in low_row.locator("td").nth(1).inner_text()

    # Chapter 5: pre-fill the 5.3 table from chapter 3 and write the weighing.
    page.goto(f"{base}/a/{assessment.slug}/chapter/5/")
    page.get_by_role("button", name="Vul in vanuit").click()
    assert "Pesten in de klassenchat (3.3)" in page.locator("#q-5-3").inner_text()
    weighing = page.locator("#q-5-3 textarea[id^=id_]")
    weighing.fill("De voordelen wegen op tegen het beperkte restrisico.")
    page.locator("#q-5-3").get_by_role("button", name="Opslaan").click()
    assert Answer.objects.get(assessment=assessment, question="5.3").text.startswith("De voordelen")

    # Switch to English.
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    page.get_by_role("heading", name="5. Weighing").wait_for()
    assert "Proportionality/balancing of interests" in page.locator("#q-5-3").inner_text()

    # The rest of the answers (typed by the team in the meantime), then mark final.
    _complete_the_rest(assessment)
    page.goto(f"{base}/a/{assessment.slug}/")
    page.get_by_role("link", name="Mark as final").click()
    page.get_by_text("Editing is locked until an owner reopens it").wait_for()  # asks first
    page.get_by_label("sign off this assessment with the attestation above").check()
    page.get_by_role("button", name="Mark as final").click()
    page.get_by_text("The assessment is final and recorded as a version").wait_for()
    assessment.refresh_from_db()
    assert assessment.status == Status.FINAL
    assert assessment.versions.get().number == 1


def _complete_the_rest(assessment: Assessment) -> None:
    for key in (
        "2.1",
        "2.2",
        "2.3.1",
        "2.3.2",
        "2.3.3",
        "2.4",
        "2.6",
        "2.7",
        "4.1",
        "5.1",
        "5.2",
        "5.4",
        "5.5",
        "5.6",
    ):
        Answer.objects.update_or_create(
            assessment=assessment, question=key, defaults={"text": f"Antwoord op {key}."}
        )
    for category in ("3.1", "3.2", "3.4", "3.5", "3.6", "3.7", "3.8"):
        Answer.objects.create(assessment=assessment, question=category, text="N.v.t.")
    Goal.objects.create(assessment=assessment, kind="main", title="Zelfstandig huiswerk maken")
    for number in ("2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14"):
        Contribution.objects.create(assessment=assessment, question=number, text="Bijdrage.")
    Assessment.objects.filter(pk=assessment.pk).update(
        next_reassessment_on="2027-09-01",
        # No children were consulted for this test's service, and the team says why.
        no_consultation_reason="Kinderen worden in de volgende ronde geraadpleegd.",
    )
    assert Measure.objects.filter(risk__assessment=assessment).exists()
    assert Risk.objects.filter(assessment=assessment).count() == 1


def test_keyboard_users_can_skip_to_the_content(browser_page):
    page, base = browser_page
    page.goto(base + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Direct naar de inhoud"
    assert page.evaluate("getComputedStyle(document.activeElement).position") == "absolute"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands on the first link of the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Inloggen"
