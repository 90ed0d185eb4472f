"""The API's interactive docs in Chromium: Swagger UI loads from our own static files under
the strict CSP (no CDN, no blocked script or style) and lists the operations."""

from __future__ import annotations

import pytest

from tests.browser import require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()


def test_docs_page_renders_from_local_files(browser):
    chromium, base = browser
    page = chromium.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector("#operations-rows-risks_update", timeout=15_000)
    title = page.locator(".title").first.inner_text()
    assert "KIA API" in title
    assert not problems, problems  # CSP refusals and parser errors show up here
    assert all(url.startswith(base) for url in requests), requests
