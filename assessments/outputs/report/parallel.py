"""The report laid out in parts, in parallel, reusing the parts that did not change (issue 21).

``render(html, …)`` gives the same document as one WeasyPrint pass over ``html`` (the
serial path, ``engine.weasyprint_document``, kept as the reference and selectable with
``KIA_REPORT_PARALLEL=false``):

1. ``parts.split`` cuts the report where it starts a new page anyway; every part becomes a
   document of its own (``parts.part_document``);
2. the parts that are not in the cache (``partcache``) are laid out in child processes,
   at most one per core, the largest first; the front part is laid out too, with
   placeholder page numbers in its contents, to learn how many pages it has;
3. the contents' page numbers follow from the parts' page counts and the pages of their
   anchors; the front part is laid out again with them, and the pagination document
   ("pagina X van Y" on every page) beside it;
4. ``assembly.assemble`` puts the PDFs together, in a child process as well, so the
   process that asked holds neither a layout nor the merged document's objects.

A re-export after an edit finds every unchanged part in the cache: only the changed part is
laid out again (and the front part, if the contents' page numbers moved), then assembled.
Every child runs under the limits of ``child.render_many``: a failure anywhere fails the
whole render with the usual message."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from typing import cast

from django.conf import settings

from assessments.outputs.report import assembly, engine, partcache, parts
from assessments.outputs.report.child import Job, Limits, render_many

FRONT_PROBE = "front-probe"
FRONT = "front"
PAGINATION = "pagination"
_warm = False


def workers() -> int:
    configured = settings.KIA_RENDER_WORKERS
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(configured or cores or 1, 8))


def _warm_up(url_fetcher) -> None:
    """Import WeasyPrint and load its fonts once in this process, so that every child
    forked from it starts ready."""
    global _warm
    if not _warm:
        engine.weasyprint_document(
            '<html lang="nl"><title>-</title><p>-</p></html>', url_fetcher=url_fetcher
        )
        _warm = True


class _Renderer:
    def __init__(self, limits: Limits, heartbeat, url_fetcher) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds  # for the whole render
        self.heartbeat = heartbeat
        self.url_fetcher = url_fetcher
        self.laid_out: list[str] = []  # the documents laid out (not found in the cache)

    def _remaining(self) -> Limits:
        """The limits with what is left of the render's time."""
        return replace(self.limits, seconds=max(1, int(self.deadline - time.monotonic())))

    def _layout(self, html: str) -> bytes:
        return engine.weasyprint_document(html, url_fetcher=self.url_fetcher).content

    def pdfs(self, documents: dict[str, str]) -> dict[str, bytes]:
        """Each document's PDF: from the cache, or laid out in parallel (largest first)."""
        keys = {name: partcache.key(html) for name, html in documents.items()}
        found = {name: partcache.get(keys[name]) for name in documents}
        missing = sorted(
            (name for name, content in found.items() if content is None),
            key=lambda name: -len(documents[name]),
        )
        jobs = [Job(name, self._layout, documents[name]) for name in missing]
        made = cast(
            dict[str, bytes],
            render_many(jobs, self._remaining(), workers=workers(), heartbeat=self.heartbeat),
        )
        for name in missing:
            partcache.put(keys[name], made[name])
        self.laid_out += missing
        return {name: found[name] or made[name] for name in documents}

    def assemble(self, pdfs: list[assembly.PartPdf], pagination: bytes) -> bytes:
        job = Job("assembly", lambda _html: assembly.assemble(pdfs, pagination), "")
        made = render_many([job], self._remaining(), workers=1, heartbeat=self.heartbeat)
        return cast(bytes, made["assembly"])


def _toc_pages(
    whole: parts.Split,
    owners: dict[str, int],
    front_pages: int,
    outlines: list[tuple[int, dict[str, int]]],
) -> tuple[dict[str, int], int]:
    """The page number of every anchor the contents list, and the document's page count,
    from the body parts' ``assembly.outline``."""
    wanted = set(parts.toc_anchors(whole.front.body))
    numbers: dict[str, int] = {}
    start = front_pages
    for index, (pages, anchors) in enumerate(outlines, start=1):
        for name, page in anchors.items():
            if name in wanted and owners.get(name) == index:
                numbers[name] = start + page + 1
        start += pages
    return numbers, start


def render(
    html: str,
    *,
    limits: Limits,
    heartbeat: Callable[[], None] | None = None,
    url_fetcher=None,
    renderer: _Renderer | None = None,
) -> engine.RenderedPdf:
    """The report ``html`` as one tagged PDF, laid out in parts (see the module's text)."""
    _warm_up(url_fetcher)
    run = renderer or _Renderer(limits, heartbeat, url_fetcher)
    whole = parts.split(html)
    owners = whole.owner()
    documents = [parts.part_document(whole, i, owners) for i in range(len(whole.parts))]
    front = documents[0]
    probe = parts.with_toc_pages(front, dict.fromkeys(parts.toc_anchors(front), 0))
    named = {str(i): documents[i] for i in range(1, len(documents))}
    first = run.pdfs({FRONT_PROBE: probe} | named)
    body = [first[str(i)] for i in range(1, len(documents))]
    outlines = [assembly.outline(content) for content in body]
    front_pages = assembly.outline(first[FRONT_PROBE])[0]
    for _attempt in range(3):  # the contents' numbers hardly ever change its page count
        numbers, total = _toc_pages(whole, owners, front_pages, outlines)
        second = run.pdfs(
            {
                FRONT: parts.with_toc_pages(front, numbers),
                PAGINATION: parts.pagination_document(whole, total),
            }
        )
        pages = assembly.outline(second[FRONT])[0]
        if pages == front_pages:
            break
        front_pages = pages
    else:
        raise RuntimeError("the contents do not settle on a page count")
    pdfs = [
        assembly.PartPdf(content, frozenset(a for a, o in owners.items() if o == index))
        for index, content in enumerate([second[FRONT], *body])
    ]
    return engine.RenderedPdf(run.assemble(pdfs, second[PAGINATION]), total)
