"""Template helpers: Markdown with citations, score badges, instrument texts."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html

from assessments import instrument
from assessments.markdown import render
from assessments.scoring import RiskScore

register = template.Library()


@register.simple_tag
def markdown(text: str, ws=None):
    """Render Markdown; with a workspace, citations link to the assessment's source list."""
    if ws is None:
        return render(text)
    numbers = getattr(ws, "_source_numbers", None)
    if numbers is None:
        numbers = {s.key: (i, s.citation) for i, s in enumerate(ws.sources, start=1)}
        ws._source_numbers = numbers
        ws._sources_url = reverse("assessments:sources", args=[ws.assessment.slug])

    def cite(key: str) -> str:
        if key in numbers:
            n, citation = numbers[key]
            return (
                f'<sup class="citation"><a href="{ws._sources_url}#source-{escape(key)}" '
                f'title="{escape(citation[:200])}">[{n}]</a></sup>'
            )
        return (
            f'<sup class="citation citation-missing"><a href="{ws._sources_url}" '
            f'title="unknown source">[{escape(key)}?]</a></sup>'
        )

    return render(text, cite=cite)


@register.simple_tag
def score_badge(score: RiskScore):
    if score.level is None:
        css = "score-na" if score.state == "not_assessable" else "score-none"
        return format_html('<span class="score-badge {}">{}</span>', css, score.label)
    return format_html(
        '<span class="score-badge" style="background:{}">{}</span>', score.level.colour, score.label
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
