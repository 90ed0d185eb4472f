"""Everything the PDF report shows, prepared in one pass: the template holds no logic.

``build_report(assessment)`` loads the assessment's rows with a constant number of queries,
renders every Markdown text through ``assessments.outputs.markdown.render`` and numbers the
citations as footnotes while it goes. It walks the document in the order the template
prints it, so footnote *n* is the *n*-th citation a reader meets; every occurrence gets
its own number (as in the Berenschot report, which repeats sources in full). Figures
(``[[fig:key]]``) are numbered the same way, in order of first reference; a figure is
printed where a reference stands alone in its paragraph, the others (referred to in a
sentence only, or not at all) in a "Figures" section after the chapters.

The web pages show the same numbers: ``numbering(ws)`` builds the report once per content
state and hands out what it numbered (``Numbering``), so a reader can match page and PDF.

Build it inside ``translation.override(assessment.language)``; ``build_report`` does so
itself, so labels (scores, statuses, dates) follow the assessment's language.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from html import escape
from threading import Lock

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from assessments.domain import instrument, scoring, states, weighing
from assessments.domain.constants import MeasureStatus, PrescanOutcome, ProportionalitySide, YesNo
from assessments.domain.instrument import AnswerKind
from assessments.domain.models import (
    Assessment,
    Figure,
    Measure,
    ProportionalityItem,
    SignOff,
    Source,
)
from assessments.domain.models.risks import measure_is_overdue
from assessments.domain.scoring import Score, ScoreState
from assessments.domain.states import Status
from assessments.domain.workspace import Workspace
from assessments.outputs import heatmap, markdown
from assessments.outputs.report import fetcher as fetchers

# Bump when the report's data or layout changes in a way the templates don't show, so
# cached PDFs are made again (the templates and stylesheet are hashed anyway).
REPORT_FORMAT_VERSION = "5"  # 3: the colophon; 4: figures; 5: measure follow-up

EMPTY = mark_safe("")


# --- Footnotes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Footnote:
    number: int
    key: str
    source: Source


class Citations:
    """The ``cite`` and ``figure`` callbacks for ``markdown.render``: numbers citations
    (footnotes) and figures through the document, and remembers which numbers each text got."""

    def __init__(self, sources: list[Source], figures: list[Figure] | None = None):
        self.by_key = {source.key: source for source in sources}
        self.footnotes: list[Footnote] = []
        self.missing: list[str] = []  # unknown keys, in order of appearance (with repeats)
        self._texts: dict[str, str] = {}
        self.figures = {figure.key: figure for figure in figures or []}
        self.figure_numbers: dict[str, int] = {}  # key -> "Figuur n", in order of reference
        self.figure_notes: dict[str, int] = {}  # key -> the footnote of its source
        self.placed: set[str] = set()  # figures printed in the text
        self.missing_figures: list[str] = []
        # Markdown text -> its citations' numbers, per occurrence in print order
        self.by_text: dict[str, list[tuple[int, ...]]] = defaultdict(list)
        self._calls: list[int] = []

    def render(self, text: str, heading_offset: int) -> SafeString:
        start = len(self._calls)
        html = markdown.render(
            text, cite=self.cite, figure=self.figure, heading_offset=heading_offset
        )
        if len(self._calls) > start:
            self.by_text[text].append(tuple(self._calls[start:]))
        return html

    def cite(self, key: str) -> str:
        source = self.by_key.get(key)
        if source is None:
            self.missing.append(key)
            return (
                f'<span class="citation-missing">[{escape(_("source missing"))}: '
                f"{escape(key)}]</span>"
            )
        html = self.note(source)
        self._calls.append(self.footnotes[-1].number)
        return html

    def note(self, source: Source) -> str:
        """A new footnote for ``source``: the call, and the note that WeasyPrint floats to
        the foot of the page."""
        number = len(self.footnotes) + 1
        self.footnotes.append(Footnote(number, source.key, source))
        # The call links to its note and the note's number back to the call.
        return (
            f'<sup class="fn-call"><a href="#fn-{number}" id="fnref-{number}">{number}</a></sup>'
            f'<span class="footnote"><a class="fn-number" id="fn-{number}" '
            f'href="#fnref-{number}">{number}</a> {self.text(source)}</span>'
        )

    def text(self, source: Source) -> str:
        """The footnote's text: the citation, its URL and when it was accessed (HTML)."""
        if not source.key:  # a figure's own source text
            return self._text(source)
        if source.key not in self._texts:
            self._texts[source.key] = self._text(source)
        return self._texts[source.key]

    @staticmethod
    def _text(source: Source) -> str:
        parts = [escape(source.citation.strip())]
        if source.url:
            url = escape(source.url)
            parts.append(f'<a class="url" href="{url}">{url}</a>')
        if source.accessed_on:
            accessed = _("accessed on %(date)s") % {"date": long_date(source.accessed_on)}
            parts.append(f"({escape(accessed)})")
        return " ".join(part for part in parts if part)

    def figure_number(self, key: str) -> int:
        return self.figure_numbers.setdefault(key, len(self.figure_numbers) + 1)

    def figure(self, key: str, block: bool) -> str:
        figure = self.figures.get(key)
        if figure is None:
            self.missing_figures.append(key)
            missing = _("figure missing")
            return f'<span class="citation-missing">[{escape(missing)}: {escape(key)}]</span>'
        number = self.figure_number(key)
        if block and key not in self.placed:
            self.placed.add(key)
            return self.figure_html(figure)
        label = _("figure %(number)s") % {"number": number}
        return f'<a class="figure-ref" href="#figure-{number}">{escape(label)}</a>'

    def figure_html(self, figure: Figure) -> str:
        """The figure as printed: the image with its alt text, "Figuur n", the caption and
        its source as a footnote."""
        number = self.figure_number(figure.key)
        source = figure_source(figure)
        note = ""
        if source is not None:
            note = self.note(source)
            self.figure_notes[figure.key] = self.footnotes[-1].number
        label = _("Figure %(number)s") % {"number": number}
        caption = escape(figure.caption.strip())
        return (
            f'<figure class="report-figure" id="figure-{number}">'
            f'<img src="{escape(fetchers.figure_url(figure.image.name))}" '
            f'alt="{escape(figure.alt_text)}">'
            f'<figcaption><span class="figure-number">{escape(label)}</span>'
            f"{'. ' + caption if caption else ''}{note}</figcaption></figure>"
        )


