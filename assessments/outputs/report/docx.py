"""The report as an editable Word (.docx) or OpenDocument (.odt) file, made by pandoc from
the report's HTML.

The content comes from the same ``Report`` and template as the PDF; only the form changes:

* each footnote (``content.citations.Citations.cite``: a call plus the note inline for
  WeasyPrint) becomes a pandoc note reference and a note in an end-notes section, which
  pandoc turns into a real Word (or ODT) footnote;
* the contents come after the cover, where the PDF has them: the HTML's ``nav.toc`` becomes
  a contents field filled with the report's own entries, linked to their headings, so that
  it is never empty: Word's ``TOC`` field in a "Table of Contents" block, which Word
  updates with page numbers on opening (``updateFields`` in ``settings.xml``); ODT's
  ``text:table-of-content``, its page numbers references to the headings' bookmarks,
  which LibreOffice counts. A page break comes before and after them. No watermark;
* every table spans the text width, its columns in proportion to their content as in the
  PDF (``tablewidths``);
* headings stay h1-h6, so they get Word's "Heading 1-6" styles and the navigation pane
  works; the cover's title gets the "Title" style, so it is not a chapter in the contents;
* figures: each image is read through the renderer's fetcher (``fetcher.figure_image``) into
  the working folder, and pandoc embeds it with its alt text (Word's "alternative text").

The background task (``cache.generate``) runs pandoc in the PDF's limited child process
(``child.render_limited``: the same time and memory limits, which pandoc, a child of that
process, inherits); the request never runs it. ``render_docx`` (``kia_export``) runs it
directly.

Why pandoc (``pypandoc-binary``, which ships the pandoc binary in its wheel): it writes real
Word footnotes, heading styles, tables and bookmarks from HTML, and takes a reference .docx
for the styles; python-docx has no footnote API, so every note would need hand-made XML.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from html import escape
from pathlib import Path

import pypandoc
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.domain import versions
from assessments.domain.models import Assessment, ReportFormat
from assessments.domain.workspace import Workspace
from assessments.outputs.report import tablewidths
from assessments.outputs.report.child import Limits, render_limited
from assessments.outputs.report.content.blocks import TocEntry
from assessments.outputs.report.data import Report, build_report
from assessments.outputs.report.fetcher import FetchRefused, figure_image
from assessments.outputs.report.render import report_html

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    ReportFormat.DOCX: CONTENT_TYPE,
    ReportFormat.ODT: "application/vnd.oasis.opendocument.text",
}
TOC_LEVELS = 2

_NOTE = re.compile(
    r'<sup class="fn-call"><a href="#fn-(\d+)"[^>]*>\d+</a></sup>'
    r'<span class="footnote"><a class="fn-number"[^>]*>\d+</a> (.*?)</span>',
    re.S,
)
_NAV = re.compile(r'<nav class="toc".*?</nav>', re.S)
_TITLE = re.compile(r'<h1 id="report-title" class="report-title">(.*?)</h1>', re.S)
_WATERMARK = re.compile(r'<div class="watermark[^"]*"[^>]*>.*?</div>', re.S)
# Styles, and the title and author that pandoc would print again above the cover.
_HEAD = re.compile(r"<style>.*?</style>|<link [^>]*>|<title>.*?</title>|<meta name=[^>]*>", re.S)
TOC_PLACE = '<div class="kia-toc"></div>'


def pandoc_html(html: str) -> str:
    """The report's HTML in the form pandoc reads: footnotes as pandoc's own, the contents
    as a place for the contents field, the cover's title as a title, tables full width."""
    notes: list[str] = []

    def note(match: re.Match) -> str:
        number, text = match.group(1), match.group(2)
        notes.append(f'<li id="fn-{number}"><p>{text}</p></li>')
        return f'<a href="#fn-{number}" role="doc-noteref"><sup>{number}</sup></a>'

    html = _HEAD.sub("", _WATERMARK.sub("", _NAV.sub(TOC_PLACE, html)))
    html = _TITLE.sub(r'<div data-custom-style="Title"><p>\1</p></div>', html, count=1)
    html = _NOTE.sub(note, html)
    endnotes = f'<section role="doc-endnotes"><ol>{"".join(notes)}</ol></section>'
    return tablewidths.fit(html.replace("</body>", endnotes + "</body>"))


# -- the contents -------------------------------------------------------------------------


