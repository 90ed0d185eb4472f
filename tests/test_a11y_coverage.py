"""Every HTML page of the app is in the axe-core test's list (tests/a11y_pages.py), or
exempt there with a reason: a new page cannot slip past the accessibility check."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.a11y_pages import EXEMPT, EXEMPT_NAMESPACES, PAGES


def _names(patterns, namespace: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            found |= _names(pattern.url_patterns, joined)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return found


def _exempt_namespace(name: str) -> bool:
    return name.split(":", 1)[0] in EXEMPT_NAMESPACES and ":" in name


def test_every_page_url_is_checked_for_accessibility_or_exempt_with_a_reason():
    checked = {page.name for page in PAGES if page.name}
    routed = _names(get_resolver().url_patterns)
    missing = sorted(name for name in routed - checked - set(EXEMPT) if not _exempt_namespace(name))
    assert not missing, (
        "Add these pages to PAGES in tests/a11y_pages.py (or to EXEMPT with a reason): "
        + ", ".join(missing)
    )


def test_the_lists_name_only_urls_that_exist():
    routed = _names(get_resolver().url_patterns)
    listed = {page.name for page in PAGES if page.name} | set(EXEMPT)
    assert not sorted(listed - routed)
    assert all(reason.strip() for reason in EXEMPT.values())
    assert not set(EXEMPT) & {page.name for page in PAGES}, "checked and exempt at once"
