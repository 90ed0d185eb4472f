"""End-to-end: the editor never loses a word (issue 12), in headless Chromium.

Each data-loss case of the issue is reproduced here and must keep every word.
"""

from __future__ import annotations

import pytest

from assessments.domain import editing
from assessments.domain.constants import Role
from assessments.domain.models import Answer, Risk
from tests import factories
from tests.browser import log_in, member, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def _team(role: Role = Role.EDITOR):
    org = factories.organisation(name="Leerlicht")
    eva = member(org, role, "eva")
    return org, eva, factories.assessment(org, title="KIA op Huiswerkmaatje")


def test_saving_one_answer_keeps_the_text_typed_in_another(browser_page):
    page, base = browser_page
    _org, _eva, assessment = _team()
    log_in(page, base, "eva")
    page.goto(f"{base}/a/{assessment.slug}/chapter/2/")
    # Unanswered questions show their editor at once (no toggle that closes it).
    page.locator("#q-2-1 textarea[id^=id_]").fill("De dienst helpt kinderen met huiswerk.")
    page.locator("#q-2-2 textarea[id^=id_]").fill("Ouders en scholen zijn betrokken.")
    page.locator("#q-2-1").get_by_role("button", name="Opslaan").click()
    page.get_by_text("Opgeslagen").first.wait_for()
    assert Answer.objects.get(assessment=assessment, question="2.1").text.startswith("De dienst")
    # 2.2 was not saved, but its text is back in its form, with a notice.
    assert (
        page.locator("#q-2-2 textarea[id^=id_]").input_value()
        == "Ouders en scholen zijn betrokken."
    )
    assert "nog niet opgeslagen" in page.locator("#q-2-2 .draft-notice").inner_text()
    assert not Answer.objects.filter(assessment=assessment, question="2.2").exists()
    # Keyboard focus is back at the saved question.
    assert page.evaluate("document.activeElement.id") == "q-2-1"
    # Saving 2.2 stores it and the draft is gone.
    page.locator("#q-2-2").get_by_role("button", name="Opslaan").click()
    page.get_by_text("Opgeslagen").first.wait_for()
    assert Answer.objects.get(assessment=assessment, question="2.2").text.startswith("Ouders")
    assert page.locator(".draft-notice").count() == 0
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kia-draft:'))") == []


def test_leaving_a_page_with_unsaved_text_asks_first(browser_page):
    page, base = browser_page
    _org, _eva, assessment = _team()
    log_in(page, base, "eva")
    page.goto(f"{base}/a/{assessment.slug}/chapter/2/")
    page.locator("#q-2-1 textarea[id^=id_]").fill("Half af")
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="Overzicht").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.locator("#q-2-1 textarea[id^=id_]").input_value() == "Half af"


def test_a_save_against_a_deleted_risk_keeps_the_text_and_can_recreate_it(browser_page):
    page, base = browser_page
    org, _eva, assessment = _team()
    risk = factories.risk(assessment, topic="Pesten in de klassenchat")
    log_in(page, base, "eva")
    page.goto(f"{base}/a/{assessment.slug}/risks/{risk.pk}/")
    page.locator("textarea[name=description]").fill(
        "Kinderen worden buitengesloten in groepsgesprekken."
    )
    colleague = factories.member(org, Role.EDITOR)
    editing.delete(
        Risk.objects.get(pk=risk.pk),
        actor=editing.Actor(colleague),
        expected=None,
        assessment=assessment,
    )
    page.locator("main").get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Niet opgeslagen: dit is verwijderd").wait_for()
    shown = page.locator("main textarea").evaluate_all("nodes => nodes.map(n => n.value)")
    assert "Kinderen worden buitengesloten in groepsgesprekken." in shown
    page.get_by_role("button", name="Maak het opnieuw aan met mijn tekst").click()
    page.get_by_text("Risico vastgelegd").wait_for()
    again = Risk.objects.get(assessment=assessment)
    assert again.topic == "Pesten in de klassenchat"
    assert again.description == "Kinderen worden buitengesloten in groepsgesprekken."
    assert again.pk != risk.pk


def test_the_conflict_page_shows_the_words_that_differ(browser_page):
    page, base = browser_page
    org, _eva, assessment = _team()
    answer = Answer.objects.create(
        assessment=assessment, question="2.1", text="De dienst helpt kinderen met rekenen."
    )
    log_in(page, base, "eva")
    page.goto(f"{base}/a/{assessment.slug}/answer/2.1/")
    page.locator("main textarea").fill("De dienst helpt kinderen met taal.")
    answer.text = "De dienst helpt jongeren met rekenen."
    editing.save(
        answer,
        actor=editing.Actor(factories.member(org, Role.EDITOR, username="bob")),
        expected=answer.lock_version,
        assessment=assessment,
    )
    page.locator("main").get_by_role("button", name="Opslaan").click()
    conflict = page.locator("#conflict")
    conflict.wait_for()
    assert "bob" in conflict.inner_text()
    diff = conflict.locator(".word-diff")
    assert diff.locator("del").all_inner_texts() == ["jongeren", "rekenen."]
    assert diff.locator("ins").all_inner_texts() == ["kinderen", "taal."]
    # Her text is still in the form; saving it now replaces the other version.
    assert page.locator("main textarea").input_value() == "De dienst helpt kinderen met taal."
    page.get_by_role("button", name="Mijn versie opslaan").click()
    page.get_by_text("Opgeslagen").first.wait_for()
    answer.refresh_from_db()
    assert answer.text == "De dienst helpt kinderen met taal."
