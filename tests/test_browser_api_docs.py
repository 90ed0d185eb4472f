"""The API's interactive docs in Chromium: Swagger UI loads from our own static files under
the strict CSP (no CDN, no blocked script or style) and lists the operations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not CHROMIUM.exists():
    if os.environ.get("KIA_REQUIRE_BROWSER"):
        raise RuntimeError("KIA_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_docs_page_renders_from_local_files(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        problems: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{live_server.url}/api/v1/docs")
        page.wait_for_selector("#operations-rows-risks_update", timeout=15_000)
        title = page.locator(".title").first.inner_text()
        browser.close()
    assert "KIA API" in title
    assert not problems, problems  # CSP refusals and parser errors show up here
    assert all(url.startswith(live_server.url) for url in requests), requests