def figure_source(figure: Figure) -> Source | None:
    """The source a figure's caption cites: its linked source, or its own source text."""
    if figure.source_id is not None and figure.source is not None:
        return figure.source
    if figure.source_text.strip() or figure.source_url:
        return Source(key="", citation=figure.source_text, url=figure.source_url)
    return None


# --- Blocks the template prints -----------------------------------------------------------------


@dataclass
class Row:
    label: str
    value: str


@dataclass
class TocEntry:
    level: int
    anchor: str
    label: str


@dataclass
class Part:
    number: str
    title: str
    html: SafeString


@dataclass
class GoalAnswer:
    kind: str
    title: str
    html: SafeString


@dataclass
class ScoreCell:
    label: str
    reason: SafeString = EMPTY  # why it cannot be assessed


@dataclass
class Estimate:
    """The outcome of ``scoring.score``, ready to print."""

    label: str
    colour: str = ""
    state: str = ""

    @classmethod
    def of(cls, result: scoring.RiskScore) -> Estimate:
        return cls(result.label, result.colour, str(result.state))


@dataclass
class RiskBlock:
    number: str  # "R1", numbered through the report
    anchor: str
    topic: str
    category_number: str
    category_name: str
    description: SafeString = EMPTY
    likelihood_justification: SafeString = EMPTY
    impact_justification: SafeString = EMPTY
    likelihood: ScoreCell | None = None
    impact: ScoreCell | None = None
    estimate: Estimate | None = None
    residual: Estimate | None = None
    risk_pk: int = 0
    raised_in: str = ""  # "2.8" when the risk came up at a wellbeing question
    raised_in_values: str = ""  # that question's values, e.g. "zelfverwezenlijking"
    raised_in_anchor: str = ""  # where the report prints that question


@dataclass
class CategoryBlock:
    definition: str
    html: SafeString
    risks: list[RiskBlock]
    title: str = ""  # "3.1 Content risks"

    @property
    def judged(self) -> list[RiskBlock]:
        """Risks with a written likelihood or impact judgement."""
        return [r for r in self.risks if r.likelihood_justification or r.impact_justification]


@dataclass
class MeasureLine:
    """One measure: a row of its own in the chapter 4 table, with its own owner."""

    title: str
    html: SafeString
    status: str
    due: str
    owner: str  # "" when nobody owns it: the report says so
    overdue: bool  # planned or in progress, and its due date has passed
    status_reason: str = ""  # why it was dropped


@dataclass
class MeasureRow:
    """One risk in the chapter 4 table: its measures, then its residual risk (once)."""

    risk: RiskBlock
    measures: list[MeasureLine]
    residual_html: SafeString
    residual_likelihood: ScoreCell
    residual_impact: ScoreCell
    residual: Estimate


