"""A text's Markdown, rendered once per change of the text and kept.

Rendering is the costly part of a page (a table of a few hundred rows takes a tenth of a
second or more); what differs from page to page is only the numbers of the citations and
figures, which follow the whole assessment's sources. So a text is rendered with a marker
for each citation and figure (``Prepared``), and the page fills the markers in
(``Prepared.fill``): a change elsewhere in the assessment renumbers without rendering again.

Prepared texts are kept in this process (``RenderCache``, bounded in bytes) and, from
``SHARED_FROM`` characters up, in the shared cache too, so every process and every restart
profits from one rendering. The shared key holds a digest of the renderer's code and
libraries: a deployment that renders differently starts afresh. Without the cache (Redis
down) texts are rendered per process as before.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from threading import Lock

from django.core.cache import cache

from assessments.infra.cache import CACHE_ERRORS, log_outage
from assessments.outputs import markdown

OPEN, CLOSE = "\ue002", "\ue003"  # private-use characters: no text can contain them here
MARKER = re.compile(f"{OPEN}(\\d+){CLOSE}")
HEADING = re.compile(r"<(/?)h([1-6])>")
# Texts are rendered with headings from h3 (the renderer keeps no h1 or h2), which moves
# exactly to any place whose own heading is h2 or lower (``Prepared.fill``).
BASE_OFFSET = 2
SHARED_FROM = 4_000
SHARED_SECONDS = 7 * 24 * 3600
RENDERER = hashlib.sha256(
    Path(markdown.__file__).read_bytes()
    + version("markdown-it-py").encode()
    + version("nh3").encode()
).hexdigest()[:16]


@dataclass(frozen=True)
class Prepared:
    """A text's HTML with a marker for each citation (``("cite", key, False)``) and figure
    (``("figure", key, block)``), in the order they appear. Its headings start at h3
    (``BASE_OFFSET``): the place it is shown moves them below its own heading (``fill``'s
    ``heading_offset``), so the chapter page and the report share one rendering."""

    html: str
    calls: tuple[tuple[str, str, bool], ...]

    def fill(
        self,
        cite: Callable[[str], str],
        figure: Callable[[str, bool], str],
        heading_offset: int = 3,
    ) -> str:
        """The HTML with its headings ``heading_offset`` levels down (at most h6, as
        ``markdown.render`` places them) and each marker replaced, calling ``cite`` and
        ``figure`` in order."""
        html = self.html
        shift = heading_offset - BASE_OFFSET
        if shift and "<h" in html:
            html = HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}>", html)
        if not self.calls:
            return html
        pieces = [cite(key) if kind == "cite" else figure(key, block)
                  for kind, key, block in self.calls]  # fmt: skip
        return MARKER.sub(lambda found: pieces[int(found.group(1))], html)


class RenderCache:
    """Recently prepared texts, per process. Bounded in bytes (text + HTML, counted as
    characters), not in entries: a few huge answers cannot make every server process grow
    for good. An item larger than an eighth of the budget is not kept at all."""

    def __init__(self, max_bytes: int = 16 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.items: OrderedDict[tuple, Prepared] = OrderedDict()
        self.lock = Lock()

    @staticmethod
    def _cost(key: tuple, prepared: Prepared) -> int:
        return len(key[-1]) + len(prepared.html) + 200  # the text, the HTML, the bookkeeping

    def get(self, key: tuple, make: Callable[[], Prepared]) -> Prepared:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return found
        prepared = make()
        cost = self._cost(key, prepared)
        if cost > self.max_bytes // 8:
            return prepared
        with self.lock:
            if key not in self.items:
                self.items[key] = prepared
                self.bytes += cost
            while self.bytes > self.max_bytes:
                old_key, old = self.items.popitem(last=False)
                self.bytes -= self._cost(old_key, old)
        return prepared


LOCAL = RenderCache()


def _render(text: str) -> Prepared:
    calls: list[tuple[str, str, bool]] = []

    def mark(kind: str, key: str, block: bool) -> str:
        calls.append((kind, key, block))
        return f"{OPEN}{len(calls) - 1}{CLOSE}"

    html = markdown.render(
        text,
        cite=lambda key: mark("cite", key, False),
        figure=lambda key, block: mark("figure", key, block),
        heading_offset=BASE_OFFSET,  # moved down where it is shown (``Prepared.fill``)
    )
    return Prepared(str(html), tuple(calls))


def _shared(text: str) -> Prepared:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    key = f"kia:md:{RENDERER}:{digest}"
    try:
        found = cache.get(key)
    except CACHE_ERRORS as error:
        log_outage("the shared Markdown cache", error)
        return _render(text)
    if isinstance(found, Prepared):
        return found
    prepared = _render(text)
    try:
        cache.set(key, prepared, SHARED_SECONDS)
    except CACHE_ERRORS as error:
        log_outage("the shared Markdown cache", error)
    return prepared


def prepared(text: str, heading_offset: int = 3) -> Prepared | None:
    """``text`` rendered with markers, from a cache when it was rendered before, for a
    place whose headings end at ``heading_offset``; None for a text that holds the marker
    characters itself, or a place above h2 (render those directly)."""
    if OPEN in text or CLOSE in text or heading_offset < BASE_OFFSET:
        return None
    if len(text) < SHARED_FROM:
        return LOCAL.get(("", text), lambda: _render(text))
    return LOCAL.get(("", text), lambda: _shared(text))
