"""Template helpers: Markdown with citations, score badges, instrument texts."""

from __future__ import annotations

import re
from collections import defaultdict
from html import unescape

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments.domain import instrument, scoring, states, weighing
from assessments.domain.models.risks import measure_is_overdue
from assessments.domain.scoring import RiskScore
from assessments.interfaces.web.links import image_url
from assessments.outputs.markdown import render, without_citations
from assessments.outputs.prepared import prepared
from assessments.outputs.report.content.formats import plain
from assessments.outputs.report.numbering import Numbering, numbering

register = template.Library()


def _citations(ws) -> tuple[dict, str, Numbering, dict]:
    """Sources, the sources URL, the report's numbering and the figures (once per page)."""
    cached = getattr(ws, "_citation_setup", None)
    if cached is None:
        sources = {s.key: s.citation for s in ws.sources}
        url = reverse("assessments:sources", args=[ws.assessment.slug])
        figures = {f.key: f for f in ws.figures}
        cached = ws._citation_setup = (sources, url, numbering(ws), figures)
    return cached


def _figure_html(figure, slug: str, number: int | None, block: bool) -> str:
    """A figure on a web page: placed (image, "Figure n", caption, source) or referred to."""
    label = _("Figure %(number)s") % {"number": number} if number else f"[fig:{figure.key}]"
    figures_url = reverse("assessments:figures", args=[slug])
    if not block:
        words = _("figure %(number)s") % {"number": number} if number else label
        anchor = f"{figures_url}#figure-{escape(figure.key)}"
        return f'<a class="figure-ref" href="{anchor}">{escape(words)}</a>'
    caption = f". {escape(figure.caption)}" if figure.caption.strip() else ""
    source = ""
    if figure.source is not None:
        source = escape(figure.source.citation)
    elif figure.source_text.strip() or figure.source_url:
        source = escape(" ".join(p for p in (figure.source_text.strip(), figure.source_url) if p))
    if source:
        source = f' <span class="figure-source">({escape(_("Source"))}: {source})</span>'
    return (
        f'<figure class="answer-figure figure">'
        f'<img class="figure-img img-fluid border" src="{image_url(figure, slug)}" '
        f'alt="{escape(figure.alt_text)}" loading="lazy">'
        f'<figcaption class="figure-caption"><span class="fw-semibold">{escape(label)}</span>'
        f"{caption}{source}</figcaption></figure>"
    )


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEADER_ROW = re.compile(r"<thead>.*?</thead>", re.S)
_HEADER_CELL = re.compile(r"<th(?: [^>]*)?>(.*?)</th>", re.S)


def _table_box(match: re.Match) -> str:
    """A Markdown table on a page: in a box of its own that scrolls sideways on a narrow
    screen (focusable, so the keyboard scrolls it too; named by its column headings, so
    that two tables on a page have two names)."""
    inner = match.group(1)
    head = _HEADER_ROW.search(inner)
    columns = [
        unescape(strip_tags(c)).strip() for c in _HEADER_CELL.findall(head.group(0) if head else "")
    ]
    named = ", ".join(c for c in columns if c)
    label = _("Table: %(columns)s") % {"columns": named[:120]} if named else _("Table")
    return (
        f'<div class="table-responsive answer-table" tabindex="0" role="region" '
        f'aria-label="{escape(label)}"><table>{inner}</table></div>'
    )


def _web_tables(html: str) -> str:
    return _TABLE.sub(_table_box, html) if "<table>" in html else html


@register.simple_tag
def markdown(text: str, ws=None, under: int = 3):
    """Render Markdown; with a workspace, citations link to the assessment's source list and
    carry the PDF's footnote numbers (``report.numbering``), figures are shown with the
    PDF's figure numbers. Headings in the text start one level below ``under`` (the
    renderer closes up the levels the text uses, so they never skip)."""
    offset = under
    if ws is None:
        return mark_safe(_web_tables(render(text, heading_offset=offset)))
    sources, sources_url, numbering, figures = _citations(ws)
    # The same text printed in several places (e.g. two residual risks described alike) has
    # other footnote numbers in each: the n-th time a page shows it, the PDF's n-th place.
    places = numbering.notes.get(text, ())
    seen = ws.__dict__.setdefault("_citing_texts_seen", defaultdict(int))
    place = min(seen[text], len(places) - 1) if places else 0
    seen[text] += 1

    numbers = iter(places[place] if places else ())

    def cite(key: str) -> str:
        if key in sources:
            number = next(numbers, None)  # None: the PDF does not print this text
            label = number if number is not None else escape(key)
            return (
                f'<sup class="citation"><a href="{sources_url}#source-{escape(key)}" '
                f'title="{escape(sources[key][:200])}">[{label}]</a></sup>'
            )
        return (
            f'<sup class="citation citation-missing"><a href="{sources_url}" '
            f'title="unknown source">[{escape(key)}?]</a></sup>'
        )

    def figure(key: str, block: bool) -> str:
        found = figures.get(key)
        if found is None:
            return f'<span class="citation-missing">[fig:{escape(key)}?]</span>'
        slug = ws.assessment.slug
        return _figure_html(found, slug, numbering.figures.get(key), block)

    # Rendered once per text (kept per process and in the shared cache); the numbers,
    # which follow the whole assessment, are filled in per page.
    ready = prepared(text, offset)
    if ready is None:
        return mark_safe(_web_tables(render(text, cite=cite, figure=figure, heading_offset=offset)))
    return mark_safe(_web_tables(ready.fill(cite, figure, offset)))


