"""Citations of sources inside answers.

An answer cites a source with a Markdown footnote reference to the source's key:
``Children see this content daily.[^ofcom-2024]``. The report numbers the sources in
the order they are first cited through the whole document.
"""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}"
CITATION_RE = re.compile(r"\[\^(" + KEY_PATTERN + r")\]")
# A figure is shown with ``[[fig:key]]``: on a line of its own it places the figure (image,
# "Figuur n" and caption); inside a sentence it reads "figuur n".
FIGURE_RE = re.compile(r"\[\[fig:(" + KEY_PATTERN + r")\]\]")

validate_source_key = RegexValidator(
    rf"^{KEY_PATTERN}\Z",
    _(
        "Use 1-64 letters, digits, '-', '_', '.' or ':', starting with a letter or digit "
        "(it is written as [^key] in answers)."
    ),
)

validate_figure_key = RegexValidator(
    rf"^{KEY_PATTERN}\Z",
    _(
        "Use 1-64 letters, digits, '-', '_', '.' or ':', starting with a letter or digit "
        "(it is written as [[fig:key]] in answers)."
    ),
)


def cited_keys(text: str) -> list[str]:
    """Source keys cited in ``text``, in order of first citation, without repeats."""
    return list(dict.fromkeys(CITATION_RE.findall(text or "")))


def figure_keys(text: str) -> list[str]:
    """Figure keys referred to in ``text``, in order of first reference, without repeats."""
    return list(dict.fromkeys(FIGURE_RE.findall(text or "")))
