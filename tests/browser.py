"""What the browser tests (tests/test_browser*.py) share: Debian's Chromium or a skip, the
browser on the live server, the members who log in, and the log-in.

A browser test module calls ``require()`` below its imports: where /usr/bin/chromium is
missing the module is skipped, or, with KIA_REQUIRE_BROWSER=1 (CI), fails. No browser is
downloaded. The fixtures (``browser``, ``browser_page``, ``tasks_at_once``) are registered
for every test module by ``tests/conftest.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "Wachtwoord-voor-de-test-1"  # of every member who logs in (``member``)


def require(
    path: Path = CHROMIUM,
    *,
    skip: str = "Debian's chromium is not installed",
    fail: str = "KIA_REQUIRE_BROWSER is set but /usr/bin/chromium is missing",
) -> None:
    """Skip the calling test module unless ``path`` exists; with KIA_REQUIRE_BROWSER set,
    fail instead."""
    if path.exists():
        return
    if os.environ.get("KIA_REQUIRE_BROWSER"):
        raise RuntimeError(fail)
    pytest.skip(skip, allow_module_level=True)


@pytest.fixture
def browser(live_server, settings, monkeypatch):
    """Headless Chromium and the live server's URL: ``(browser, base)``.

    PDFs are queued, not rendered inside the request as the tests' "immediate" backend
    would (finalising queues the version's PDF; the renderer has tests of its own); a test
    that needs them made asks for ``tasks_at_once`` too."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SESSION_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.CSRF_COOKIE_SECURE = False
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium, live_server.url
        chromium.close()
        # ORM calls made while Playwright's loop runs use their own connection: close it,
        # or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def browser_page(browser):
    """A Dutch page of ``browser`` on a desktop screen: ``(page, base)``."""
    chromium, base = browser
    return new_page(chromium), base


@pytest.fixture
def tasks_at_once(browser, settings):
    """Tasks run at once (after ``browser``, which queues them): notification e-mail is sent
    (after commit) and PDFs are made inside the request, so the test can read both. The
    render's child process is forked from this process, whose address space holds the
    browser driver's threads too: it gets room (the limit is tested elsewhere)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.KIA_RENDER_MEMORY_MB = 16384


def shot(page, name: str) -> None:
    """A screenshot of the whole page as ``<name>.png`` in the folder KIA_SHOTS names, if
    it is set (to look at the pages a test went through)."""
    folder = os.environ.get("KIA_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def new_page(chromium, *, height: int = 900, timeout: int = 10_000):
    """A page in a fresh context (no cookies), in Dutch, 1280 pixels wide."""
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": height})
    page = context.new_page()
    page.set_default_timeout(timeout)
    return page


def member(org, role, username: str, **names):
    """A member of ``org`` with ``role`` who logs in as ``username`` with ``PASSWORD``."""
    return factories.member(org, role, username=username, password=PASSWORD, **names)


def logged_in(chromium, base: str, username: str):
    """A page in a browser context of its own, with ``username`` logged in."""
    page = new_page(chromium)
    log_in(page, base, username)
    return page


def log_in(page, base: str, username: str, *, english: bool = False) -> None:
    """Log ``username`` in on the log-in page (in English if the page speaks it) and wait
    for the dashboard."""
    page.goto(base + reverse("login"))
    page.get_by_label("Username" if english else "Gebruikersnaam").fill(username)
    page.get_by_label("Password" if english else "Wachtwoord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in" if english else "Inloggen").click()
    page.get_by_role("heading", name="Assessments").wait_for()
