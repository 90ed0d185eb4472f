# ruff: noqa: F811  (the browser_page fixture is imported from test_browser)
"""Accessibility as a test (issue 12): axe-core on every page, for a member and for an
anonymous visitor: no critical and no serious violations. And the fill-in journey with the
keyboard alone.

axe-core comes from npm (``make axe``, run by ``make test``) into the git-ignored
node_modules; nothing is fetched while the test runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import editing, events, versions
from assessments.constants import GoalKind, Role, Status, VersionReason
from assessments.models import Answer, Assessment, Goal, Measure, OutgoingMail, Risk, Source
from tests import factories
from tests.test_browser import PASSWORD, browser_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    if os.environ.get("KIA_REQUIRE_BROWSER"):
        raise RuntimeError(f"{AXE} is missing: run `make axe`")
    pytest.skip("axe-core is not installed (make axe)", allow_module_level=True)

MARKDOWN = "# Aanpak\n\nTekst met een [link](https://example.org) in de zin.\n\n## Details\n\nMeer."


def _world():
    org = factories.organisation(name="Leerlicht")
    owner = factories.member(org, Role.OWNER, username="sanne")
    owner.set_password(PASSWORD)
    owner.save()
    a = factories.assessment(org, title="KIA op Huiswerkmaatje", service_name="Huiswerkmaatje")
    Answer.objects.create(assessment=a, question="2.1", text=MARKDOWN)
    Answer.objects.create(assessment=a, question="2.3.1", text=MARKDOWN)
    goal = Goal.objects.create(assessment=a, kind=GoalKind.MAIN, title="Zelfstandig leren")
    risk = factories.risk(a, topic="Pesten", likelihood="high", impact="medium")
    measure = Measure.objects.create(risk=risk, title="Meldknop", due_date="2020-01-01")
    source = Source.objects.create(assessment=a, key="ofcom", citation="Ofcom 2024")
    published = factories.assessment(org, title="KIA op ClipShare", service_name="ClipShare")
    Answer.objects.create(assessment=published, question="2.1", text=MARKDOWN)
    Assessment.objects.filter(pk=published.pk).update(
        status=Status.PUBLISHED, finalised_at=timezone.now(), published_at=timezone.now()
    )
    versions.record(a, actor=editing.SYSTEM, reason=VersionReason.MANUAL, name="Voor de review")
    Answer.objects.filter(assessment=a, question="2.1").update(text="Een andere tekst.")
    events.emit(
        events.EventKind.MENTION, assessment=a, recipients=[owner], excerpt="@sanne kijk even"
    )
    OutgoingMail.objects.create(
        organisation=org, to="x@example.org", subject="S", body="B", status="failed",
        attempts=6, last_error="ConnectionRefusedError: refused",
    )  # fmt: skip
    s = a.slug
    member_pages = [
        reverse("assessments:home"),
        reverse("assessments:new"),
        reverse("assessments:detail", args=[s]),
        *(reverse("assessments:chapter", args=[s, n]) for n in range(1, 6)),
        reverse("assessments:sources", args=[s]),
        reverse("assessments:appendix", args=[s]),
        reverse("assessments:versions", args=[s]),
        reverse("assessments:history", args=[s]),
        reverse("assessments:version_detail", args=[s, 1]),
        reverse("assessments:version_compare", args=[s]) + "?old=1&new=current",
        reverse("assessments:status", args=[s, "finalise"]),
        reverse("assessments:report", args=[s]),
        reverse("assessments:report_html", args=[s]),
        reverse("assessments:answer", args=[s, "2.1"]),
        reverse("assessments:prescan", args=[s]),
        reverse("assessments:contribution", args=[s, "2.8"]),
        reverse("assessments:reassessment", args=[s]),
        reverse("assessments:goal_edit", args=[s, goal.pk]),
        reverse("assessments:risk_new", args=[s]) + "?from=2.8",
        reverse("assessments:risk_edit", args=[s, risk.pk]),
        reverse("assessments:residual_edit", args=[s, risk.pk]),
        reverse("assessments:measure_edit", args=[s, risk.pk, measure.pk]),
        reverse("assessments:item_new", args=[s]),
        reverse("assessments:source_edit", args=[s, source.pk]),
        reverse("assessments:response_new", args=[s]),
        reverse("assessments:delete", args=[s, "risk", risk.pk]),
        reverse("assessments:import"),
        # Notifications and follow-up.
        reverse("assessments:notifications"),
        reverse("assessments:notification_preferences"),
        reverse("assessments:action_plan", args=[org.slug]),
        reverse("assessments:action_plan", args=[org.slug]) + "?due_before=gisteren",
        reverse("assessments:outbox", args=[org.slug]),
    ]
    public_pages = [
        reverse("assessments:home"),
        reverse("assessments:public"),
        reverse("assessments:public_detail", args=[published.organisation.slug, published.slug]),
        reverse(
            "assessments:public_report_html", args=[published.organisation.slug, published.slug]
        ),
        reverse("assessments:accessibility"),
        reverse("login"),
        reverse("password_reset"),
    ]
    return member_pages, public_pages


def _violations(page, url: str) -> list[str]:
    page.goto(url)
    # Evaluated through the browser's debugging protocol: the pages' Content Security Policy
    # (scripts from 'self' only) stays in force for the pages themselves.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.axe = axe;")
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
              .filter(v => v.impact === "critical" || v.impact === "serious")
              .map(v => v.id + " (" + v.impact + "): "
                   + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }"""
    )
    return [f"{url}: {line}" for line in found]