@register.filter
def unwrapped(html: str):
    """Rendered Markdown of one paragraph without its ``<p>``, to follow a label on its
    line (``{% markdown text ws as html %}<strong>Label:</strong> {{ html|unwrapped }}``);
    anything longer (a list, paragraphs) is left as it is."""
    return plain(mark_safe(html))


@register.filter
def verbatim(text: str) -> str:
    """The service's own words: a ``[^key]`` in them is text, not a citation."""
    return without_citations(text)


@register.filter
def overdue(measure) -> bool:
    """A planned or in-progress measure whose due date has passed."""
    return measure_is_overdue(measure.status, getattr(measure, "due_date", None))


@register.simple_tag
def score_badge(score: RiskScore):
    if score.level is None:
        css = "score-na" if score.state == "not_assessable" else "score-none"
        return format_html('<span class="score-badge {}">{}</span>', css, score.label)
    return format_html(
        '<span class="score-badge" style="background:{}">{}</span>', score.colour, score.label
    )


@register.filter
def question(number: str):
    return instrument.question(number)


@register.filter
def category(key: str):
    return instrument.category(key)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def instrument_chapters():
    return instrument.CHAPTERS


@register.simple_tag
def score_matrix(assessment) -> dict:
    """The scoring of every (likelihood, impact) pair with the assessment's matrix, for the
    live score in risk forms."""
    cells = {}
    for likelihood in scoring.SCALE:
        for impact in scoring.SCALE:
            result = scoring.score(likelihood, impact, assessment.matrix)
            cells[f"{likelihood}:{impact}"] = {"label": result.label, "colour": result.colour}
    na = scoring.score(scoring.Score.NOT_ASSESSABLE, scoring.Score.NOT_ASSESSABLE).label
    unscored = scoring.score("", "").label
    return {"cells": cells, "not_assessable": na, "unscored": unscored}


@register.filter
def anchor(number: str) -> str:
    """The id of a question's block on its chapter page, e.g. "2.3.1" → "q-2-3-1"."""
    return "q-" + str(number).replace(".", "-")


@register.filter
def gap_anchor(gap) -> str:
    """Where a gap of the overview (``completeness.Gap``) is on its chapter page: the row
    of its risk, else its question (the pre-scan's note "1": the outcome)."""
    if gap.risk is not None:
        return f"risk-{gap.risk}"
    number = gap.where.split()[0]
    return "outcome" if number == "1" else anchor(number)


@register.simple_tag
def lock_message(assessment) -> str:
    """Why the assessment cannot be edited now, or "" (``domain.states`` decides)."""
    return states.lock_message(assessment)


_STATE_GROUPS = {
    "editable": states.is_editable,
    "in_review": states.is_in_review,
    "settled": states.is_settled,
    "public": states.is_public,
}


@register.filter
def in_state(assessment, group: str) -> bool:
    """``{% if assessment|in_state:"settled" %}``: one of the lifecycle's groups of states
    (editable, in_review, settled, public), as ``domain.states`` defines them."""
    return _STATE_GROUPS[group](assessment)


@register.simple_tag
def history_url(assessment, obj=None) -> str:
    """The history page of the assessment, or of one of its rows (an answer, a risk, …)."""
    url = reverse("assessments:history", args=[assessment.slug])
    if obj is None or obj.pk is None:
        return url
    return f"{url}?entity={obj._meta.model_name}&object={obj.pk}"


@register.simple_tag
def weighing_reference(item) -> str:
    """Where a 5.3 row comes from, e.g. "(see 2.5)", in the reader's language."""
    return weighing.reference(item)
