"""Keep every footnote on its call's page: switch off one WeasyPrint layout heuristic.

When a line does not fit at the foot of a page and ``orphans`` forbids breaking before it,
WeasyPrint (since 65, Kozea/WeasyPrint#2437 for #2432) moves the page's *last* footnote to
the next page to make room for that line. That note usually belongs to an earlier call, so
it lands on the page after its call; when the line is then pushed back anyway (a table row
that cannot split), the note can vanish altogether. Measured on the TikTok report with
WeasyPrint 70: 2 notes a page late and one (``fn-204``) missing; with the heuristic off,
392 of 392 notes sit on their call's page and the page count is unchanged.

Without the heuristic WeasyPrint breaks the paragraph as ``orphans`` and ``widows`` allow,
which is what it did before version 65. ``install()`` rewrites the single line that takes
the decision in ``weasyprint.layout.block._linebox_layout``; if a WeasyPrint upgrade changes
that line, it logs a warning and leaves WeasyPrint as it is, and
``tests/test_report_layout.py`` fails on the first late note.
"""

from __future__ import annotations

import inspect
import logging

logger = logging.getLogger(__name__)

HEURISTIC = "report = not context.in_column and can_break_now and not could_break_before"
REPLACEMENT = "report = False  # kia: assessments/report/footnote_layout.py"
_installed = False


def install() -> bool:
    """Switch the heuristic off, once per process. True when it is off."""
    global _installed
    if _installed:
        return True
    from weasyprint.layout import block

    source = inspect.getsource(block._linebox_layout)
    if source.count(HEURISTIC) != 1:
        logger.warning("WeasyPrint changed _linebox_layout; footnote heuristic left on")
        return False
    code = compile(source.replace(HEURISTIC, REPLACEMENT), block.__file__, "exec")
    exec(code, block.__dict__)  # WeasyPrint's own function with that one line changed
    _installed = True
    return True
