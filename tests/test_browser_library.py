"""Issue 19 tried as a new user would, in headless Chromium at 1280 and 390 pixels: a new
assessment, three risks from the catalogue in two categories, a suggested measure accepted,
a contribution linked to article 31, and the coverage page naming them.

Set ``KIA_SHOTS=<folder>`` to keep a screenshot of each step there."""

from __future__ import annotations

import re

import pytest

from assessments.domain.constants import Role
from assessments.domain.models import Assessment, LibraryLink, Measure
from tests import factories
from tests.browser import logged_in, member, require, shot

ART_31 = re.compile(r"^Koppelen\W*art\. 31 ")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def _add_from_catalogue(page, base: str, slug: str, category: str, words: str) -> None:
    page.goto(f"{base}/a/{slug}/chapter/3/")
    page.locator(f"a[href$='catalogue/?category={category}']").click()
    page.get_by_label("Zoeken in veelvoorkomende risico's").fill(words)
    page.locator("#offers").get_by_role("button", name="Dit risico toevoegen").first.click()
    page.get_by_text("Risico toegevoegd uit de catalogus").wait_for()


@pytest.mark.parametrize("width", [1280, 390])
def test_risks_measures_links_and_coverage_as_a_new_user(browser, width):
    chromium, base = browser
    org = factories.organisation(name="Speelgoed BV", slug="speelgoed")
    member(org, Role.OWNER, "nina", first_name="Nina", last_name="Nieuw")
    page = logged_in(chromium, base, "nina")
    page.set_viewport_size({"width": width, "height": 900})
    tag = f"lib-{width}"

    # A new assessment.
    page.goto(f"{base}/new/")
    page.locator("#id_title").fill("KIA op Speelplein")
    page.locator("#id_service_name").fill("Speelplein")
    page.locator("input[name=kind]").first.check()
    page.locator("main").get_by_role("button").last.click()
    page.wait_for_url("**/a/**")
    assessment = Assessment.objects.get(title="KIA op Speelplein")
    slug = assessment.slug

    # Three risks from the catalogue in two categories.
    _add_from_catalogue(page, base, slug, "content", "zelfbeschadiging")
    shot(page, f"{tag}-1-risk-form")
    _add_from_catalogue(page, base, slug, "content", "eetstoornissen")
    _add_from_catalogue(page, base, slug, "contact", "")
    assert assessment.risks.count() == 3
    assert set(assessment.risks.values_list("category", flat=True)) == {"content", "contact"}
    assert LibraryLink.objects.filter(assessment=assessment, risk__isnull=False).count() == 3
    page.goto(f"{base}/a/{slug}/risks/catalogue/?category=content")
    shot(page, f"{tag}-2-catalogue")
    page.goto(f"{base}/a/{slug}/chapter/3/")
    shot(page, f"{tag}-3-chapter-3")

    # A suggested measure, accepted in one click.
    page.goto(f"{base}/a/{slug}/chapter/4/")
    shot(page, f"{tag}-4-suggestions")
    page.get_by_role("button", name="Deze maatregel toevoegen").first.click()
    page.get_by_text("Maatregel toegevoegd").wait_for()
    measure = Measure.objects.get(risk__assessment=assessment)
    assert LibraryLink.objects.filter(measure=measure).exists()
    shot(page, f"{tag}-5-measure-added")

    # A contribution linked to article 31 through the picker's search (htmx).
    page.goto(f"{base}/a/{slug}/chapter/2/")
    page.locator("#q-2-10").get_by_role("link", name="Aan rechten koppelen…").click()
    page.get_by_label("Woorden, of een verwijzing zoals „art. 31”").fill("art. 31")
    page.locator("#lib-results").get_by_role("button", name=ART_31).first.wait_for()
    shot(page, f"{tag}-6-picker")
    page.locator("#lib-results").get_by_role("button", name=ART_31).first.click()
    page.get_by_text("Gekoppeld: art. 31").wait_for()
    link = LibraryLink.objects.get(assessment=assessment, contribution__question="2.10")
    assert link.item.ref == "art. 31"
    page.goto(f"{base}/a/{slug}/chapter/2/#q-2-10")
    shot(page, f"{tag}-7-chip")

    # The coverage page names them, per framework and per DSA section.
    page.goto(f"{base}/a/{slug}/coverage/")
    ivrk = page.locator("#ivrk")
    assert "art. 31" in ivrk.inner_text() and "2.10" in ivrk.inner_text()
    assert "R1" in ivrk.inner_text()
    shot(page, f"{tag}-8-coverage")
    page.goto(f"{base}/a/{slug}/coverage/?view=dsa")
    shot(page, f"{tag}-9-coverage-dsa")
