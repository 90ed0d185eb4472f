"""Running headers, footers and the watermark as PDF artifacts (PDF/UA-1).

WeasyPrint 70 marks the text of page-margin boxes as tagged content but leaves it out of
the structure tree (see ``weasyprint/pdf/tags.py``: "It could be included in tree as
Artifact, but that's only allowed in PDF 2.0"), so a checker finds marked content that
belongs to nothing; the ``CONCEPT`` watermark is ordinary tagged content that screen
readers read on every page. PDF/UA wants both as artifacts: page furniture outside the
structure tree.

``install()`` wraps two WeasyPrint functions, once per process:

* ``draw.draw_stacking_context`` draws margin boxes and elements with the class
  ``pdf-artifact`` inside ``/Artifact`` marked content, with tagging switched off for them;
* ``pdf.tags._build_box_tree`` skips the same boxes, so they get no structure element.

The same wrapper adds what WeasyPrint 70's tagging leaves out (``_get_pdf_tag`` maps every
``span`` to ``Span`` and never reads ``lang``):

* footnotes (``span.footnote``, floated to the foot of the page) become ``Note`` elements with
  a unique ``ID`` (PDF/UA-1, 7.9); their calls are already ``Link`` elements with a link
  annotation to the note's destination, and the note's number links back;
* an element with a ``lang`` attribute (``[text]{lang=en}`` in Markdown) carries ``/Lang``.

Everything else is WeasyPrint's own code. ``tests/test_report_pdf.py`` walks the structure
tree to check the result, so a WeasyPrint upgrade that changes these functions is noticed.
"""

from __future__ import annotations

import pydyf

ARTIFACT_CLASS = "pdf-artifact"
NOTE_CLASS = "footnote"
_installed = False
_note_prefix = "note"  # a part of the report laid out alone has its own (``note_ids``)


def note_ids(prefix: str) -> None:
    """Make the notes' IDs of the next layouts start with ``prefix``, so that the notes of
    parts laid out separately keep unique IDs in the assembled document."""
    global _note_prefix
    _note_prefix = prefix


def _is_artifact(box) -> bool:
    from weasyprint.formatting_structure import boxes  # noqa: PLC0415 -- slow

    box = getattr(box, "_box", box)  # an AbsolutePlaceholder's box
    if isinstance(box, boxes.MarginBox):
        return True
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) is None:
        return False
    return ARTIFACT_CLASS in (element.get("class") or "").split()


def _annotate(element, box) -> None:
    """Note and Lang for the structure element WeasyPrint made for ``box``."""
    html = getattr(box, "element", None)
    if html is None or getattr(box, "element_tag", None) in (None, "html", "body"):
        return
    if element["S"] in ("/LI", "/NonStruct"):
        return
    classes = (html.get("class") or "").split()
    if NOTE_CLASS in classes and element["S"] == "/Span":
        element["S"] = "/Note"
        element["ID"] = pydyf.String(f"{_note_prefix}-{element.number}")  # unique, also when split
    lang = html.get("lang")
    if lang:
        element["Lang"] = pydyf.String(lang)


def install() -> None:
    global _installed
    if _installed:
        return
    from weasyprint import draw  # noqa: PLC0415 -- slow
    from weasyprint.formatting_structure import boxes  # noqa: PLC0415 -- slow
    from weasyprint.pdf import tags  # noqa: PLC0415 -- slow

    draw_stacking_context = draw.draw_stacking_context
    build_box_tree = tags._build_box_tree

    def draw_as_artifact(stream, stacking_context):
        if stream._tags is None or not _is_artifact(stacking_context.box):
            return draw_stacking_context(stream, stacking_context)
        with stream.artifact():
            saved, stream._tags = stream._tags, None  # nothing inside is tagged
            try:
                return draw_stacking_context(stream, stacking_context)
            finally:
                stream._tags = saved

    def build_without_artifacts(box, *args, **kwargs):
        if _is_artifact(box):
            return
        inner = getattr(box, "_box", box)  # an AbsolutePlaceholder's box
        # Page, html and body boxes yield their children's elements (annotated already).
        own = not isinstance(inner, boxes.PageBox)
        for element in build_box_tree(box, *args, **kwargs):
            if own:
                _annotate(element, inner)
            yield element

    draw.draw_stacking_context = draw_as_artifact
    tags._build_box_tree = build_without_artifacts
    _installed = True
