"""End-to-end: a broken exchange file is refused with its problems in the user's language,
each at its place in the app's words (issue 12)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assessments.domain.constants import Role
from assessments.domain.exchange import export_assessment
from assessments.domain.models import Assessment
from tests import builders, factories
from tests.browser import log_in, member, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()
# Set KIA_SHOTS to a folder to keep screenshots of the pages (to look at them).
SHOTS = os.environ.get("KIA_SHOTS", "")


def _broken_file(tmp_path: Path) -> Path:
    document = export_assessment(builders.rich_assessment())
    document["risks"][1]["likelihood"]["score"] = "hgh"
    del document["assessment"]["title"]
    document["assessment"]["service_cooperated"] = "nee"
    document["sources"][1]["titel"] = "x"
    document["measures"][2]["due_date"] = "1-2-2025"
    path = tmp_path / "kapot.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _upload(page, base: str, path: Path, shot: str) -> None:
    page.goto(base + "/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("main form button.btn-primary").click()
    page.locator("#import-problems").wait_for()
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{shot}.png"), full_page=True)


def test_a_broken_file_is_explained_in_dutch_and_in_english(browser_page, tmp_path):
    page, base = browser_page
    org = factories.organisation(name="Leerlicht")
    member(org, Role.EDITOR, "eva")
    broken = _broken_file(tmp_path)
    before = Assessment.objects.count()
    log_in(page, base, "eva")

    _upload(page, base, broken, "import-errors-nl")
    problems = page.locator("#import-problems li").all_inner_texts()
    assert len(problems) == 5
    assert problems[0].startswith("Algemene gegevens, titel: Dit ontbreekt; het is verplicht.")
    assert problems[2].startswith("Risico R2, kans: 'hgh' is geen van de mogelijke waarden")
    assert "(in het bestand: $.risks[1].likelihood.score)" in problems[2]
    assert "is not" not in page.locator("main").inner_text()

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    _upload(page, base, broken, "import-errors-en")
    problems = page.locator("#import-problems li").all_inner_texts()
    assert problems[2].startswith("Risk R2, likelihood (kans): 'hgh' is not one of")
    assert Assessment.objects.count() == before

    # A phone: long paths in the list wrap instead of widening the page.
    page.context.add_cookies([{"name": "django_language", "value": "nl", "url": base}])
    page.set_viewport_size({"width": 390, "height": 844})
    _upload(page, base, broken, "import-errors-nl-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_risk_recorded_at_2_8_remembers_it(browser_page):
    page, base = browser_page
    org = factories.organisation(name="Leerlicht")
    member(org, Role.EDITOR, "eva")
    assessment = factories.assessment(org, title="KIA op Huiswerkmaatje")
    log_in(page, base, "eva")
    page.goto(f"{base}/a/{assessment.slug}/chapter/2/")
    page.locator("#q-2-8").get_by_role("link", name="Risico vastleggen dat naar boven kwam").click()
    page.get_by_text("Dit risico kwam naar voren bij vraag 2.8").wait_for()
    origin = page.get_by_label("Naar voren gekomen bij vraag")
    assert origin.input_value() == "2.8"
    assert page.get_by_label("Risicocategorie").input_value() == ""
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "risk-from-2.8-form-nl.png"), full_page=True)
    page.get_by_label("Risicocategorie").select_option("contact")
    page.get_by_label("Onderwerp").fill("Contact met onbekenden")
    page.locator("main form").get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"**/a/{assessment.slug}/chapter/2/**")
    page.goto(f"{base}/a/{assessment.slug}/chapter/3/")
    note = page.locator(".risk-origin")
    assert note.inner_text() == "Naar voren gekomen bij 2.8 zelfverwezenlijking"
    if SHOTS:
        note.scroll_into_view_if_needed()
        page.screenshot(path=str(Path(SHOTS) / "risk-card-origin-nl.png"))
    note.get_by_role("link").click()
    page.wait_for_url(f"**/a/{assessment.slug}/chapter/2/#q-2-8")