def _docx_toc(entries: list[TocEntry], title: str) -> str:
    """A Word ``TOC`` field with the entries filled in, each a link to its heading, between
    page breaks. The page numbers are Word's to add: it updates the field on opening
    (``updateFields``); LibreOffice shows the entries as they are."""
    page_break = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
    field = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    shown = [e for e in entries if e.level <= TOC_LEVELS]
    paragraphs = []
    for index, entry in enumerate(shown):
        anchor = escape(entry.anchor)
        paragraphs.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{entry.level}"/></w:pPr>'
            f"{field if index == 0 else ''}"
            f'<w:hyperlink w:anchor="{anchor}" w:history="1">'
            f'<w:r><w:t xml:space="preserve">{escape(entry.label)}</w:t></w:r></w:hyperlink>'
            f"{end if index == len(shown) - 1 else ''}</w:p>"
        )
    if not paragraphs:
        paragraphs.append(f"<w:p>{field}{end}</w:p>")
    return (
        f"{page_break}<w:sdt><w:sdtPr><w:docPartObj>"
        '<w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/></w:docPartObj>'
        '</w:sdtPr><w:sdtContent><w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(title)}</w:t></w:r></w:p>'
        f"{''.join(paragraphs)}</w:sdtContent></w:sdt>{page_break}"
    )


PAGE_BREAK_STYLE = "KIA_20_page_20_break"
# The contents' own paragraph styles (pandoc's ODT styles have none for the contents).
ODT_STYLES = (
    f'<style:style style:name="{PAGE_BREAK_STYLE}" style:family="paragraph">'
    '<style:paragraph-properties fo:break-before="page"/></style:style>'
    '<style:style style:name="KIA_20_contents_20_heading" style:family="paragraph" '
    'style:parent-style-name="Heading"><style:text-properties fo:font-weight="bold"/>'
    "</style:style>"
    + "".join(
        f'<style:style style:name="KIA_20_contents_20_{level}" style:family="paragraph">'
        f'<style:paragraph-properties fo:margin-left="{(level - 1) * 0.5}cm" '
        'fo:margin-top="0.05cm"><style:tab-stops><style:tab-stop style:position="15cm" '
        'style:type="right" style:leader-style="dotted" style:leader-text="."/>'
        "</style:tab-stops></style:paragraph-properties></style:style>"
        for level in range(1, 3)
    )
)


def _odt_toc(entries: list[TocEntry], title: str) -> str:
    """An ODT table of contents with its entries (page numbers as bookmark references),
    between page breaks."""
    page_break = f'<text:p text:style-name="{PAGE_BREAK_STYLE}"/>'
    template = "".join(
        f'<text:table-of-content-entry-template text:outline-level="{level}" '
        f'text:style-name="KIA_20_contents_20_{level}"><text:index-entry-link-start/>'
        '<text:index-entry-text/><text:index-entry-tab-stop style:type="right" '
        'style:leader-char="."/><text:index-entry-page-number/><text:index-entry-link-end/>'
        "</text:table-of-content-entry-template>"
        for level in range(1, TOC_LEVELS + 1)
    )
    rows = "".join(
        f'<text:p text:style-name="KIA_20_contents_20_{e.level}">'
        f'<text:a xlink:type="simple" xlink:href="#{escape(e.anchor)}">{escape(e.label)}'
        f'<text:tab/><text:bookmark-ref text:reference-format="page" '
        f'text:ref-name="{escape(e.anchor)}">1</text:bookmark-ref></text:a></text:p>'
        for e in entries
        if e.level <= TOC_LEVELS
    )
    heading = f'<text:p text:style-name="KIA_20_contents_20_heading">{escape(title)}</text:p>'
    return (
        f'{page_break}<text:table-of-content text:name="{escape(title)}">'
        f'<text:table-of-content-source text:outline-level="{TOC_LEVELS}">'
        '<text:index-title-template text:style-name="KIA_20_contents_20_heading">'
        f"{escape(title)}</text:index-title-template>{template}"
        "</text:table-of-content-source><text:index-body>"
        f'<text:index-title text:name="{escape(title)}_Head">{heading}</text:index-title>'
        f"{rows}</text:index-body></text:table-of-content>{page_break}"
    )


def _toc_filter(raw: str, format: str) -> str:
    """A pandoc Lua filter that puts ``raw`` in place of the contents' place holder."""
    kind = "openxml" if format == ReportFormat.DOCX else "opendocument"
    level = 1
    while f"]{'=' * level}]" in raw:
        level += 1
    quote = "=" * level
    return (
        "function Div(el)\n"
        '  if el.classes:includes("kia-toc") then\n'
        f'    return pandoc.RawBlock("{kind}", [{quote}[{raw}]{quote}])\n'
        "  end\n"
        "end\n"
    )


