"""How the report prints a date and a Markdown text of one paragraph."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe


def long_date(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def plain(html: SafeString) -> SafeString:
    """Markdown of one paragraph without the paragraph element (for table cells, lists)."""
    text = str(html).strip()
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1:
        return mark_safe(text[3:-4])
    return html
