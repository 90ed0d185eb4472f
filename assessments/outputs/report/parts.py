"""The report's HTML cut into parts that can be laid out on their own (issue 21).

The template marks where a part begins (``<!--kia-part:NAME-->``) only where the report
starts a new page anyway (the cover, the introduction, each chapter, the children's voice,
figures, appendix, annex, sources, colophon), so a part laid out alone has the pages it
has in the whole document. User text cannot contain the marker: Markdown goes through
nh3, which drops comments, and plain text is escaped.

A part's document is the report's own head and body start (stylesheet, watermark) around
the part's body, with three differences, all in ``part_document``:

* no page numbers in the footer: "pagina X van Y" is drawn over the assembled document
  (``pagination_document``), so a part never depends on where its pages start;
* the running header shows the report's title on every page (in the whole document the
  cover's title sets it), and a part's first page is not the document's first page;
* anchors that live in other parts are present as empty, invisible targets, so that
  WeasyPrint keeps the links to them; the assembly points them at the real place.

The front part (cover, summary for children, contents, front matter) is laid out last,
with the contents' page numbers written in (``with_toc_pages``)."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field

MARKER = re.compile(r"<!--kia-part:([a-z0-9-]+)-->")
_ID = re.compile(r'\sid="([^"]+)"')
_HREF = re.compile(r'\shref="#([^"]+)"')
_TITLE = re.compile(r'<h1 id="report-title" class="report-title">(.*?)</h1>', re.S)
_TOC = re.compile(r'<nav class="toc".*?</nav>', re.S)
_TOC_LINK = re.compile(r'<a href="#([^"]+)">')
_TAGS = re.compile(r"<[^>]+>")
FRONT = "front"
END = "end"
# Parts smaller than this (characters of HTML) are laid out together with the next one:
# every part pays for its own font subsetting (about a second), which small parts cannot
# earn back.
MIN_PART_CHARS = 40_000


@dataclass(frozen=True)
class Part:
    name: str
    body: str
    ids: frozenset[str] = field(default=frozenset())
    targets: frozenset[str] = field(default=frozenset())


@dataclass(frozen=True)
class Split:
    """The report's HTML as ``prefix``, its parts in print order, and ``suffix``."""

    prefix: str
    parts: tuple[Part, ...]
    suffix: str
    title: str

    @property
    def front(self) -> Part:
        return self.parts[0]

    def owner(self) -> dict[str, int]:
        """Which part (index) holds each anchor; the first when an id repeats."""
        owners: dict[str, int] = {}
        for index, part in enumerate(self.parts):
            for anchor in part.ids:
                owners.setdefault(anchor, index)
        return owners


def _part(name: str, body: str) -> Part:
    return Part(name, body, frozenset(_ID.findall(body)), frozenset(_HREF.findall(body)))


def split(html: str, *, min_chars: int = MIN_PART_CHARS) -> Split:
    """``html`` (the whole report) cut at its part markers. The front part stays on its
    own; a small part joins the one after it (the last joins the one before)."""
    pieces = MARKER.split(html)
    prefix, rest = pieces[0], pieces[1:]
    names, bodies = rest[0::2], rest[1::2]
    if not names or names[0] != FRONT or names[-1] != END:
        raise ValueError("the report's HTML has no part markers")
    suffix = bodies[-1]
    groups: list[tuple[str, str]] = [(names[0], bodies[0])]
    pending: tuple[str, str] | None = None
    for name, body in zip(names[1:-1], bodies[1:-1], strict=True):
        if pending is not None:
            name, body = pending[0], pending[1] + body
        pending = (name, body) if len(body) < min_chars else None
        if pending is None:
            groups.append((name, body))
    if pending is not None:
        if len(groups) > 1:
            last = groups.pop()
            pending = (last[0], last[1] + pending[1])
        groups.append(pending)
    title_match = _TITLE.search(groups[0][1])
    title = htmllib.unescape(_TAGS.sub("", title_match.group(1))) if title_match else ""
    return Split(
        prefix=prefix,
        parts=tuple(_part(name, body) for name, body in groups),
        suffix=suffix,
        title=title,
    )


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that is safe inside a ``<style>`` element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' or ord(c) < 32 else c for c in text)
    return f'"{escaped}"'


def _stubs(part: Part, owners: dict[str, int], index: int) -> str:
    """Empty targets for the anchors of other parts that this part links to."""
    foreign = sorted(t for t in part.targets - part.ids if owners.get(t, index) != index)
    if not foreign:
        return ""
    targets = "".join(f'<div id="{htmllib.escape(t)}"></div>' for t in foreign)
    return (
        '<div class="pdf-artifact part-targets" aria-hidden="true" '
        'style="position:absolute;top:0;left:0;width:0;height:0;overflow:hidden">'
        f"{targets}</div>"
    )


def _insert_after_first_tag(body: str, extra: str) -> str:
    if not extra:
        return body
    start = body.find("<section")
    end = body.find(">", start)
    if start < 0 or end < 0:
        return extra + body
    return body[: end + 1] + extra + body[end + 1 :]


def part_document(whole: Split, index: int, owners: dict[str, int]) -> str:
    """The HTML document that lays out part ``index`` alone."""
    part = whole.parts[index]
    title = css_string(whole.title)
    style = (
        "<style>@page { @bottom-right { content: none; } "
        f"@top-left {{ content: {title}; }} }}"
        + (
            ""
            if index == 0
            else f"@page :first {{ @top-left {{ content: {title}; }} "
            "@top-right { content: string(chapter); } }"
        )
        + "</style>"
    )
    meta = f'<meta name="kia-part" content="{part.name}">'
    prefix = whole.prefix.replace("<head>", "<head>" + meta, 1).replace(
        "</head>", style + "</head>", 1
    )
    body = _insert_after_first_tag(part.body, _stubs(part, owners, index))
    return prefix + body + whole.suffix


def with_toc_pages(front_html: str, pages: dict[str, int]) -> str:
    """The front part's document with the page of each contents entry written in (in the
    whole document WeasyPrint finds them with ``target-counter``)."""

    def number(match: re.Match) -> str:
        anchor = match.group(1)
        page = pages.get(anchor)
        return match.group(0) if page is None else f'<a href="#{anchor}" data-page="{page}">'

    def toc(match: re.Match) -> str:
        return _TOC_LINK.sub(number, match.group(0))

    style = (
        "<style>.toc a[data-page]::after "
        "{ content: leader('.') attr(data-page); font-weight: normal; }</style>"
    )
    return _TOC.sub(toc, front_html, count=1).replace("</head>", style + "</head>", 1)


def toc_anchors(front_html: str) -> list[str]:
    match = _TOC.search(front_html)
    return _TOC_LINK.findall(match.group(0)) if match else []


def pagination_document(whole: Split, pages: int) -> str:
    """A document of ``pages`` empty pages that only carry the footer's "pagina X van Y"
    (the report's own footer rule), drawn over the assembled parts."""
    head_end = whole.prefix.find("</head>")
    head = whole.prefix[:head_end] if head_end >= 0 else whole.prefix
    style = "<style>@page { @top-left { content: none; } @top-right { content: none; } }</style>"
    blank = '<div style="break-before: page"></div>'
    return f"{head}{style}</head><body><div></div>{blank * (pages - 1)}</body></html>"