# -- after pandoc ---------------------------------------------------------------------------


def _rewrite(content: bytes, name: str, change: Callable[[str], str]) -> bytes:
    """The zip ``content`` with its member ``name`` changed (the others copied as they are)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def _update_fields(settings_xml: str) -> str:
    """Word updates the contents (and page references) when it opens the file."""
    if "<w:updateFields" in settings_xml:
        return settings_xml
    element = '<w:updateFields w:val="true" />'
    for before in ("<w:hdrShapeDefaults", "<w:footnotePr", "<w:endnotePr", "<w:compat", "<w:rsids"):
        if before in settings_xml:
            return settings_xml.replace(before, element + before, 1)
    return settings_xml.replace("</w:settings>", element + "</w:settings>", 1)


def _odt_styles(content_xml: str) -> str:
    style = ODT_STYLES
    if "<office:automatic-styles/>" in content_xml:
        return content_xml.replace(
            "<office:automatic-styles/>",
            f"<office:automatic-styles>{style}</office:automatic-styles>",
            1,
        )
    closing = "</office:automatic-styles>"
    return content_xml.replace(closing, style + closing, 1)


# -- making the file ------------------------------------------------------------------------


def convert(
    html: str, format: str, *, folder: Path, toc: list[TocEntry], toc_title: str, language: str
) -> bytes:
    """pandoc: the report's HTML (figures already in ``folder``) → the file's bytes. No
    database: it runs in the limited child process."""
    toc_xml = _docx_toc(toc, toc_title) if format == ReportFormat.DOCX else _odt_toc(toc, toc_title)
    lua = folder / "contents.lua"
    lua.write_text(_toc_filter(toc_xml, format), encoding="utf-8")
    target = folder / f"report.{format}"
    pypandoc.convert_text(
        pandoc_html(html),
        str(format),
        format="html",
        outputfile=str(target),
        extra_args=[f"--lua-filter={lua}", f"--metadata=lang:{language}"],
    )
    content = target.read_bytes()
    if format == ReportFormat.DOCX:
        return _rewrite(content, "word/settings.xml", _update_fields)
    return _rewrite(content, "content.xml", _odt_styles)


def report_document(
    report: Report,
    format: str = ReportFormat.DOCX,
    *,
    limited: bool = False,
    heartbeat: Callable[[], None] | None = None,
) -> bytes:
    """The built report as a Word or ODT file. ``limited``: pandoc runs in a child process
    with the PDF's time and memory limits (``KIA_RENDER_SECONDS``, ``KIA_RENDER_MEMORY_MB``),
    calling ``heartbeat()`` while it waits; raises ``child.RenderFailed``."""
    if format not in CONTENT_TYPES:
        raise ValueError(f"not a pandoc format of the report: {format}")
    html = report_html(report, for_pdf=False)
    with translation.override(report.language):
        toc_title = _("Contents")
    tablewidths.stylesheet_widths()  # read here, so that the child has it
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        html = _local_figures(html, folder)

        def run(text: str) -> bytes:
            return convert(
                text,
                format,
                folder=folder,
                toc=report.toc,
                toc_title=toc_title,
                language=report.language,
            )

        if not limited:
            return run(html)
        limits = Limits(
            seconds=settings.KIA_RENDER_SECONDS, memory_mb=settings.KIA_RENDER_MEMORY_MB
        )
        return render_limited(run, html, limits, heartbeat)


def report_docx(report: Report) -> bytes:
    return report_document(report, ReportFormat.DOCX)


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


def render_document(
    assessment: Assessment,
    format: str = ReportFormat.DOCX,
    *,
    workspace: Workspace | None = None,
    limited: bool = False,
    heartbeat: Callable[[], None] | None = None,
) -> bytes:
    """The report of ``assessment`` (or of the version read into ``workspace``) as a Word or
    ODT file; see ``report_document``."""
    report = build_report(assessment, workspace)
    return report_document(report, format, limited=limited, heartbeat=heartbeat)


def render_docx(assessment: Assessment, format: str = ReportFormat.DOCX) -> bytes:
    """The assessment's report as a Word (or ODT) file, synchronously (CLI export): a final
    or published assessment's is made from its version, a draft's from its rows."""
    ws = versions.standing_workspace(assessment)
    return render_document(ws.assessment if ws else assessment, format, workspace=ws)
