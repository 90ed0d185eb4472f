"""Who has an item open for editing right now: short-lived entries in the cache.

An editor page (or a chapter page once the user starts typing) sends a heartbeat every
``HEARTBEAT_SECONDS``; an entry older than ``TTL_SECONDS`` no longer counts. Nothing here is
stored in the database: the notice is a courtesy, the lock version still guards every save.

The entries live in the default cache, so every process that serves editors must share it
(``CACHE_URL``: Redis, or the database cache; not ``locmem``). Two heartbeats for the same
item at the same instant may overwrite each other's entry; the next heartbeat restores it.
When the cache does not answer, nobody is shown as having anything open (and the outage is
logged): the notice steps aside, the page works.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.utils.text import get_text_list
from django.utils.translation import ngettext

from assessments.infra.cache import CACHE_ERRORS, log_outage

HEARTBEAT_SECONDS = 15
TTL_SECONDS = 45


def _key(assessment_id: int, item: str) -> str:
    digest = hashlib.sha256(item.encode()).hexdigest()[:32]
    return f"kia-presence:{assessment_id}:{digest}"


def _alive(entries: dict[str, float], now: float) -> dict[str, float]:
    return {name: seen for name, seen in entries.items() if now - seen < TTL_SECONDS}


def touch(assessment_id: int, item: str, name: str) -> list[str]:
    """Record that ``name`` has ``item`` open; the others who have it open, by name."""
    now = time.time()
    key = _key(assessment_id, item)
    try:
        entries = _alive(cache.get(key) or {}, now)
        entries[name] = now
        cache.set(key, entries, TTL_SECONDS)
    except CACHE_ERRORS as error:
        log_outage("presence", error)
        return []
    return sorted(n for n in entries if n != name)


def leave(assessment_id: int, item: str, name: str) -> None:
    key = _key(assessment_id, item)
    try:
        entries = _alive(cache.get(key) or {}, time.time())
        if entries.pop(name, None) is not None:
            cache.set(key, entries, TTL_SECONDS)
    except CACHE_ERRORS as error:
        log_outage("presence", error)


def others(assessment_id: int, item: str, name: str) -> list[str]:
    try:
        entries = _alive(cache.get(_key(assessment_id, item)) or {}, time.time())
    except CACHE_ERRORS as error:
        log_outage("presence", error)
        return []
    return sorted(n for n in entries if n != name)


def notice(names: list[str]) -> str:
    """The sentence shown next to the editor, or "" when nobody else has it open."""
    if not names:
        return ""
    return ngettext(
        "%(names)s also has this item open for editing. Save soon, or agree who writes.",
        "%(names)s also have this item open for editing. Save soon, or agree who writes.",
        len(names),
    ) % {"names": get_text_list(names)}
