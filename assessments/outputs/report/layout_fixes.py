"""Two corrections to WeasyPrint 70's layout, installed once per process by ``install()``.

**Every footnote on its call's page.** When a line does not fit at the foot of a page and
``orphans`` forbids breaking before it, WeasyPrint (since 65, Kozea/WeasyPrint#2437 for
#2432) moves the page's *last* footnote to the next page to make room for that line. That
note usually belongs to an earlier call, so it lands on the page after its call; when the
line is then pushed back anyway (a table row that cannot split), the note can vanish.
Measured on the TikTok report: 2 notes a page late and one (``fn-204``) missing; with the
heuristic off, 392 of 392 notes sit on their call's page. Without it WeasyPrint breaks the
paragraph as ``orphans`` and ``widows`` allow, as it did before version 65. The single
line that takes the decision in ``weasyprint.layout.block._linebox_layout`` is rewritten.

**No line holding only a word fragment.** Pango lets a text run's trailing space hang past
the line's end, but WeasyPrint's ``split_first_line`` counts it; when the run fits only
without it, WeasyPrint thinks no break in the run fits and hyphenates the run's *first*
word, leaving a line that reads "ge-", "Vol-" or "por-" (seen in the TikTok report at
several measures). ``split_first_line`` is wrapped for the line layout: in exactly that
case the run is laid out without its trailing spaces and the line breaks after it, where
the space was.

If a WeasyPrint upgrade changes the code these rely on, ``install()`` logs a warning and
leaves that part alone; ``tests/test_report_layout.py`` then fails.
"""

from __future__ import annotations

import inspect
import logging

logger = logging.getLogger(__name__)

HEURISTIC = "report = not context.in_column and can_break_now and not could_break_before"
REPLACEMENT = "report = False  # kia: assessments/report/layout_fixes.py"
WRAPPING = ("normal", "pre-line")  # white-space values whose spaces collapse and wrap
_installed: tuple[bool, ...] = ()


def _keep_notes_with_calls() -> bool:
    from weasyprint.layout import block  # noqa: PLC0415 -- slow

    source = inspect.getsource(block._linebox_layout)
    if source.count(HEURISTIC) != 1:
        logger.warning("WeasyPrint changed _linebox_layout; footnote heuristic left on")
        return False
    code = compile(source.replace(HEURISTIC, REPLACEMENT), block.__file__, "exec")
    exec(code, block.__dict__)  # WeasyPrint's own function with that one line changed
    return True


def _hang_trailing_spaces() -> bool:
    from weasyprint.layout import inline  # noqa: PLC0415 -- slow

    split_first_line = getattr(inline, "split_first_line", None)
    if split_first_line is None:
        logger.warning("WeasyPrint changed split_first_line; trailing spaces left as they are")
        return False

    def split(text, style, context, max_width, justification_spacing, *args, **kwargs):
        result = split_first_line(
            text, style, context, max_width, justification_spacing, *args, **kwargs
        )
        length, resume_index = result[1], result[2]
        if max_width is None or resume_index is None or style["white_space"] not in WRAPPING:
            return result
        stripped = text.rstrip(" ")
        if stripped == text:
            return result  # no trailing space: not the case (most lines end here)
        first_word = stripped.split(" ", 1)[0]
        if first_word == stripped or length >= len(first_word.encode()):
            return result  # one word, or the break is after the first word
        fitted = split_first_line(
            stripped, style, context, max_width, justification_spacing, *args, **kwargs
        )
        if fitted[2] is not None or fitted[3] > max_width:
            return result  # the run does not fit even without its trailing spaces
        layout, length, _, width, height, baseline = fitted
        return layout, length, len(text.encode()), width, height, baseline

    inline.split_first_line = split
    return True


def install() -> bool:
    """Apply both corrections, once per process. True when both are in place."""
    global _installed
    if not _installed:
        _installed = (_keep_notes_with_calls(), _hang_trailing_spaces())
    return all(_installed)
