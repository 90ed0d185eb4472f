"""Everything the PDF report shows, prepared in one pass: the template holds no logic.

``build_report(assessment)`` loads the assessment's rows with a constant number of queries
(``content.walk``), renders every Markdown text through ``assessments.outputs.markdown``
and numbers the citations as footnotes while it goes (``content.citations``). It calls the
part builders in the order the template prints their parts, so footnote *n* is the *n*-th
citation a reader meets:

* ``content.front``: the cover, the table of contents' first entries, the introduction;
* ``content.chapters``: the chapters and their questions, with ``content.risks`` (risks and
  measures), ``content.heatmaps`` (the risk map) and ``content.weighing`` (chapter 5);
* ``content.back``: the figures section, the appendix, the sources and the colophon;
* ``content.rights``: the annex on children's rights (between the appendix and the sources).

What they fill in are the blocks of ``content.blocks``, gathered here in a ``Report``. A
figure is printed where a reference stands alone in its paragraph, the others (referred to
in a sentence only, or not at all) in a "Figures" section after the chapters. The web pages
show the same numbers (``report.numbering``).

Build it inside ``translation.override(assessment.language)``; ``build_report`` does so
itself, so labels (scores, statuses, dates) follow the assessment's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessments.domain import instrument, states
from assessments.domain.constants import PrescanOutcome
from assessments.domain.models import Assessment
from assessments.domain.states import Status
from assessments.domain.workspace import Workspace
from assessments.outputs.report.content import back, chapters, front, rights, risks, voice
from assessments.outputs.report.content.blocks import (
    Band,
    Chapter,
    HeatMapBlock,
    Response,
    RightsFramework,
    RiskBlock,
    Row,
    SourceEntry,
    TocEntry,
)
from assessments.outputs.report.content.citations import Footnote
from assessments.outputs.report.content.walk import Walk

# Bump when the report's data or layout changes in a way the templates don't show, so
# cached PDFs are made again (the templates and stylesheet are hashed anyway).
REPORT_FORMAT_VERSION = "8"  # 3: colophon; 4: figures; 5: measure follow-up; 6: figure sources;
# 7: the annex on children's rights; 8: the children's voice


EMPTY_HTML = SafeString("")


@dataclass
class Report:
    """What the PDF shows. Labels are already in the assessment's language."""

    assessment: Assessment
    language: str
    title: str
    author: str
    description: str
    is_draft: bool
    watermark: str
    cover: list[Row]
    toc: list[TocEntry]
    introduction: list[str]  # the invuldocument's introduction ([] when left out)
    introduction_boxes: list[str]
    stop_rule: str
    reading_guide: SafeString
    disclaimers: SafeString
    limitations: SafeString
    cooperation: str
    cooperation_note: SafeString
    chapters: list[Chapter]
    prescan_outcome: str
    prescan_note: SafeString
    risks: list[RiskBlock]
    heatmaps: list[HeatMapBlock]
    bands: list[Band]
    stopped: bool  # the pre-scan says no KIA is needed: chapters 2-5 are left out
    responses: list[Response]
    sources: list[SourceEntry]
    footnotes: list[Footnote]
    missing_citations: list[str]
    colophon: list[Row] = field(default_factory=list)
    attestation: str = ""  # the text the signatory declared, when signed off
    figures: list[SafeString] = field(default_factory=list)  # not printed in the text
    rights: list[RightsFramework] = field(default_factory=list)  # the annex ([]: nothing linked)
    stylesheet_url: str = ""
    # The children's own voice (issue 20): a page after the cover, a section after the
    # chapters.
    child_summary: SafeString = EMPTY_HTML
    voice: voice.VoiceSection | None = None
    followed_up: Sequence[tuple[str, str]] = field(default_factory=list)  # asked by children

    @property
    def placed_heatmaps(self) -> list[HeatMapBlock]:
        return [m for m in self.heatmaps if m.placed]

    @property
    def footnote_count(self) -> int:
        return len(self.footnotes)

    @property
    def missing_keys(self) -> list[str]:
        return list(dict.fromkeys(self.missing_citations))


def build_report(assessment: Assessment, workspace: Workspace | None = None) -> Report:
    """The report of ``assessment`` (or of the version read into ``workspace``), in its
    language."""
    with translation.override(assessment.language):
        return assemble(Walk(assessment, workspace))


def assemble(walk: Walk) -> Report:
    """The report's parts, built in print order."""
    a = walk.a
    child_summary = voice.child_summary(walk)  # its own page, right after the cover
    # Headings in these texts go right below their own heading (h1, h2).
    reading_guide = walk.md(a.reading_guide, heading_offset=1)
    disclaimers = walk.md(a.disclaimers, heading_offset=2)
    limitations = walk.md(a.limitations, heading_offset=2)
    cooperation_note = walk.md(a.cooperation_note, heading_offset=2)
    cooperation = front.cooperation(walk)
    front.contents(
        walk,
        reading_guide,
        disclaimers,
        limitations,
        cooperation=bool(cooperation or cooperation_note),
    )
    introduction = front.introduction(walk)
    stopped = a.prescan_outcome() == PrescanOutcome.STOP
    # A pre-scan that says no KIA is needed ends the report after chapter 1.
    shown = instrument.CHAPTERS[:1] if stopped else instrument.CHAPTERS
    chapter_blocks = [chapters.chapter(walk, chapter) for chapter in shown]
    voice_section = None if stopped else voice.section(walk)
    figures = back.figure_section(walk)
    responses = back.appendix(walk)
    annex = rights.annex(walk)
    sources = back.source_list(walk)
    risk_blocks = [walk.risk_blocks[r.pk] for r in walk.risks if r.pk in walk.risk_blocks]
    signed_off = back.sign_off(walk)
    walk.toc.append(TocEntry(1, "colophon", _("Colophon")))
    version_line = front.version_line(walk)
    return Report(
        assessment=a,
        language=walk.language,
        title=a.title,
        author=a.assessor or a.organisation.name,
        description=_("Children's rights impact assessment of %(service)s")
        % {"service": a.service_name},
        is_draft=not states.is_settled(a),
        watermark=str(Status.DRAFT.label).upper(),
        cover=front.cover(walk, version_line),
        toc=walk.toc,
        introduction=introduction,
        introduction_boxes=walk.boxes("introduction"),
        stop_rule=instrument.STOP_RULE.get(walk.language),
        reading_guide=reading_guide,
        disclaimers=disclaimers,
        limitations=limitations,
        cooperation=cooperation,
        cooperation_note=cooperation_note,
        chapters=chapter_blocks,
        prescan_outcome=str(a.prescan_outcome().label),
        prescan_note=walk.prescan_note,
        risks=risk_blocks,
        heatmaps=walk.heatmaps,
        bands=risks.bands(a.matrix),
        stopped=stopped,
        responses=responses,
        sources=sources,
        footnotes=walk.citations.footnotes,
        missing_citations=walk.citations.missing,
        colophon=back.colophon(walk, signed_off, version_line),
        attestation=signed_off.attestation if signed_off else "",
        figures=figures,
        child_summary=child_summary,
        voice=voice_section,
        followed_up=voice.followed_up(walk.ws) if child_summary else [],
        rights=annex,
    )
