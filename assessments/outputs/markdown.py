"""Render user-written Markdown to safe HTML: the only way user text reaches a page or the PDF.

* Raw HTML in the text is shown as text, never interpreted (markdown-it ``html=False``).
* Images are never loaded: an image becomes its alt text, so neither a browser nor the
  PDF renderer fetches anything a user wrote.
* Links keep only http, https and mailto targets and in-page anchors.
* Citations ``[^key]`` are handed to a ``cite`` callback (see ``assessments.domain.citations``),
  so the web page and the report can number them their own way.
* Figures ``[[fig:key]]`` are handed to a ``figure`` callback: ``figure(key, block)``, where
  ``block`` says the reference stands alone in its paragraph (place the figure there) rather
  than inside a sentence (refer to it). Its HTML (an ``<img>`` the page or the report
  controls) is put in after sanitising, in place of a marker no user text can forge.
* A passage in another language is marked ``[text]{lang=en}`` (mdit-py-plugins' attributes
  on a span, ``lang`` only, a language tag only): pages, screen readers, the PDF's structure
  tree (``/Lang``, see ``report.artifacts``) and Word then know its language.
* The result passes through nh3 with a small allow-list (no scripts, styles or event
  handlers), as a second line of defence.
* Headings in answers are shifted down (``#`` becomes ``<h4>`` by default) so they sit
  below the page's own question headings.
* The cost is bounded: markdown-it's table, link and emphasis rules slow down more than
  linearly on pathological input (a 1,000-row table took seconds, a 3 MB one a minute).
  ``cost_plan`` counts the characters those rules react to, and a text with too many of
  them is rendered with those rules off (the text stays readable, as plain text). A text
  longer than ``MAX_CHARS`` is shown as plain, escaped text. Nesting is capped by
  markdown-it's ``maxNesting``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import cache
from html import escape

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.attrs import attrs_plugin

from assessments.domain.citations import CITATION_RE, FIGURE_RE

Cite = Callable[[str], str]  # source key -> HTML for the citation marker (trusted, ours)
Place = Callable[[str, bool], str]  # figure key, alone in its paragraph -> HTML (trusted, ours)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "sup": {"id", "class"},
    "span": {"class", "lang"},
    "ol": {"start"},
    "th": {"scope"},
}
# What a one-line text (a source's citation) may hold: emphasis, code, links, a language.
INLINE_TAGS = {"em", "strong", "s", "del", "code", "a", "span"}
URL_SCHEMES = {"http", "https", "mailto"}
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}\Z")

# Cost limits (see the module's docstring). Each is far above what a real answer holds:
# the Berenschot report's longest answer is about 5,000 characters with no table.
MAX_CHARS = 100_000  # longer (only possible in old data): plain text
MAX_TABLE_PIPES = 2_000  # "|" characters: about 100 rows of 20 cells
MAX_BRACKETS = 1_000  # "[" characters: links, images, citations
MAX_EMPHASIS = 2_000  # "*", "_" and "~" characters
MAX_NESTING = 20


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[^", state.pos):
        return False
    match = CITATION_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"key": match.group(1)}
    state.pos = match.end()
    return True


def _figure_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[fig:", state.pos):
        return False
    match = FIGURE_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("figure", "", 0)
        token.meta = {"key": match.group(1), "block": False}
    state.pos = match.end()
    return True


def _figure_blocks(state) -> None:
    """A figure reference alone in its paragraph places the figure: no paragraph around it."""
    tokens = state.tokens
    for index, block in enumerate(tokens):
        if block.type != "inline" or not 0 < index < len(tokens) - 1:
            continue
        children = [c for c in block.children or [] if c.type != "text" or c.content.strip()]
        opening, closing = tokens[index - 1], tokens[index + 1]
        if (
            len(children) == 1
            and children[0].type == "figure"
            and opening.type == "paragraph_open"
            and closing.type == "paragraph_close"
            and opening.level == 0
        ):
            children[0].meta["block"] = True
            block.children = children
            opening.hidden = closing.hidden = True


def cost_plan(text: str) -> frozenset[str]:
    """The markdown-it rules to leave off for ``text``, so that rendering stays fast."""
    off = set()
    if text.count("|") > MAX_TABLE_PIPES:
        off.add("table")
    if text.count("[") > MAX_BRACKETS:
        off.update({"link", "image", "reference", "span"})
    if text.count("*") + text.count("_") + text.count("~") > MAX_EMPHASIS:
        off.update({"emphasis", "strikethrough"})
    return frozenset(off)


@cache
def _parser(off: frozenset[str] = frozenset()) -> MarkdownIt:
    md = _build()
    if off:
        md.disable(sorted(off))
    return md


def _citation_spacing(state) -> None:
    """Citations hug their text: no space before a call, none inside a cluster.

    "text [^a] [^b]" prints as "text¹, ²" would, not "text ¹ ²": spaces before a citation
    are dropped, so a call never starts a line and a cluster always gets its commas.
    """
    for block in state.tokens:
        children = block.children or []
        for index, token in enumerate(children):
            if token.type != "citation" or not index:
                continue
            before = children[index - 1]
            if before.type == "text":
                before.content = before.content.rstrip(" \t")
            elif before.type == "softbreak":
                before.type, before.content = "text", ""


def _build() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING},
    )
    md.enable(["table", "strikethrough"])
    md.use(attrs_plugin, spans=True, after=("span_close",), allowed=["lang"])
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "figure", _figure_rule)
    md.core.ruler.after("inline", "citation_spacing", _citation_spacing)
    md.core.ruler.after("citation_spacing", "figure_blocks", _figure_blocks)

    def image(self, tokens, idx, options, env) -> str:
        alt = "".join(child.content for child in (tokens[idx].children or []))
        return f'<span class="image-omitted">{escape(alt)}</span>' if alt else ""

    def citation(self, tokens, idx, options, env) -> str:
        key = tokens[idx].meta["key"]
        # Citations side by side ([^a][^b], or with spaces between) get a separator, as
        # in "27, 28"; a narrow no-break space keeps the cluster on one line.
        previous = next((t for t in reversed(tokens[:idx]) if t.content or t.type != "text"), None)
        sep = (
            '<sup class="citation-sep">,\u202f</sup>'
            if previous is not None and previous.type == "citation"
            else ""
        )
        cite: Cite | None = env.get("cite")
        if cite is None:
            return f'{sep}<sup class="citation">[{escape(key)}]</sup>'
        return sep + cite(key)

    def figure(self, tokens, idx, options, env) -> str:
        key, block = tokens[idx].meta["key"], tokens[idx].meta["block"]
        place: Place | None = env.get("figure")
        if place is None:
            return f'<span class="figure-ref">[fig:{escape(key)}]</span>'
        # A marker now, the callback's HTML after sanitising (see ``render``).
        placed = env["figures"]
        placed.append(place(key, block))
        marker = f"\ue000{env['nonce']}-{len(placed) - 1}\ue001"
        return f"{marker}\n" if block else marker

    def heading_level(tokens, idx, env) -> int:
        # The levels a text uses are closed up and put below the page's own heading
        # (heading_offset): "## a" and "#### b" become h4 and h5, so levels never skip.
        if "heading_levels" not in env:
            used = {int(t.tag[1]) for t in tokens if t.type == "heading_open"}
            env["heading_levels"] = sorted(used)
        rank = env["heading_levels"].index(int(tokens[idx].tag[1]))
        return min(6, env.get("heading_offset", 3) + 1 + rank)

    def heading_open(self, tokens, idx, options, env) -> str:
        return f"<h{heading_level(tokens, idx, env)}>"

    def heading_close(self, tokens, idx, options, env) -> str:
        return f"</h{heading_level(tokens, idx, env)}>\n"

    md.add_render_rule("image", image)
    md.add_render_rule("citation", citation)
    md.add_render_rule("figure", figure)
    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    return md


_MD = _parser()


def without_citations(text: str) -> str:
    """``text`` with each ``[^key]`` kept as written: the service's own words (its
    response) cite none of the assessment's sources, so ``[^1]`` there is just text."""
    return (text or "").replace("[^", "\\[^")