@dataclass
class MeasureGroup:
    title: str  # "3.1 Content risks"
    rows: list[MeasureRow]


@dataclass
class ContributionBlock:
    values: str
    elements: str
    html: SafeString


@dataclass
class WeighingItem:
    html: SafeString
    reference: str  # "(zie 2.8)", "(3.1)"


@dataclass
class ProportionalityBlock:
    organisation: list[WeighingItem]
    children: list[WeighingItem]
    harms: list[WeighingItem]
    derived: bool  # True when the table was filled from goals, contributions and risks
    weighing: SafeString


@dataclass
class Tick:
    label: str
    ticked: bool

    @property
    def box(self) -> str:
        return "☑" if self.ticked else "☐"


@dataclass
class Question:
    number: str
    kind: str
    text: str
    anchor: str
    bookmark: str
    template: str
    answer: SafeString = EMPTY
    parts: list[Part] = field(default_factory=list)
    goals: list[GoalAnswer] = field(default_factory=list)
    yes_no: str = ""
    ticks: list[Tick] = field(default_factory=list)  # yes/no as ticked boxes
    contribution: ContributionBlock | None = None
    category: CategoryBlock | None = None
    measure_groups: list[MeasureGroup] = field(default_factory=list)
    proportionality: ProportionalityBlock | None = None
    note: str = ""  # a line under the answer, e.g. the next re-assessment date


@dataclass
class Section:
    title: str
    intro: str
    questions: list[Question]
    official: bool = False  # the intro is the invuldocument's own text
    boxes: list[str] = field(default_factory=list)  # the form's instruction boxes


@dataclass
class HeatCell:
    label: str
    colour: str
    risks: str  # "R1, R4"


@dataclass
class HeatRow:
    label: str
    cells: list[HeatCell]


@dataclass
class Unplaced:
    """A risk that a heat map cannot place, and why."""

    label: str  # "R3 Profiling"
    reason: str  # "cannot be assessed", "not scored yet"
    details: list[SafeString] = field(default_factory=list)  # the written reasons

    def __str__(self) -> str:
        return f"{self.label} ({self.reason})"


@dataclass
class HeatMapBlock:
    caption: str
    impacts: list[str]
    rows: list[HeatRow]
    unplaced: list[Unplaced]

    @property
    def placed(self) -> bool:
        return any(cell.risks for row in self.rows for cell in row.cells)


@dataclass
class Band:
    label: str  # "low"
    scores: str  # "1–2"
    colour: str


@dataclass
class Chapter:
    number: int
    title: str
    intro: str
    anchor: str
    sections: list[Section]
    extra_template: str = ""  # printed after the questions (stop rule, risk map)
    lead_template: str = ""  # printed before the first section (the method note)
    official: bool = False  # the intro is the invuldocument's own text
    boxes: list[str] = field(default_factory=list)  # the form's instruction boxes


@dataclass
class Response:
    anchor: str
    author: str
    received_on: str
    html: SafeString
    reply_author: str
    replied_on: str
    reply: SafeString
    version_number: int | None = None
    from_service: bool = False  # the service's own text, printed verbatim in a marked box


@dataclass
class SourceEntry:
    key: str
    citation: str
    url: str
    accessed_on: str
    note: str
    footnotes: str  # "3, 17, 40"


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
    stylesheet_url: str = ""

    @property
    def placed_heatmaps(self) -> list[HeatMapBlock]:
        return [m for m in self.heatmaps if m.placed]

    @property
    def footnote_count(self) -> int:
        return len(self.footnotes)

    @property
    def missing_keys(self) -> list[str]:
        return list(dict.fromkeys(self.missing_citations))


# --- Helpers ------------------------------------------------------------------------------------


