"""Footnotes and figures, numbered through the report as a reader meets them.

``Citations`` gives ``markdown.render`` its ``cite`` and ``figure`` callbacks: every
occurrence of a citation gets a footnote of its own (as in the Berenschot report, which
repeats sources in full), and figures (``[[fig:key]]``) are numbered in order of first
reference. It remembers which numbers each text got, for the web pages
(``report.numbering``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessments.domain.models import Figure, Source
from assessments.outputs import markdown
from assessments.outputs.prepared import prepared
from assessments.outputs.report import fetcher as fetchers
from assessments.outputs.report.content.formats import long_date


@dataclass(frozen=True)
class Footnote:
    number: int
    key: str
    source: Source


class Citations:
    """The ``cite`` and ``figure`` callbacks for ``markdown.render``: numbers citations
    (footnotes) and figures through the document, and remembers which numbers each text got."""

    def __init__(self, sources: list[Source], figures: list[Figure] | None = None):
        self.by_key = {source.key: source for source in sources}
        self.footnotes: list[Footnote] = []
        self.missing: list[str] = []  # unknown keys, in order of appearance (with repeats)
        self._texts: dict[str, str] = {}
        self.figures = {figure.key: figure for figure in figures or []}
        self.figure_numbers: dict[str, int] = {}  # key -> "Figuur n", in order of reference
        self.figure_notes: dict[str, int] = {}  # key -> the footnote of its source
        self.placed: set[str] = set()  # figures printed in the text
        self.missing_figures: list[str] = []
        # Markdown text -> its citations' numbers, per occurrence in print order
        self.by_text: dict[str, list[tuple[int, ...]]] = defaultdict(list)
        self._calls: list[int] = []

    def render(self, text: str, heading_offset: int) -> SafeString:
        start = len(self._calls)
        ready = prepared(text, heading_offset)  # rendered once per text, also for the pages
        if ready is not None:
            html = SafeString(ready.fill(self.cite, self.figure, heading_offset))
        else:
            html = markdown.render(
                text, cite=self.cite, figure=self.figure, heading_offset=heading_offset
            )
        if len(self._calls) > start:
            self.by_text[text].append(tuple(self._calls[start:]))
        return html

    def cite(self, key: str) -> str:
        source = self.by_key.get(key)
        if source is None:
            self.missing.append(key)
            return (
                f'<span class="citation-missing">[{escape(_("source missing"))}: '
                f"{escape(key)}]</span>"
            )
        html = self.note(source)
        self._calls.append(self.footnotes[-1].number)
        return html

    def note(self, source: Source, *, key: str | None = None) -> str:
        """A new footnote for ``source`` (counted as a note of source ``key``, by default
        its own): the call, and the note that WeasyPrint floats to the foot of the page."""
        number = len(self.footnotes) + 1
        self.footnotes.append(Footnote(number, source.key if key is None else key, source))
        # The call links to its note and the note's number back to the call.
        return (
            f'<sup class="fn-call"><a href="#fn-{number}" id="fnref-{number}">{number}</a></sup>'
            f'<span class="footnote"><a class="fn-number" id="fn-{number}" '
            f'href="#fnref-{number}">{number}</a> {self.text(source)}</span>'
        )

    def text(self, source: Source) -> str:
        """The footnote's text: the citation (its inline Markdown rendered), its URL and when
        it was accessed (HTML)."""
        if not source.key:  # a figure's own source text
            return self._text(source)
        if source.key not in self._texts:
            self._texts[source.key] = self._text(source)
        return self._texts[source.key]

    @staticmethod
    def _text(source: Source) -> str:
        parts = [str(markdown.render_inline(source.citation))]
        if source.url:
            url = escape(source.url)
            parts.append(f'<a class="url" href="{url}">{url}</a>')
        if source.accessed_on:
            accessed = _("accessed on %(date)s") % {"date": long_date(source.accessed_on)}
            parts.append(f"({escape(accessed)})")
        return " ".join(part for part in parts if part)

    def figure_number(self, key: str) -> int:
        return self.figure_numbers.setdefault(key, len(self.figure_numbers) + 1)

    def figure(self, key: str, block: bool) -> str:
        figure = self.figures.get(key)
        if figure is None:
            self.missing_figures.append(key)
            missing = _("figure missing")
            return f'<span class="citation-missing">[{escape(missing)}: {escape(key)}]</span>'
        number = self.figure_number(key)
        if block and key not in self.placed:
            self.placed.add(key)
            return self.figure_html(figure)
        label = _("figure %(number)s") % {"number": number}
        return f'<a class="figure-ref" href="#figure-{number}">{escape(label)}</a>'

    def figure_html(self, figure: Figure) -> str:
        """The figure as printed: the image with its alt text, "Figuur n", the caption and
        its source as a footnote."""
        number = self.figure_number(figure.key)
        source = figure_source(figure)
        note = ""
        if source is not None:
            note = self.note(source, key=figure.source.key if figure.source else None)
            self.figure_notes[figure.key] = self.footnotes[-1].number
        label = _("Figure %(number)s") % {"number": number}
        caption = escape(figure.caption.strip())
        return (
            f'<figure class="report-figure" id="figure-{number}">'
            f'<img src="{escape(fetchers.figure_url(figure.image.name))}" '
            f'alt="{escape(figure.alt_text)}">'
            f'<figcaption><span class="figure-number">{escape(label)}</span>'
            f"{'. ' + caption if caption else ''}{note}</figcaption></figure>"
        )


def figure_source(figure: Figure) -> Source | None:
    """The source a figure's caption cites: its linked source, its own source text and
    address, or both (the team named a source and wrote where in it, or the address of
    the page itself): then the note prints the linked source first."""
    own_text, own_url = figure.source_text.strip(), figure.source_url
    if figure.source_id is not None and figure.source is not None:
        linked = figure.source
        if not (own_text or own_url):
            return linked
        cited = " ".join(part for part in (linked.citation.strip(), linked.url) if part)
        return Source(
            key="",  # not the linked source's own note text: printed as it is here
            citation=f"{cited}; {own_text}" if own_text else cited,
            url=own_url,
            accessed_on=linked.accessed_on,
        )
    if own_text or own_url:
        return Source(key="", citation=own_text, url=own_url)
    return None