def _log_in(page, base: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("Gebruikersnaam").fill("sanne")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Assessments").wait_for()


def test_no_serious_accessibility_violations_for_anonymous_visitors(browser_page):
    page, base = browser_page
    _member_pages, public_pages = _world()
    problems = [p for url in public_pages for p in _violations(page, base + url)]
    assert not problems, "\n".join(problems)


def test_no_serious_accessibility_violations_for_members(browser_page):
    page, base = browser_page
    member_pages, _public_pages = _world()
    _log_in(page, base)
    problems = [p for url in member_pages for p in _violations(page, base + url)]
    assert not problems, "\n".join(problems)


def test_no_serious_accessibility_violations_in_english_on_a_phone(browser_page):
    page, base = browser_page
    member_pages, public_pages = _world()
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    problems = [p for url in public_pages[:3] for p in _violations(page, base + url)]
    _log_in_en(page, base)
    problems += [p for url in member_pages[2:8] for p in _violations(page, base + url)]
    assert not problems, "\n".join(problems)


def _log_in_en(page, base: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("Username").fill("sanne")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Assessments").wait_for()


def _tab_to(page, condition: str, limit: int = 150) -> None:
    """Press Tab until ``condition`` (JS, about ``el``, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def _follow(page, key: str) -> None:
    """Press ``key`` on a link or submit button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_fill_in_journey_works_with_the_keyboard_alone(browser_page):
    page, base = browser_page
    _world()
    page.goto(base + reverse("assessments:home"))
    _tab_to(page, "el.textContent.trim() === 'Inloggen'")
    _follow(page, "Enter")
    _tab_to(page, "el.name === 'username'")
    page.keyboard.type("sanne")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    _follow(page, "Enter")
    page.get_by_role("heading", name="Assessments").wait_for()
    _tab_to(page, "el.textContent.trim() === 'KIA op Huiswerkmaatje'")
    _follow(page, "Enter")
    _tab_to(page, "el.textContent.trim().startsWith('2. ')")
    _follow(page, "Enter")
    _tab_to(page, "el.id === 'id_2.2_text'")
    page.keyboard.type("Ouders en scholen, met het toetsenbord ingevuld.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()").startswith("Opslaan")
    _follow(page, "Enter")
    page.get_by_text("Opgeslagen").first.wait_for()
    answer = Answer.objects.get(question="2.2")
    assert answer.text == "Ouders en scholen, met het toetsenbord ingevuld."
    assert page.evaluate("document.activeElement.id") == "q-2-2"  # back where she was
    # Risks: the shortcut, the form and its score, all by keyboard.
    _tab_to(page, "el.textContent.includes('Risico vastleggen') && el.textContent.includes('2.8')")
    _follow(page, "Enter")
    assert "2.8" in page.locator("main .alert-info").inner_text()
    _tab_to(page, "el.name === 'category'")
    page.keyboard.press("ArrowDown")  # from "(not chosen)" to the first category, 3.1
    _tab_to(page, "el.name === 'topic'")
    page.keyboard.type("Vergelijken met klasgenoten")
    _tab_to(page, "el.name === 'likelihood'")
    for _ in range(3):  # radio group: the arrow keys choose (not scored → low → medium → high)
        page.keyboard.press("ArrowDown")
    _tab_to(page, "el.name === 'impact'")
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    assert "6 (hoog)" in page.locator("[data-score-output]").inner_text()
    _tab_to(page, "el.type === 'submit' && el.textContent.trim() === 'Opslaan'")
    _follow(page, "Enter")
    page.get_by_text("Risico vastgelegd").wait_for()
    risk = Risk.objects.get(topic="Vergelijken met klasgenoten")
    assert (risk.likelihood, risk.impact) == ("high", "medium")
    assert (risk.category, risk.raised_in) == ("content", "2.8")
