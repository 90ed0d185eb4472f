"""One form of line end for stored text: LF.

Browsers send a textarea's text with CR LF (the HTML standard says so), JSON documents and
programs usually send LF, and old Mac text has a lone CR. Text is stored with LF only
(``normalise``), so the history and the comparison of versions see only real changes;
``normalise_all`` does the same for every string inside a JSON value (a version's
document recorded before text was normalised).
"""

from __future__ import annotations

from typing import Any


def normalise(text: str) -> str:
    """``text`` with every CR LF and lone CR as LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_all(value: Any) -> Any:
    """``value`` (JSON: dicts, lists, strings, numbers) with every string normalised."""
    if isinstance(value, str):
        return normalise(value)
    if isinstance(value, dict):
        return {key: normalise_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise_all(item) for item in value]
    return value
