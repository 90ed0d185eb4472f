"""End-to-end: text kept in the browser (drafts) comes back only where it was typed and
only while it is unsaved (issue 22, item 1), in headless Chromium."""

from __future__ import annotations

import pytest

from assessments.domain.constants import Role
from assessments.domain.models import Membership, Risk, Source
from tests import factories
from tests.browser import log_in, member, require, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()

DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('kia-draft:'))"


def _team():
    org = factories.organisation(name="Leerlicht")
    member(org, Role.EDITOR, "eva")
    return org, factories.assessment(org, title="KIA op Huiswerkmaatje")


def _switch(page, org) -> None:
    page.locator("#org-select").select_option(str(org.pk))
    page.locator("#org-select ~ button").click()
    page.get_by_text(org.name).first.wait_for()


def _save(page) -> None:
    page.locator("#conflict-form").get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_load_state()


def test_a_saved_new_risk_is_not_offered_again_in_the_next_new_risk(browser_page):
    page, base = browser_page
    _org, assessment = _team()
    log_in(page, base, "eva")
    new_risk = f"{base}/a/{assessment.slug}/risks/new/"
    page.goto(new_risk)
    page.locator("input[name=topic]").fill("Pesten in de klassenchat")
    page.locator("textarea[name=description]").fill("Kinderen worden buitengesloten.")
    page.locator("textarea[name=likelihood_justification]").fill("Komt vaak voor bij 10-12.")
    _save(page)
    page.get_by_text("Risico vastgelegd").wait_for()
    assert Risk.objects.get(assessment=assessment).topic == "Pesten in de klassenchat"
    assert page.evaluate(DRAFT_KEYS) == []
    # The next "add a risk" opens empty: no banner, nothing carried over.
    page.goto(new_risk)
    shot(page, "drafts-second-risk")
    assert page.locator(".draft-notice").count() == 0
    assert page.locator("input[name=topic]").input_value() == ""
    assert page.locator("textarea[name=description]").input_value() == ""
    assert page.locator("textarea[name=likelihood_justification]").input_value() == ""
    page.locator("input[name=topic]").fill("Te veel schermtijd")
    _save(page)
    page.get_by_text("Risico vastgelegd").wait_for()
    second = Risk.objects.get(assessment=assessment, topic="Te veel schermtijd")
    assert second.likelihood_justification == ""
    assert second.description == ""


def test_a_saved_new_source_is_not_offered_again(browser_page):
    page, base = browser_page
    _org, assessment = _team()
    log_in(page, base, "eva")
    page.goto(f"{base}/a/{assessment.slug}/sources/new/")
    page.locator("input[name=key]").fill("leesmonitor")
    page.locator("textarea[name=citation]").fill("Leesmonitor, 2024.")
    _save(page)
    page.wait_for_url("**/sources/")
    assert Source.objects.filter(assessment=assessment, key="leesmonitor").exists()
    page.goto(f"{base}/a/{assessment.slug}/sources/new/")
    assert page.locator(".draft-notice").count() == 0
    assert page.locator("input[name=key]").input_value() == ""
    assert page.evaluate(DRAFT_KEYS) == []


def test_unsaved_text_comes_back_counted_and_shown(browser_page):
    page, base = browser_page
    _org, assessment = _team()
    log_in(page, base, "eva")
    new_risk = f"{base}/a/{assessment.slug}/risks/new/"
    page.goto(new_risk)
    text = "Nog niet af: een reden waarom de kans niet te schatten is."
    page.locator("textarea[name=likelihood_reason]").evaluate(
        "(area, text) => { area.value = text; area.dispatchEvent(new Event('input')); }", text
    )
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" yes
    page.goto(f"{base}/a/{assessment.slug}/chapter/3/")
    page.goto(new_risk)
    page.locator(".draft-notice").wait_for()
    reason = page.locator("textarea[name=likelihood_reason]")
    assert reason.input_value() == text
    # The field with restored text is shown, not hidden behind "not assessable".
    assert reason.is_visible()
    # The counter under it counts the restored text, not the empty form.
    counter = page.locator("textarea[name=likelihood_reason] + .form-text")
    assert counter.inner_text().startswith(f"{len(text)} /")


def test_a_draft_never_lands_in_another_organisations_assessment_with_the_same_slug(
    browser_page,
):
    page, base = browser_page
    org, assessment = _team()
    other = factories.organisation(name="Rekenrijk")
    Membership.objects.create(organisation=other, user=org.memberships.get().user, role=Role.EDITOR)
    twin = factories.assessment(other, title="KIA op Huiswerkmaatje", slug=assessment.slug)
    log_in(page, base, "eva")
    _switch(page, org)
    page.goto(f"{base}/a/{assessment.slug}/risks/new/")
    page.locator("input[name=topic]").fill("Alleen voor Leerlicht")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(base + "/")
    _switch(page, other)
    page.goto(f"{base}/a/{twin.slug}/risks/new/")
    assert page.locator("#conflict-form").get_attribute("data-draft").startswith(f"{twin.pk}:")
    assert page.locator(".draft-notice").count() == 0
    assert page.locator("input[name=topic]").input_value() == ""
