"""In the browser: the bell, the notifications, the settings, the language switch kept for
e-mail, and the organisation's action plan with overdue measures of two assessments.

With KIA_SHOTS=<folder> it also saves screenshots of each page there.
"""

from __future__ import annotations

import datetime

import pytest

from assessments.domain import events, notifications
from assessments.domain.constants import Role
from assessments.domain.models import Measure, OutgoingMail
from tests import factories
from tests.browser import log_in, member, require, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def test_notifications_settings_and_the_action_plan(browser_page):
    page, base = browser_page
    org = factories.organisation(name="Leerlicht")
    owner = member(org, Role.OWNER, "sanne", first_name="Sanne", last_name="Bakker")
    eva = factories.member(org, Role.EDITOR, first_name="Eva", last_name="de Vries")
    homework = factories.assessment(org, title="Huiswerkapp")
    chat = factories.assessment(org, title="Klassenchat")
    past = datetime.date(2026, 1, 15)
    Measure.objects.create(
        risk=factories.risk(homework, topic="Profilering"),
        title="Geen advertentieprofielen",
        owner_user=eva,
        due_date=past,
    )
    chat_risk = factories.risk(chat, topic="Pesten")
    Measure.objects.create(
        risk=chat_risk,
        title="Meldknop in elk gesprek",
        status="in_progress",
        owner="Team Veiligheid",
        due_date=past,
    )
    Measure.objects.create(
        risk=chat_risk, title="Moderatie", status="in_place", owner="Moderatieteam"
    )
    Measure.objects.create(
        risk=chat_risk,
        title="Leeftijdsgrens 16",
        status="dropped",
        status_reason="Vervangen door ouderlijke toestemming",
        owner="Juridische zaken",
    )
    events.emit(
        events.EventKind.REVIEW_REQUESTED,
        assessment=homework,
        recipients=[owner],
        actor=eva,
        path=f"/a/{homework.slug}/",
    )
    events.emit(
        events.EventKind.MENTION,
        assessment=chat,
        recipients=[owner],
        actor=eva,
        path=f"/a/{chat.slug}/chapter/3/",
        excerpt="@sanne kun jij de bron bij dit risico controleren?",
    )

    log_in(page, base, "sanne")

    shot(page, "dashboard-nl")
    bell = page.get_by_role("link", name="Meldingen")
    assert "2" in bell.inner_text()
    bell.click()
    assert page.get_by_role("link", name="Eva de Vries vraagt u “Huiswerkapp” te reviewen.")
    assert page.get_by_text("kun jij de bron bij dit risico controleren?").is_visible()
    shot(page, "notifications-nl")
    page.get_by_role("button", name="Alles als gelezen markeren").click()
    assert page.get_by_text("Alle meldingen zijn als gelezen gemarkeerd.").is_visible()
    assert "ongelezen" not in page.get_by_role("link", name="Meldingen").inner_text()

    page.get_by_role("link", name="Instellingen").click()
    shot(page, "preferences-nl")
    page.get_by_label("Genoemd in een opmerking: uit").check()
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_text("Uw meldingsinstellingen zijn opgeslagen.").is_visible()
    assert notifications.preferences(owner)["mention"] == "off"

    page.goto(base + f"/organisation/{org.slug}/actions/")
    assert page.get_by_text("2 over de termijn").is_visible()
    shot(page, "action-plan-nl")
    page.get_by_label("Alleen termijn verstreken").check()
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "Huiswerkapp" in rows.nth(0).inner_text() and "Klassenchat" in rows.nth(1).inner_text()
    shot(page, "action-plan-overdue-nl")

    # The owner sees e-mail that could not be sent, and queues it again.
    failed = OutgoingMail.objects.create(
        organisation=org, to="eva@example.org", subject="[KIA] Review gevraagd: Huiswerkapp",
        body="…", status="failed", attempts=6,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )  # fmt: skip
    page.goto(base + f"/organisation/{org.slug}/members/")
    assert page.get_by_text("1 niet verstuurd").is_visible()
    page.get_by_role("link", name="Uitgaande e-mail").click()
    assert page.get_by_text("Connection refused").is_visible()
    shot(page, "outbox-nl")
    page.get_by_role("button", name="Opnieuw proberen").click()
    assert page.get_by_text("De e-mail aan eva@example.org staat weer in de wachtrij.").is_visible()
    failed.refresh_from_db()
    assert failed.status == "queued"

    # English from the header: the pages, and from now on the e-mail too.
    page.goto(base + f"/organisation/{org.slug}/actions/")
    page.locator("header").get_by_label("Taal", exact=True).select_option("en")
    page.locator("header").get_by_role("button", name="Wissel").click()
    assert page.get_by_role("heading", name="Action plan").is_visible()
    assert notifications.language_of(owner) == "en"
    page.get_by_label("Overdue only").uncheck()
    page.get_by_role("button", name="Filter").click()
    shot(page, "action-plan-en")
    page.goto(base + "/notifications/")
    shot(page, "notifications-en")
    page.goto(base + "/notifications/preferences/")
    assert page.get_by_label("English").is_checked()
    shot(page, "preferences-en")
    page.goto(base + f"/a/{chat.slug}/risks/{chat_risk.pk}/measures/new/")
    page.locator("#id_title").fill("Leeftijdscheck")
    page.locator("input[name=status][value=dropped]").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Give a reason why the measure is dropped.").is_visible()
    shot(page, "measure-dropped-error-en")
    page.goto(base + f"/a/{chat.slug}/chapter/4/")
    shot(page, "chapter-4-en")
