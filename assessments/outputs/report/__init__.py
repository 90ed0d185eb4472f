"""The PDF report of an assessment.

* ``data``: the ``Report`` dataclass that prepares everything the report shows;
* ``render``: HTML from the template, PDF from WeasyPrint (imported lazily);
* ``fetcher``: the only URL fetcher WeasyPrint gets (the app's own static files);
* ``cache``: content hashes, reuse of rendered PDFs, the PDF a final assessment keeps.

``render_pdf`` and ``render_html`` are importable from here without loading WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessments.domain.models import Assessment


def render_pdf(assessment: Assessment) -> bytes:
    """The report of ``assessment`` as PDF bytes, synchronously."""
    from assessments.outputs.report.render import render_pdf as render

    return render(assessment)


def render_html(assessment: Assessment, *, for_pdf: bool = True) -> str:
    from assessments.outputs.report.render import render_html as render

    return render(assessment, for_pdf=for_pdf)


__all__ = ["render_html", "render_pdf"]
