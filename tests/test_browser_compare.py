"""End-to-end: comparing two assessments from the dashboard, on a desktop and at 390 px.

Runs where Debian's /usr/bin/chromium exists (see ``test_browser``)."""

from __future__ import annotations

import pytest

from assessments.domain.constants import Role
from tests import factories
from tests.browser import log_in, member, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def test_compare_two_assessments_from_the_dashboard(browser_page):
    page, base = browser_page
    org = factories.organisation(name="Ministerie", slug="ministerie")
    member(org, Role.OWNER, "toezicht")
    a = factories.assessment(org, slug="app-a", title="KIA App A")
    b = factories.assessment(org, slug="app-b", title="KIA App B")
    factories.risk(a, category="contact", topic="Grooming", likelihood="high", impact="high")
    factories.risk(b, category="contact", topic="Grooming", likelihood="low", impact="low")
    log_in(page, base, "toezicht")
    page.goto(base + "/")
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