def long_date(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def _plain(html: SafeString) -> SafeString:
    """Markdown of one paragraph without the paragraph element (for table cells, lists)."""
    text = str(html).strip()
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1:
        return mark_safe(text[3:-4])
    return html


def _yes_no(value: str) -> str:
    return capfirst(str(YesNo(value).label) if value else _("not answered"))


def _score_cell(value: str, reason: str, inline) -> ScoreCell:
    """A likelihood or impact as printed; ``inline`` renders the reason's Markdown."""
    if value == Score.NOT_ASSESSABLE:
        return ScoreCell(str(Score.NOT_ASSESSABLE.label), inline(reason))
    if not value:
        return ScoreCell(_("not scored yet"))
    return ScoreCell(str(Score(value).label))


# --- The builder --------------------------------------------------------------------------------


class _Builder:
    """Walks the document in print order, so citations are numbered as a reader meets them."""

    def __init__(self, assessment: Assessment, ws: Workspace | None = None):
        self.a = assessment
        self.language = assessment.language
        # The assessment's content comes from the one loader the app uses (a fixed number of
        # queries), or from a version read back in memory; risks arrive in the instrument's
        # category order, numbered R1, R2, …
        ws = ws or Workspace(assessment)
        self.ws = ws
        self.version = ws.version
        self.answers = {key: answer.text for key, answer in ws.answers.items()}
        self.goals = ws.goals  # main goal first
        self.contributions = ws.contributions
        self.risks = ws.risks
        self.measures: dict[int, list[Measure]] = {r.pk: list(r.measures.all()) for r in ws.risks}
        self.items = ws.proportionality_items
        self.sources = ws.sources
        self.responses = ws.responses
        self.citations = Citations(self.sources, ws.figures)
        self.risk_blocks: dict[int, RiskBlock] = {}
        self.toc: list[TocEntry] = []
        self.prescan_note = EMPTY
        self.heatmaps: list[HeatMapBlock] = []

    def md(self, text: str, *, heading_offset: int = 3) -> SafeString:
        return self.citations.render(text, heading_offset)

    def md4(self, text: str) -> SafeString:
        """Markdown printed under a fourth-level heading (a risk, a goal, a part)."""
        return self.md(text, heading_offset=4)

    def md5(self, text: str) -> SafeString:
        """Markdown printed under a fifth-level heading (a risk in a category's judgement)."""
        return self.md(text, heading_offset=5)

    def inline(self, text: str) -> SafeString:
        """Markdown printed inside a line or a table cell."""
        return _plain(self.md(text, heading_offset=4))

    def answer(self, key: str) -> SafeString:
        return self.md(self.answers.get(key, ""))

    # The document, in print order.

    def build(self) -> Report:
        a = self.a
        # Headings in these texts go right below their own heading (h1, h2).
        reading_guide = self.md(a.reading_guide, heading_offset=1)
        disclaimers = self.md(a.disclaimers, heading_offset=2)
        limitations = self.md(a.limitations, heading_offset=2)
        cooperation_note = self.md(a.cooperation_note, heading_offset=2)
        self._front_matter_toc(reading_guide, disclaimers, limitations)
        introduction = []
        if a.report_instrument_texts:
            introduction = [text.get(self.language) for text in instrument.INTRODUCTION]
            self.toc.append(TocEntry(1, "introduction", _("Introduction")))
        stopped = a.prescan_outcome() == PrescanOutcome.STOP
        # A pre-scan that says no KIA is needed ends the report after chapter 1.
        shown = instrument.CHAPTERS[:1] if stopped else instrument.CHAPTERS
        chapters = [self.chapter(chapter) for chapter in shown]
        figures = self.figure_section()
        responses = self.appendix()
        sources = self.source_list()
        risks = [self.risk_blocks[r.pk] for r in self.risks if r.pk in self.risk_blocks]
        sign_off = self.sign_off()
        self.toc.append(TocEntry(1, "colophon", _("Colophon")))
        return Report(
            assessment=a,
            language=self.language,
            title=a.title,
            author=a.assessor or a.organisation.name,
            description=_("Children's rights impact assessment of %(service)s")
            % {"service": a.service_name},
            is_draft=not states.is_settled(a),
            watermark=str(Status.DRAFT.label).upper(),
            cover=self.cover(),
            toc=self.toc,
            introduction=introduction,
            introduction_boxes=self.boxes("introduction"),
            stop_rule=instrument.STOP_RULE.get(self.language),
            reading_guide=reading_guide,
            disclaimers=disclaimers,
            limitations=limitations,
            cooperation=self.cooperation(),
            cooperation_note=cooperation_note,
            chapters=chapters,
            prescan_outcome=str(a.prescan_outcome().label),
            prescan_note=self.prescan_note,
            risks=risks,
            heatmaps=self.heatmaps,
            bands=bands(self.a.matrix),
            stopped=stopped,
            responses=responses,
            sources=sources,
            footnotes=self.citations.footnotes,
            missing_citations=self.citations.missing,
            colophon=self.colophon(sign_off),
            attestation=sign_off.attestation if sign_off else "",
            figures=figures,
        )

    def cover(self) -> list[Row]:
        a = self.a
        rows = [
            Row(_("Assessed service"), a.service_name),
            Row(_("Provider"), a.service_provider),
            Row(_("Assessor"), a.assessor),
            Row(_("Commissioned by"), a.commissioner),
            Row(_("Kind of assessment"), str(a.get_kind_display())),
            Row(_("Period"), self.period()),
            Row(_("Status"), str(a.get_status_display())),
            Row(_("Version"), self.version_line),
        ]
        return [row for row in rows if row.value]

    def sign_off(self) -> SignOff | None:
        """Who answered for the version this report is made from: the sign-off of the
        newest finalised version up to it (publishing records a version of its own)."""
        if self.version is None or not states.is_settled(self.a):
            return None
        return (
            SignOff.objects.filter(
                assessment_id=self.a.pk, version__number__lte=self.version.number
            )
            .order_by("-version__number", "-signed_at")
            .first()
        )

    def colophon(self, sign_off: SignOff | None) -> list[Row]:
        """The closing facts: status, version, date, who signed off in what role, and for
        an external assessment who carried it out and for whom."""
        a = self.a
        when = self.version.created_at if self.version is not None else timezone.now()
        signed = _("not signed off")
        if sign_off is not None:
            signed = _("%(name)s (%(role)s), %(date)s") % {
                "name": sign_off.user_name,
                "role": sign_off.get_role_display(),
                "date": long_date(timezone.localtime(sign_off.signed_at).date()),
            }
        rows = [
            Row(_("Status"), capfirst(str(a.get_status_display()))),
            Row(_("Version"), self.version_line),
            Row(_("Date"), long_date(timezone.localtime(when).date())),
            Row(_("Signed off by"), signed),
        ]
        if a.is_external:
            rows += [
                Row(_("Assessor"), a.assessor or "—"),
                Row(_("Commissioned by"), a.commissioner or "—"),
            ]
        return rows

    def period(self) -> str:
        start, end = long_date(self.a.period_start), long_date(self.a.period_end)
        if start and end:
            return f"{start} – {end}"
        if start:
            return _("from %(date)s") % {"date": start}
        if end:
            return _("until %(date)s") % {"date": end}
        return ""

    @cached_property
    def version_line(self) -> str:
        """The document version on the cover: the recorded version this report is made
        from, or for a draft the date and the last recorded version."""
        if self.version is not None:
            when = long_date(timezone.localtime(self.version.created_at).date())
            return _("version %(version)s, %(date)s") % {
                "version": self.version.number,
                "date": when,
            }
        today = long_date(timezone.localdate())
        last = self.a.versions.order_by("-number").values_list("number", flat=True).first()
        if last is None:
            return _("working draft of %(date)s, not a recorded version") % {"date": today}
        return _("working draft of %(date)s, after version %(version)s") % {
            "date": today,
            "version": last,
        }

    def cooperation(self) -> str:
        if self.a.service_cooperated is None:
            return _("Unknown whether the service cooperated.")
        if self.a.service_cooperated:
            return _("The service cooperated in this assessment.")
        return _("The service did not cooperate in this assessment.")

    def _front_matter_toc(self, *texts: SafeString) -> None:
        labels = [_("Reading guide"), _("Disclaimers"), _("Limitations")]
        for anchor, label, text in zip(
            ("reading-guide", "disclaimers", "limitations"), labels, texts, strict=True
        ):
            if text:
                self.toc.append(TocEntry(1, anchor, label))
        self.toc.append(TocEntry(1, "cooperation", _("Cooperation of the service")))

    def chapter(self, chapter: instrument.Chapter) -> Chapter:
        anchor = f"chapter-{chapter.number}"
        title = chapter.title.get(self.language)
        self.toc.append(TocEntry(1, anchor, f"{chapter.number}. {title}"))
        sections = []
        texts = self.a.report_instrument_texts  # the form's own texts, or our summaries
        for section in chapter.sections:
            first = section.questions[0].number
            official = instrument.SECTION_INTRODUCTIONS.get(first) if texts else None
            intro = section.intro.get(self.language) if section.intro else ""
            block = Section(
                section.title.get(self.language),
                official.get(self.language) if official else intro,
                [],
                official=official is not None,
                boxes=self.boxes(f"section-{first}"),
            )
            block.questions = [self.question(q) for q in section.questions]
            sections.append(block)
        extra = lead = ""
        if chapter.number == 3:
            lead = "report/method_note.html"
        if chapter.number == 1:
            self.prescan_note = self.md(self.a.prescan_note)
            extra = "report/prescan_outcome.html"
        if chapter.number == 4:
            before = self.heatmap(residual=False)
            # The reasons under a heat map are printed (and their citations numbered) only
            # for maps that are shown: when no map places a risk, only the first list is.
            after = self.heatmap(residual=True, reasons=False)
            if before.placed or after.placed:
                after = self.heatmap(residual=True)
            self.heatmaps = [before, after]
            self.toc.append(TocEntry(2, "risk-map", _("Risks before and after measures")))
            extra = "report/risk_map.html"
        official = instrument.CHAPTER_INTRODUCTIONS.get(chapter.number) if texts else None
        return Chapter(
            chapter.number,
            title,
            (official or chapter.intro).get(self.language),
            anchor,
            sections,
            extra,
            lead_template=lead,
            official=official is not None,
            boxes=self.boxes(f"chapter-{chapter.number}"),
        )

    def boxes(self, place: str) -> list[str]:
        if not self.a.report_instrument_texts:
            return []
        return [text.get(self.language) for text in instrument.instructions(place)]

    def question(self, q: instrument.Question) -> Question:
        text = q.text.get(self.language)
        short = q.short.get(self.language) if q.short else ""
        if q.values:  # 2.8-2.14 are known by the wellbeing value they are built on
            short = capfirst(", ".join(v.name.get(self.language) for v in q.values))
        block = Question(
            number=q.number,
            kind=str(q.kind),
            text=text,
            anchor=f"q-{q.number.replace('.', '-')}",
            bookmark=f"{q.number} {short or text}",
            template=f"report/questions/{q.kind}.html",
        )
        self.toc.append(TocEntry(2, block.anchor, f"{q.number} {short or _shorten(text)}"))
        if q.kind == AnswerKind.YES_NO:
            field_name = instrument.PRESCAN_FIELDS[q.number]
            value = getattr(self.a, field_name)
            block.yes_no = _yes_no(value)
            block.ticks = [Tick(capfirst(str(choice.label)), value == choice) for choice in YesNo]
            if q.number == "1.3" and self.a.prescan_accessible_to_minors == YesNo.YES:
                block.yes_no = _("Not applicable: question 1.2 was answered 'yes'.")
                block.ticks = []
        elif q.kind == AnswerKind.GOALS:
            block.goals = [
                GoalAnswer(
                    capfirst(goal.get_kind_display()), goal.title, self.md4(goal.description)
                )
                for goal in self.goals
            ]
        elif q.kind == AnswerKind.CONTRIBUTION:
            row = self.contributions.get(q.number)
            block.contribution = ContributionBlock(
                values=", ".join(v.name.get(self.language) for v in q.values),
                elements=", ".join(e.get(self.language) for e in q.elements),
                html=self.md(row.text) if row else EMPTY,
            )
        elif q.kind == AnswerKind.RISKS:
            block.category = self.category(q)
        elif q.kind == AnswerKind.MEASURES:
            block.answer = self.answer(q.number)
            block.measure_groups = self.measure_groups()
        elif q.kind == AnswerKind.PROPORTIONALITY:
            block.proportionality = self.proportionality()
        elif q.parts:
            block.parts = [
                Part(
                    part.number,
                    part.title.get(self.language),
                    self.md4(self.answers.get(part.number, "")),
                )
                for part in q.parts
            ]
        else:
            block.answer = self.answer(q.number)
        if q.per_goal:
            attribute = instrument.GOAL_FIELDS
            block.goals = [
                GoalAnswer(
                    capfirst(goal.get_kind_display()),
                    goal.title,
                    self.md4(getattr(goal, attribute[q.number])),
                )
                for goal in self.goals
            ]
        if q.number == "5.6" and self.a.next_reassessment_on:
            block.note = _("Next re-assessment: %(date)s") % {
                "date": long_date(self.a.next_reassessment_on)
            }
        return block

    def category(self, q: instrument.Question) -> CategoryBlock:
        info = instrument.category(q.category)
        html = self.answer(q.number)
        risks = [risk for risk in self.risks if risk.category == q.category]
        blocks = []
        # Print order, as in the Berenschot report: every risk's description, then the
        # judgement (likelihood and impact per risk), then one score table for the category.
        for risk in risks:
            number = risk.label  # the same R1, R2, … as on the app's pages
            block = RiskBlock(
                number=number,
                anchor=f"risk-{number.lower()}",
                topic=risk.topic,
                category_number=info.number,
                category_name=info.name.get(self.language),
                risk_pk=risk.pk,
            )
            block.description = self.md4(risk.description)
            origin = instrument.QUESTION_BY_NUMBER.get(risk.raised_in)
            if origin is not None:
                block.raised_in = origin.number
                block.raised_in_anchor = f"q-{origin.number.replace('.', '-')}"
                block.raised_in_values = ", ".join(v.name.get(self.language) for v in origin.values)
            self.risk_blocks[risk.pk] = block
            blocks.append(block)
        for risk, block in zip(risks, blocks, strict=True):
            block.likelihood_justification = self.md5(risk.likelihood_justification)
            block.impact_justification = self.md5(risk.impact_justification)
        for risk, block in zip(risks, blocks, strict=True):
            block.likelihood = _score_cell(risk.likelihood, risk.likelihood_reason, self.inline)
            block.impact = _score_cell(risk.impact, risk.impact_reason, self.inline)
            block.estimate = Estimate.of(risk.gross_score)
            block.residual = Estimate.of(risk.residual_score)
        return CategoryBlock(
            info.definition.get(self.language),
            html,
            blocks,
            title=f"{info.number} {info.name.get(self.language)}",
        )

    def measure_groups(self) -> list[MeasureGroup]:
        groups: list[MeasureGroup] = []
        for risk in self.risks:
            block = self.risk_blocks[risk.pk]
            title = f"{block.category_number} {block.category_name}"
            if not groups or groups[-1].title != title:
                groups.append(MeasureGroup(title, []))
            today = timezone.localdate()
            lines = [
                MeasureLine(
                    m.title,
                    self.md(m.description),  # under the question's heading (h3), no h4 between
                    str(m.get_status_display()),
                    long_date(m.due_date),
                    m.owner_name,
                    overdue=measure_is_overdue(m.status, m.due_date, today),
                    status_reason=m.status_reason if m.status == MeasureStatus.DROPPED else "",
                )
                for m in self.measures.get(risk.pk, [])
            ]
            groups[-1].rows.append(
                MeasureRow(
                    risk=block,
                    measures=lines,
                    residual_html=self.md(risk.residual_description),
                    residual_likelihood=_score_cell(
                        risk.residual_likelihood, risk.residual_likelihood_reason, self.inline
                    ),
                    residual_impact=_score_cell(
                        risk.residual_impact, risk.residual_impact_reason, self.inline
                    ),
                    residual=block.residual,
                )
            )
        return groups

    def heatmap(self, *, residual: bool, reasons: bool = True) -> HeatMapBlock:
        grid = heatmap.build(self.risks, matrix=self.a.matrix, residual=residual)
        number = {pk: block.number for pk, block in self.risk_blocks.items()}
        rows = [
            HeatRow(
                _("likelihood %(level)s") % {"level": Score(likelihood).label},
                [
                    HeatCell(
                        str(cell.score.level.label) if cell.score.level else "",
                        cell.score.colour,
                        ", ".join(number[r.pk] for r in cell.risks),
                    )
                    for cell in cells
                ],
            )
            for likelihood, cells in grid.rows
        ]
        unplaced = []
        prefix = "residual_" if residual else ""
        for risk in grid.unplaced:
            likelihood = getattr(risk, f"{prefix}likelihood")
            impact = getattr(risk, f"{prefix}impact")
            result = risk.residual_score if residual else risk.gross_score
            details = []
            if result.state == ScoreState.NOT_ASSESSABLE:
                reason = _("cannot be assessed")
                for label, value, why in (
                    (_("Likelihood"), likelihood, getattr(risk, f"{prefix}likelihood_reason")),
                    (_("Impact"), impact, getattr(risk, f"{prefix}impact_reason")),
                ):
                    if reasons and value == Score.NOT_ASSESSABLE and why.strip():
                        # Repeated from chapter 3 without its citations (the footnotes are
                        # there), with a pointer to the category.
                        text = _plain(markdown.render(why, cite=lambda key: "", heading_offset=4))
                        details.append(
                            mark_safe(f'<span class="label">{escape(label)}:</span> ')
                            + text
                            + mark_safe(
                                f" {escape(_see(instrument.category(risk.category).number))}"
                            )
                        )
            else:
                reason = _("not scored yet")
            unplaced.append(Unplaced(f"{number[risk.pk]} {risk.topic}", reason, details))
        caption = _("After measures (residual risk)") if residual else _("Before measures")
        return HeatMapBlock(
            caption=caption,
            impacts=[_("impact %(level)s") % {"level": Score(i).label} for i in grid.impacts],
            rows=rows,
            unplaced=unplaced,
        )

    def proportionality(self) -> ProportionalityBlock:
        organisation: list[WeighingItem] = []
        children: list[WeighingItem] = []
        harms: list[WeighingItem] = []
        derived = not self.items
        columns = {
            ProportionalitySide.ORGANISATION_BENEFIT: organisation,
            ProportionalitySide.CHILD_BENEFIT: children,
            ProportionalitySide.HARM: harms,
        }
        if derived:  # the team did not fill it in: as goals, contributions and risks give it
            for row in weighing.derive(self.ws):
                columns[row.side].append(
                    WeighingItem(mark_safe(escape(row.text)), weighing.reference(row))
                )
        else:
            # Render in print order (left column top to bottom, then the right column), so
            # citations in the table are numbered as they are read.
            for side, column in columns.items():
                for item in self.items:
                    if item.side == side:
                        column.append(self.weighing_item(item))
        return ProportionalityBlock(
            organisation, children, harms, derived and bool(self.goals or self.risks),
            self.answer("5.3"),
        )  # fmt: skip

    def weighing_item(self, item: ProportionalityItem) -> WeighingItem:
        return WeighingItem(self.inline(item.text), weighing.reference(item))

    def figure_section(self) -> list[SafeString]:
        """Figures not printed in the text: those referred to in a sentence only (already
        numbered), then those never referred to, in the figures' order."""
        citations = self.citations
        waiting = [f for f in self.ws.figures if f.key not in citations.placed]
        waiting.sort(key=lambda f: citations.figure_numbers.get(f.key, 1_000_000))
        shown = [mark_safe(citations.figure_html(f)) for f in waiting]
        if shown:
            self.toc.append(TocEntry(1, "figures", _("Figures")))
        return shown

    def appendix(self) -> list[Response]:
        responses = []
        for index, row in enumerate(self.responses, start=1):
            responses.append(
                Response(
                    anchor=f"response-{index}",
                    author=row.author,
                    received_on=long_date(row.received_on),
                    html=self.md(
                        markdown.without_citations(row.text)
                        if row.submitted_by_service
                        else row.text,
                        heading_offset=2,
                    ),
                    reply_author=row.reply_author,
                    replied_on=long_date(row.replied_on),
                    reply=self.md(row.reply, heading_offset=3),
                    version_number=row.version_number,
                    from_service=row.submitted_by_service,
                )
            )
        if responses:
            self.toc.append(TocEntry(1, "appendix", _("Appendix: responses of the service")))
        return responses

    def source_list(self) -> list[SourceEntry]:
        cited: dict[str, list[str]] = defaultdict(list)
        for footnote in self.citations.footnotes:
            cited[footnote.key].append(str(footnote.number))
        entries = [
            SourceEntry(
                key=source.key,
                citation=source.citation,
                url=source.url,
                accessed_on=long_date(source.accessed_on),
                note=source.note,
                footnotes=", ".join(cited.get(source.key, [])),
            )
            for source in self.sources
        ]
        entries.sort(key=lambda e: (e.citation.casefold(), e.key))
        if entries or self.citations.missing:
            self.toc.append(TocEntry(1, "sources", _("List of sources")))
        return entries


def bands(matrix: scoring.RiskMatrix) -> list[Band]:
    """The levels of the assessment's risk matrix with the scores that fall in each (the
    method note)."""
    scores: dict[str, set[int]] = defaultdict(set)
    for likelihood, row in matrix.grid.items():
        for impact, key in row.items():
            scores[key].add(scoring.SCALE[likelihood] * scoring.SCALE[impact])
    result = []
    for level in sorted(matrix.levels, key=lambda level: level.rank):
        values = sorted(scores.get(level.key, ()))
        if not values:
            continue
        span = str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"
        result.append(Band(str(level.label), span, level.colour))
    return result


def _see(number: str) -> str:
    return _("(see %(number)s)") % {"number": number}


def _shorten(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + " …"


def build_report(assessment: Assessment, workspace: Workspace | None = None) -> Report:
    """The report of ``assessment`` (or of the version read into ``workspace``), in its
    language."""
    with translation.override(assessment.language):
        return _Builder(assessment, workspace).build()


# --- The same numbers on the web pages ----------------------------------------------------------


@dataclass(frozen=True)
class Numbering:
    """What the PDF numbered, for the web pages: each Markdown text's footnote numbers (in
    the order of its citations; one tuple per place the text is printed, in print order),
    each figure's number and its source's footnote."""

    token: str  # changes whenever the numbers may
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
        builder = _Builder(a, ws)
        builder.build()
    citations = builder.citations
    by_source: dict[str, list[int]] = defaultdict(list)
    for note in citations.footnotes:
        if note.key:
            by_source[note.key].append(note.number)
    found = Numbering(
        token=str(hash(state)),
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
