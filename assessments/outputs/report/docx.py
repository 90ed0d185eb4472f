"""The report as an editable Word document (.docx), made by pandoc from the report's HTML.

The content comes from the same ``Report`` and template as the PDF; only the form changes:

* each footnote (``content.citations.Citations.cite``: a call plus the note inline for
  WeasyPrint) becomes a pandoc note reference and a note in an end-notes section, which
  pandoc turns into a real Word footnote;
* the PDF's table of contents (page numbers from CSS) and the watermark are left out; pandoc
  writes a Word table of contents field instead (Word fills it in on opening, or with F9);
* headings stay h1-h6, so they get Word's "Heading 1-6" styles and the navigation pane works;
* figures: each image is read through the renderer's fetcher (``fetcher.figure_image``) into
  the working folder, and pandoc embeds it with its alt text (Word's "alternative text").

Why pandoc (``pypandoc-binary``, which ships the pandoc binary in its wheel): it writes real
Word footnotes, heading styles, tables and bookmarks from HTML, and takes a reference .docx
for the styles; python-docx has no footnote API, so every note would need hand-made XML.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pypandoc
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.domain.models import Assessment
from assessments.outputs.report.data import Report, build_report
from assessments.outputs.report.fetcher import FetchRefused, figure_image
from assessments.outputs.report.render import report_html

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_NOTE = re.compile(
    r'<sup class="fn-call"><a href="#fn-(\d+)"[^>]*>\d+</a></sup>'
    r'<span class="footnote"><a class="fn-number"[^>]*>\d+</a> (.*?)</span>',
    re.S,
)
_NAV = re.compile(r'<nav class="toc".*?</nav>', re.S)
_WATERMARK = re.compile(r'<div class="watermark[^"]*"[^>]*>.*?</div>', re.S)
# Styles, and the title and author that pandoc would print again above the cover.
_HEAD = re.compile(r"<style>.*?</style>|<link [^>]*>|<title>.*?</title>|<meta name=[^>]*>", re.S)


def pandoc_html(html: str) -> str:
    """The report's HTML in the form pandoc reads footnotes from (pandoc's own)."""
    notes: list[str] = []

    def note(match: re.Match) -> str:
        number, text = match.group(1), match.group(2)
        notes.append(f'<li id="fn-{number}"><p>{text}</p></li>')
        return f'<a href="#fn-{number}" role="doc-noteref"><sup>{number}</sup></a>'

    html = _HEAD.sub("", _WATERMARK.sub("", _NAV.sub("", html)))
    html = _NOTE.sub(note, html)
    endnotes = f'<section role="doc-endnotes"><ol>{"".join(notes)}</ol></section>'
    return html.replace("</body>", endnotes + "</body>")


def report_docx(report: Report) -> bytes:
    html = pandoc_html(report_html(report, for_pdf=False))
    with translation.override(report.language):
        toc_title = _("Contents")
    with tempfile.TemporaryDirectory() as folder:
        html = _local_figures(html, Path(folder))
        target = Path(folder) / "report.docx"
        pypandoc.convert_text(
            html,
            "docx",
            format="html",
            outputfile=str(target),
            extra_args=[
                "--toc",
                "--toc-depth=2",
                f"--metadata=toc-title:{toc_title}",
                f"--metadata=lang:{report.language}",
            ],
        )
        return target.read_bytes()


_FIGURE_SRC = re.compile(r'src="(kia-figure:[^"]+)"')


def _local_figures(html: str, folder: Path) -> str:
    """Point the figures' images at copies in ``folder`` (pandoc reads files, not our URLs)."""

    def local(match: re.Match) -> str:
        url = match.group(1)
        try:
            body, _type = figure_image(url)
        except FetchRefused:
            return 'src=""'
        path = folder / url.rsplit("/", 1)[-1]
        path.write_bytes(body)
        return f'src="{path}"'

    return _FIGURE_SRC.sub(local, html)


def render_docx(assessment: Assessment) -> bytes:
    """The report of ``assessment`` as a .docx file (bytes), synchronously."""
    return report_docx(build_report(assessment))
