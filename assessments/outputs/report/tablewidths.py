"""Column widths for the Word and ODT report: every table spans the text width.

pandoc gives a table without column widths Word's "auto" width: it shrinks to its content,
and a long cell (a measure) runs down the page one word per line. The PDF's tables are
``width: 100%`` with columns laid out by the browser's automatic algorithm (CSS 2.1,
17.5.2.2), or by fixed widths in the stylesheet (``.measures-table col.col-risk``). Here
each table gets a ``<colgroup>`` of percentages that pandoc turns into a full-width table:

* a column with a class that the stylesheet gives a width keeps that width (as printed);
* otherwise widths follow the content as the automatic algorithm does, counted in
  characters: each column's minimum is its longest word, its maximum its longest cell; if
  the maxima fit the text width the columns get them, else each gets its minimum plus a
  share of what is left in proportion to ``maximum - minimum``.

Pure text in, text out (``html.parser``: no database, no Django), so it runs in the
limited child process with pandoc.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

LINE_CHARS = 95  # characters of body text on a line of the text width
LONGEST_WORD = 20  # a URL or a long compound breaks somewhere
MIN_SHARE = 6.0  # no column narrower than this percentage
_CSS_RULE = re.compile(r"\.([\w-]+)\s+col\.([\w-]+)\s*\{\s*width:\s*([\d.]+)%")


@cache
def stylesheet_widths() -> dict[tuple[str, str], float]:
    """(table class, column class) → width in % from the report's stylesheet."""
    found = finders.find("report/report.css")
    path = Path(found) if found else Path(settings.BASE_DIR) / "static/report/report.css"
    css = path.read_text(encoding="utf-8")
    return {(t, c): float(w) for t, c, w in _CSS_RULE.findall(css)}


@dataclass
class _Table:
    start: int  # where the colgroup goes: after the <table …> tag, or after its caption
    classes: list[str]
    col_classes: list[str] = field(default_factory=list)
    colgroups: list[tuple[int, int]] = field(default_factory=list)  # spans to remove
    colgroup_start: int | None = None
    minimum: dict[int, int] = field(default_factory=dict)
    maximum: dict[int, int] = field(default_factory=dict)
    columns: int = 0
    column: int = 0  # the next cell's column in the current row
    spans: dict[int, int] = field(default_factory=dict)  # column -> rows still covered
    cell: list[str] | None = None
    cell_column: int = 0
    cell_span: int = 1


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


class _Scanner(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.lines = [0]
        for match in re.finditer("\n", html):
            self.lines.append(match.end())
        self.stack: list[_Table] = []
        self.done: list[_Table] = []

    def position(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            end = self.position() + len(self.get_starttag_text() or "")
            self.stack.append(_Table(end, (values.get("class") or "").split()))
            return
        if not self.stack:
            return
        table = self.stack[-1]
        if tag == "colgroup":
            table.colgroup_start = self.position()
        elif tag == "col":
            table.col_classes.append((values.get("class") or "").strip())
        elif tag == "tr":
            table.column = 0
        elif tag in ("td", "th"):
            while table.spans.get(table.column, 0) > 0:  # covered by a cell above
                table.spans[table.column] -= 1
                table.column += 1
            table.cell, table.cell_column = [], table.column
            table.cell_span = _int(values.get("colspan"))
            rows = _int(values.get("rowspan"))
            for index in range(table.column, table.column + table.cell_span):
                if rows > 1:
                    table.spans[index] = rows - 1
            table.column += table.cell_span
            table.columns = max(table.columns, table.column)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "col" and self.stack:
            self.stack[-1].col_classes.append((dict(attrs).get("class") or "").strip())

    def handle_data(self, data: str) -> None:
        for table in self.stack:  # a nested table's text widens the cell around it too
            if table.cell is not None:
                table.cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        table = self.stack[-1]
        if tag == "caption" and not table.columns:  # a caption comes first: ours after it
            table.start = self.html.index(">", self.position()) + 1
        elif tag == "colgroup" and table.colgroup_start is not None:
            end = self.html.index(">", self.position()) + 1
            table.colgroups.append((table.colgroup_start, end))
            table.colgroup_start = None
        elif tag in ("td", "th") and table.cell is not None:
            text = " ".join("".join(table.cell).split())
            table.cell = None
            if table.cell_span == 1:
                index = table.cell_column
                longest = max((len(word) for word in text.split()), default=0)
                table.minimum[index] = max(table.minimum.get(index, 1), min(longest, LONGEST_WORD))
                table.maximum[index] = max(table.maximum.get(index, 1), len(text))
        elif tag == "tr":
            for index in range(table.column, table.columns):  # a short row
                if table.spans.get(index, 0) > 0:
                    table.spans[index] -= 1
        elif tag == "table":
            self.done.append(self.stack.pop())


def widths(table: _Table) -> list[float]:
    """The columns' widths in percent (adding up to 100)."""
    count = max(table.columns, len(table.col_classes))
    if not count:
        return []
    fixed = stylesheet_widths()
    given = [
        next((fixed[(t, c)] for t in table.classes if (t, c) in fixed), None)
        for c in (table.col_classes + [""] * count)[:count]
    ]
    if all(width is not None for width in given):
        chosen = [float(width or 0) for width in given]
    else:
        low = [table.minimum.get(i, 1) for i in range(count)]
        high = [max(table.maximum.get(i, 1), low[i]) for i in range(count)]
        if sum(high) <= LINE_CHARS:
            chosen = [float(h) for h in high]
        elif sum(low) >= LINE_CHARS:
            chosen = [float(lo) for lo in low]
        else:
            spare = LINE_CHARS - sum(low)
            give = sum(h - lo for h, lo in zip(high, low, strict=True))
            chosen = [lo + (h - lo) * spare / give for h, lo in zip(high, low, strict=True)]
    total = sum(chosen) or 1.0
    shares = [max(MIN_SHARE, 100 * width / total) for width in chosen]
    total = sum(shares)
    rounded = [round(100 * share / total, 1) for share in shares[:-1]]
    return [*rounded, round(100 - sum(rounded), 1)]


def fit(html: str) -> str:
    """``html`` with a ``<colgroup>`` of percentages in every table (replacing its own)."""
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    edits: list[tuple[int, int, str]] = []
    for table in scanner.done:
        shares = widths(table)
        if not shares:
            continue
        cols = "".join(f'<col style="width: {share}%">' for share in shares)
        edits.append((table.start, table.start, f"<colgroup>{cols}</colgroup>"))
        edits.extend((start, end, "") for start, end in table.colgroups)
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        html = html[:start] + text + html[end:]
    return html
