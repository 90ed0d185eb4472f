"""The report's footnote and figure numbers for the web pages, so a reader can match page
and PDF: ``numbering(ws)`` builds the report once per content state and hands out what it
numbered (``Numbering``)."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from threading import Lock

from django.utils import translation

from assessments.domain.workspace import Workspace
from assessments.outputs.report.content.walk import Walk
from assessments.outputs.report.data import assemble


@dataclass(frozen=True)
class Numbering:
    """What the PDF numbered, for the web pages: each Markdown text's footnote numbers (in
    the order of its citations; one tuple per place the text is printed, in print order),
    each figure's number and its source's footnote."""

    notes: dict[str, tuple[tuple[int, ...], ...]]
    figures: dict[str, int]
    figure_notes: dict[str, int]
    by_source: dict[str, tuple[int, ...]]  # source key -> the footnotes that cite it


_numberings: OrderedDict[tuple, Numbering] = OrderedDict()
_numberings_lock = Lock()  # gunicorn's threads share it
_NUMBERINGS_KEPT = 32


def numbering(ws: Workspace) -> Numbering:
    """The report's numbering of the assessment (or version) in ``ws``.

    Building the report costs about 0.1 s for a Berenschot-size assessment, so it is kept
    per process for each content state: every write goes through ``editing``, which moves
    the assessment's ``updated_at`` (a version never changes)."""
    a = ws.assessment
    version = ws.version.pk if ws.version is not None else None
    state = (
        a.pk,
        version,
        None if version else (a.updated_at, a.lock_version),
        a.language,
        tuple(s.key for s in ws.sources),
        tuple((f.key, f.pk) for f in ws.figures),
    )
    with _numberings_lock:
        found = _numberings.get(state)
        if found is not None:
            _numberings.move_to_end(state)
            return found
    with translation.override(a.language):
        walk = Walk(a, ws)
        assemble(walk)
    citations = walk.citations
    by_source: dict[str, list[int]] = defaultdict(list)
    for note in citations.footnotes:
        if note.key:
            by_source[note.key].append(note.number)
    found = Numbering(
        notes={text: tuple(places) for text, places in citations.by_text.items()},
        figures=dict(citations.figure_numbers),
        figure_notes=dict(citations.figure_notes),
        by_source={key: tuple(numbers) for key, numbers in by_source.items()},
    )
    with _numberings_lock:
        _numberings[state] = found
        while len(_numberings) > _NUMBERINGS_KEPT:
            _numberings.popitem(last=False)
    return found
