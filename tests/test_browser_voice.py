"""End-to-end: the children's own voice (issue 20) in headless Chromium: a new member
records a consultation with a finding on a risk and writes a summary for children whose
reading level changes as it gets simpler."""

from __future__ import annotations

import pytest

from assessments.domain.constants import Role
from assessments.domain.models import Assessment, ConsultationFinding
from tests import factories
from tests.browser import log_in, member, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def test_a_consultation_with_a_finding_and_a_summary_that_gets_easier(browser_page):
    page, base = browser_page
    org = factories.organisation(name="Leerlicht")
    member(org, Role.EDITOR, "eva")
    assessment = factories.assessment(org, title="KIA op Huiswerkmaatje", language="nl")
    risk = factories.risk(assessment, topic="Pesten in de klassenchat")
    log_in(page, base, "eva")
    page.goto(f"{base}/a/{assessment.slug}/")
    # The overview names what final still needs: a consultation, or why there was none.
    assert "Leg een raadpleging van kinderen vast" in page.content()
    page.get_by_role("navigation", name="Onderdelen van het assessment").get_by_role(
        "link", name="Stem van kinderen"
    ).click()
    page.get_by_role("link", name="Raadpleging vastleggen").click()
    assert "Leg geen namen" in page.content()  # the warning against personal data
    page.get_by_label("Naam van de raadpleging").fill("Groep 8")
    page.locator("#id_method").select_option("focus_group")
    page.get_by_label("Hoe de instemming van de kinderen is verkregen").fill("Mondeling.")
    page.get_by_label("Hoe de toestemming van ouders is verkregen").fill("Via de school.")
    page.get_by_label("Het recht om te stoppen, en hoe dat is uitgelegd").fill("Altijd.")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("link", name="Bevinding toevoegen").click()
    page.get_by_label("Wat de kinderen zeiden").fill("Melden voelt eng.")
    page.locator("#id_risk").select_option(str(risk.pk))
    page.get_by_label("Wat er daardoor is veranderd").fill("Een stille meldknop.")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("R1 Pesten in de klassenchat").wait_for()
    assert ConsultationFinding.objects.get().risk == risk
    page.get_by_role("link", name="Schrijf de samenvatting voor kinderen").click()
    summary = page.get_by_label("Samenvatting voor kinderen")
    summary.fill(
        "Het platform personaliseert de inhoudsstroom op basis van interactiegegevens, "
        "waardoor minderjarige gebruikers langdurig worden blootgesteld aan content."
    )
    level = page.locator("#reading-level")
    level.get_by_text("streef naar 80 of meer").wait_for()
    summary.fill("De app kiest filmpjes voor je. Soms zijn die eng. Dan kun je ze melden.")
    level.get_by_text("geschikt voor kinderen", exact=True).wait_for()
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Soms zijn die eng.").wait_for()
    assert Assessment.objects.get(pk=assessment.pk).child_summary.startswith("De app kiest")
