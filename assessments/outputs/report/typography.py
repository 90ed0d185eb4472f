"""Typesetting of the report's text: typographic quotes and non-breaking spaces.

``typeset(html, language)`` rewrites the text between tags of the rendered report (never
tags, attribute values, code, styles or printed URLs):

* straight quotes become typographic ones in the document's language: Dutch „…” and ‘…’,
  English “…” and ‘…’; an apostrophe becomes ’ (risico’s, ’t, ’s avonds);
* a no-break space keeps together what Dutch (and English) typesetting keeps together:
  "€ 5", "13 jaar", "p. 8", "nr. 1391", "art. 8".
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
QUOTES = {  # language -> (open double, close double, open single, close single)
    "nl": ("„", "”", "‘", "’"),
    "en": ("“", "”", "‘", "’"),
}
APOSTROPHE = "’"

_TAG = re.compile(r"(<[^>]*>)")
_SKIP = {"style", "script", "code", "pre", "head"}  # text inside these stays as it is
_ENTITIES = {"&quot;": '"', "&#34;": '"', "&#x27;": "'", "&#39;": "'"}
_ENTITY = re.compile("|".join(map(re.escape, _ENTITIES)))

# A number and the word after it stay on one line: "13 jaar", "5 minuten", "10 %".
_UNITS = (
    r"jaar|jaren|maand|maanden|week|weken|dag|dagen|uur|uren|minuut|minuten|seconden|"
    r"procent|euro|miljoen|miljard|leerlingen|kinderen|pagina|pagina's|pagina’s|"
    r"year|years|month|months|weeks|days|hours|minutes|seconds|per cent|percent|million|"
    r"billion|children|pages|%"
)
_NUMBER_UNIT = re.compile(rf"(\d) (?=(?:{_UNITS})\b|%)")
# Abbreviations followed by a number: "p. 8", "pp. 8-9", "nr. 1391", "art. 8", "blz. 3".
_ABBREVIATION = re.compile(r"\b(p|pp|nr|no|art|blz|hfst|ch|par|vol|fig)\. (?=\d)", re.I)
_EURO = re.compile(r"€ ?(?=\d)")
# Dutch elisions that start with an apostrophe: ’s avonds, ’t, ’n, ’k, ’m.
_ELISION = re.compile(r"'(?=(?:s|t|n|k|m)\b)")


def _quotes(text: str, previous: str, marks: tuple[str, str, str, str]) -> str:
    open_double, close_double, open_single, close_single = marks
    text = _ELISION.sub(APOSTROPHE, text)
    out: list[str] = []
    for index, char in enumerate(text):
        before = out[-1] if out else previous
        after = text[index + 1] if index + 1 < len(text) else ""
        opening = not before or before.isspace() or before in "([{–—-/„“‘" + "\u00a0"
        if char == '"':
            out.append(open_double if opening else close_double)
        elif char == "'":
            if before.isalnum() and after.isalnum():
                out.append(APOSTROPHE)  # risico’s, it’s
            else:
                out.append(open_single if opening else close_single)
        else:
            out.append(char)
    return "".join(out)


def _spaces(text: str) -> str:
    text = _EURO.sub("€" + NBSP, text)
    text = _NUMBER_UNIT.sub(r"\1" + NBSP, text)
    return _ABBREVIATION.sub(lambda m: m.group(1) + "." + NBSP, text)


def typeset(html: str, language: str) -> str:
    """``html`` with typographic quotes and no-break spaces in its text."""
    marks = QUOTES.get(language[:2], QUOTES["en"])
    parts = _TAG.split(html)
    skip: list[str] = []  # open elements whose text is left alone
    previous = ""  # the last character of text seen, for quotes that follow a tag
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = part[1:].split(None, 1)[0].rstrip(">/").lower() if len(part) > 2 else ""
            if name.startswith("/"):
                if skip and skip[-1] == name[1:]:
                    skip.pop()
            elif name in _SKIP or (name == "a" and 'class="url"' in part):
                skip.append(name)
            elif name in ("p", "li", "td", "th", "br", "h1", "h2", "h3", "h4", "h5", "h6"):
                previous = ""
            continue
        if skip or not part:
            continue
        if '"' in part or "'" in part or "&" in part:
            text = _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], part)
            if '"' in text or "'" in text:
                part = _quotes(text, previous, marks)
        part = _spaces(part)
        parts[index] = part
        previous = part[-1]
    return "".join(parts)
