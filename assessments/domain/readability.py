"""How easy the summary for children is to read (issue 20).

Dutch text is scored with the Flesch-Douma reading ease (Douma 1960, Flesch's formula
fitted to Dutch: 206.835 − 0.93 × words per sentence − 77 × syllables per word), English
text with Flesch's own reading ease; both computed by ``textstat`` (syllables from its
hyphenation dictionaries). Higher is easier. The bands follow the usual reading of the
Flesch scale; texts for children should score 80 or more (short sentences, short words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Below this many words a score says little.
MIN_WORDS = 10
# The score a text for the service's young users should reach.
CHILD_TARGET = 80

_BANDS: tuple[tuple[int, Promise], ...] = (
    (90, _("very easy: fits children of about 10 to 12")),
    (80, _("easy: fits most children from about 12")),
    (70, _("fairly easy: fits teenagers")),
    (60, _("standard: fits readers from about 15")),
    (50, _("fairly difficult: too hard for many children")),
    (30, _("difficult: too hard for children")),
    (-(10**6), _("very difficult: too hard for children")),
)
_MARKUP = re.compile(r"\[\^[^\]]*\]|\[\[fig:[^\]]*\]\]|[*_#>`|]|\]\([^)]*\)|\[")


@dataclass(frozen=True)
class ReadingLevel:
    measure: str  # "Flesch-Douma" or "Flesch"
    score: float
    words: int
    sentences: int

    @property
    def band(self) -> str:
        return str(next(label for floor, label in _BANDS if self.score >= floor))

    @property
    def for_children(self) -> bool:
        return self.score >= CHILD_TARGET

    @property
    def percent(self) -> int:
        """The score on a 0-100 bar."""
        return max(0, min(100, round(self.score)))


def plain(text: str) -> str:
    """``text`` without Markdown's marks, citations and figure placeholders."""
    return _MARKUP.sub("", text)


def reading_level(text: str, language: str = "nl") -> ReadingLevel | None:
    """The reading ease of ``text`` (Markdown) in ``language`` ("nl" or "en"); None when
    it is too short to say."""
    # Slow to import (its dictionaries); only the summary's pages need it. A scorer of our
    # own: ``textstat.set_lang`` would change the language for every thread.
    from textstat.textstat import textstatistics  # noqa: PLC0415 -- slow

    scorer = textstatistics()
    scorer.set_lang("nl" if language == "nl" else "en")
    words = scorer.lexicon_count(plain(text))
    if words < MIN_WORDS:
        return None
    return ReadingLevel(
        measure="Flesch-Douma" if language == "nl" else "Flesch",
        score=round(float(scorer.flesch_reading_ease(plain(text))), 1),
        words=words,
        sentences=int(scorer.sentence_count(plain(text))),
    )