_EMPTY_HEADER = re.compile(r"<th( [^>]*)?>\s*</th>")


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if name == "lang":
        return value if LANGUAGE_TAG.match(value) else None
    return value


def render(
    text: str, cite: Cite | None = None, heading_offset: int = 3, figure: Place | None = None
) -> SafeString:
    """Markdown → sanitised HTML. ``cite(key)`` renders each ``[^key]`` citation,
    ``figure(key, block)`` each ``[[fig:key]]``."""
    if not text or not text.strip():
        return mark_safe("")
    if len(text) > MAX_CHARS:
        paragraphs = (escape(p).replace("\n", "<br>") for p in text.split("\n\n"))
        return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs if p.strip()))
    md = _parser(cost_plan(text))
    env: dict = {"cite": cite, "heading_offset": heading_offset, "figure": figure}
    env.update(figures=[], nonce=secrets.token_hex(8))
    html = md.render(text, env)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )
    for index, placed in enumerate(env["figures"]):
        clean = clean.replace(f"\ue000{env['nonce']}-{index}\ue001", placed, 1)
    if "<th" in clean:  # an empty header cell (a table's corner) heads nothing: a plain cell
        clean = _EMPTY_HEADER.sub(r"<td\1></td>", clean)
    return mark_safe(clean)


def render_inline(text: str) -> SafeString:
    """A one-line text (a source's citation) → safe inline HTML: ``*Leesmonitor*`` prints in
    italics, no block (paragraph, list, heading, table) is made, a ``[^key]`` stays as
    written and an image is its alt text. Sanitised as ``render`` is."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    if len(text) > MAX_CHARS:
        return mark_safe(escape(text))
    html = _parser(cost_plan(text)).renderInline(without_citations(text), {})
    clean = nh3.clean(
        html,
        tags=INLINE_TAGS,
        attributes={"a": {"href", "title"}, "span": {"class", "lang"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )
    return mark_safe(clean)
