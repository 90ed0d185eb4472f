"""End-to-end: comparing two assessments from the dashboard, on a desktop and at 390 px.

Runs where Debian's /usr/bin/chromium exists (see ``test_browser``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

from assessments.domain.constants import Role
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not CHROMIUM.exists():
    if os.environ.get("KIA_REQUIRE_BROWSER"):
        raise RuntimeError("KIA_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Wachtwoord-voor-de-test-1"


def test_compare_two_assessments_from_the_dashboard(live_server, settings):
    from playwright.sync_api import sync_playwright

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    org = factories.organisation(name="Ministerie", slug="ministerie")
    user = factories.user(username="toezicht")
    user.set_password(PASSWORD)
    user.save()
    org.memberships.create(user=user, role=Role.OWNER)
    a = factories.assessment(org, slug="app-a", title="KIA App A")
    b = factories.assessment(org, slug="app-b", title="KIA App B")
    factories.risk(a, category="contact", topic="Grooming", likelihood="high", impact="high")
    factories.risk(b, category="contact", topic="Grooming", likelihood="low", impact="low")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Gebruikersnaam").fill("toezicht")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Inloggen").click()
        page.goto(live_server.url + "/")
        page.get_by_label("„KIA App A” vergelijken").check()
        page.get_by_label("„KIA App B” vergelijken").check()
        page.get_by_role("button", name="Selectie vergelijken").click()
        page.wait_for_load_state()
        assert page.url.endswith("/compare/?a=ministerie/app-b&a=ministerie/app-a"), page.url
        assert page.get_by_role("heading", name="Vergelijking van assessments").is_visible()
        contact = page.locator("#cat-contact")
        assert contact.get_by_text("hoog in het ene, laag in het andere").is_visible()
        # At 390 px the tables stack: nothing sticks out to the side.
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        label = page.locator("td[data-label='A. KIA App B']").first
        assert label.is_visible()
        browser.close()
    connections.close_all()
