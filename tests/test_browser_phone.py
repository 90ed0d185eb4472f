"""Every page fits a phone (issue 22, item 6; WCAG 1.4.10 reflow): at 390 pixels no page
of the two demo assessments, nor any other page with a table, scrolls sideways as a
whole. A table wider than the screen scrolls inside its own box, which the keyboard can
reach and which has a name, or it stacks; the buttons of a row stay on the screen.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments.domain import versions
from assessments.domain.constants import VersionReason
from assessments.domain.editing import Actor
from assessments.domain.models import Assessment, ServiceResponse
from tests.browser import PASSWORD, log_in, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()

WIDTH = 390
DEMOS = ("tiktok-2025", "voorbeeld-huiswerkapp")

# What sticks out: the page's own width, the elements that reach past the screen outside
# a box that scrolls, and the boxes that scroll sideways without a name or focus.
MEASURE = """(width) => {
    const scrolls = el => {
      const style = getComputedStyle(el);
      return ["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    };
    // Inside a box that scrolls or clips (a visually hidden text, a stacked table's
    // hidden header row), nothing reaches past the screen.
    const contained = el => {
      if (el.closest(".visually-hidden")) return true;
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
        if (getComputedStyle(up).overflowX !== "visible") return true;
      return false;
    };
    const out = [...document.querySelectorAll("main *")]
      .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > width + 1)
      .filter(el => !contained(el))
      .slice(0, 3)
      .map(el => el.tagName.toLowerCase() + "." + el.className + " → "
                 + Math.round(el.getBoundingClientRect().right) + " px");
    const unnamed = [...document.querySelectorAll("main *")].filter(scrolls)
      .filter(el => el.tabIndex < 0
                    || !(el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")))
      .slice(0, 3).map(el => el.tagName.toLowerCase() + "." + el.className);
    return {width: document.scrollingElement.scrollWidth, out, unnamed};
}"""


def _pages(demo: Assessment, other: Assessment) -> list[str]:
    a = demo.slug
    pages = [reverse("assessments:chapter", args=[a, n]) for n in range(1, 6)]
    pages += [
        reverse(f"assessments:{name}", args=[a])
        for name in ("detail", "sources", "appendix", "history", "versions", "report_html")
    ]
    pages.append(reverse("assessments:review", args=[a]))
    number = demo.versions.order_by("-number").values_list("number", flat=True).first()
    if number:
        pages.append(reverse("assessments:version_detail", args=[a, number]))
        compare = reverse("assessments:version_compare", args=[a])
        pages.append(f"{compare}?old={number}&new=current")
    org = demo.organisation.slug
    pages += [
        reverse("assessments:compare") + f"?a={org}/{a}&a={org}/{other.slug}",
        reverse("assessments:action_plan", args=[org]),
        reverse("assessments:members", args=[org]),
    ]
    return pages


@pytest.fixture
def demos(media):
    call_command("kia_demo", stdout=io.StringIO(), stderr=io.StringIO())
    user = get_user_model().objects.get(username="demo")
    user.set_password(PASSWORD)
    user.save()
    found = {a.slug: a for a in Assessment.objects.filter(slug__in=DEMOS)}
    homework = found["voorbeeld-huiswerkapp"]
    # A version to compare with, and the service's own response with headings and a table.
    versions.record(homework, actor=Actor(user), reason=VersionReason.MANUAL)
    ServiceResponse.objects.create(
        assessment=homework,
        author="De aanbieder",
        text="# Reactie\n\n| | Nu | Straks |\n|---|---|---|\n| Kans | hoog | laag |\n",
        submitted_by_service=True,
    )
    return found


def test_no_page_of_the_demos_is_wider_than_a_phone(browser_page, demos):
    page, base = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, base, "demo")
    tiktok, homework = demos["tiktok-2025"], demos["voorbeeld-huiswerkapp"]
    urls = _pages(tiktok, homework) + _pages(homework, tiktok)
    urls += [reverse("assessments:public"), reverse("assessments:home")]
    urls.append(reverse("assessments:public_detail", args=[tiktok.organisation.slug, tiktok.slug]))
    problems = []
    for url in urls:
        response = page.goto(base + url)
        assert response is not None and response.status == 200, url
        found = page.evaluate(MEASURE, WIDTH)
        if found["width"] > WIDTH + 1 or found["out"]:
            problems.append(f"{url}: {found['width']} px wide; {'; '.join(found['out'])}")
        if found["unnamed"]:
            problems.append(f"{url}: scrolls without name or focus: {'; '.join(found['unnamed'])}")
    assert not problems, "\n".join(problems)


def test_a_measure_s_buttons_stay_on_a_phone_s_screen(browser_page, demos):
    page, base = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, base, "demo")
    page.goto(base + reverse("assessments:chapter", args=["voorbeeld-huiswerkapp", 4]))
    delete = page.locator("main table a.btn-outline-danger").first
    box = delete.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
