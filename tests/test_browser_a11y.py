"""Accessibility as a test (issue 12): axe-core on every page (tests/a11y_pages.py lists
them, with the person who looks), for members and for anonymous visitors: no critical and
no serious violations, and no heading that skips a level. A subset again in English on a
390-pixel phone. And the fill-in journey with the keyboard alone.

axe-core comes from npm (``make axe``, run by ``make test``) into the git-ignored
node_modules; nothing is fetched while the test runs.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from assessments.domain.models import Answer, Risk
from tests import a11y_pages
from tests.browser import PASSWORD, log_in, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
require(AXE, skip="axe-core is not installed (make axe)", fail=f"{AXE} is missing: run `make axe`")

HEADINGS = """() => {
    // Headings as a screen reader lists them: visible, in document order.
    const found = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6,[role=heading]")]
      .filter(el => el.getClientRects().length && !el.closest("[aria-hidden=true]"));
    const skips = [];
    let previous = 0;
    for (const el of found) {
      const level = Number(el.getAttribute("aria-level") || el.tagName.slice(1)) || 2;
      if (level > previous + 1) {
        const text = el.textContent.trim().slice(0, 50);
        skips.push("h" + previous + " → h" + level + " “" + text + "”");
      }
      previous = level;
    }
    return skips;
}"""


def _problems(page, base: str, item: a11y_pages.Page, world) -> list[str]:
    """axe-core's critical and serious violations, and headings that skip a level, on the
    page ``item`` (after its action, if it has one)."""
    url = base + item.make_url(world)
    page.goto(url)
    if item.then is not None:
        item.then(page)
    where = f"{item.name} {item.label}".strip() + f" ({page.url.removeprefix(base)})"
    if item.name:
        shown = resolve(urlsplit(page.url).path).view_name
        assert shown == item.name, f"{where}: the browser is on {shown}, not on {item.name}"
    # Evaluated through the browser's debugging protocol: the pages' Content Security Policy
    # (scripts from 'self' only) stays in force for the pages themselves.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.axe = axe;")
    found = page.evaluate(
        """async (known) => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
              .filter(v => v.impact === "critical" || v.impact === "serious")
              .filter(v => !known.includes(v.id))
              .map(v => v.id + " (" + v.impact + "): "
                   + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }""",
        sorted(item.known),
    )
    if "heading-skip" not in item.known:
        found += [f"heading skips a level: {skip}" for skip in page.evaluate(HEADINGS)]
    return [f"{where}: {line}" for line in found]


def _log_in(page, base: str, username: str, *, english: bool = False) -> None:
    page.context.clear_cookies()
    if english:
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    log_in(page, base, username, english=english)


def _check(page, base: str, world, pages: list[a11y_pages.Page], *, english: bool = False):
    """Every page of ``pages``, each seen by its person (logged in once per person)."""
    problems: list[str] = []
    for who in dict.fromkeys(item.who for item in pages):
        if who:
            _log_in(page, base, who, english=english)
        else:
            page.context.clear_cookies()
            if english:
                page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        for item in pages:
            if item.who == who:
                problems += _problems(page, base, item, world)
    return problems


@pytest.fixture
def world(media):
    return a11y_pages.build()


def test_no_serious_accessibility_violations_for_anonymous_visitors(browser_page, world):
    page, base = browser_page
    anonymous = [item for item in a11y_pages.PAGES if item.who == a11y_pages.ANONYMOUS]
    problems = _check(page, base, world, anonymous)
    assert not problems, "\n".join(problems)


def test_no_serious_accessibility_violations_for_members(browser_page, world):
    page, base = browser_page
    members = [item for item in a11y_pages.PAGES if item.who != a11y_pages.ANONYMOUS]
    problems = _check(page, base, world, members)
    assert not problems, "\n".join(problems)


def test_no_serious_accessibility_violations_in_english_on_a_phone(browser_page, world):
    page, base = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    phone = [item for item in a11y_pages.PAGES if item.phone]
    problems = _check(page, base, world, phone, english=True)
    assert not problems, "\n".join(problems)


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


def test_the_fill_in_journey_works_with_the_keyboard_alone(browser_page, world):
    page, base = browser_page
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
