"""The blocks the report's template prints: plain dataclasses, filled by the part builders
(``front``, ``chapters``, ``risks``, ``heatmaps``, ``weighing``, ``back``) and read by
``templates/report/``. Labels are already in the assessment's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from assessments.domain import scoring
from assessments.outputs import markdown

EMPTY = mark_safe("")


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
    # Findings of consultations of children that inform it: ("C1.2", its anchor).
    findings: list[tuple[str, str]] = field(default_factory=list)
    rights: str = ""  # the library items it is linked to: "art. 16, art. 17, Code P9"


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
    rights: str = ""  # the library items it is linked to: "art. 16, Code P3"


@dataclass
class RiskMeasures:
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
    rows: list[RiskMeasures]


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

    @property
    def citation_html(self) -> SafeString:
        """The citation with its inline Markdown (``*Leesmonitor*``) rendered, safely."""
        return markdown.render_inline(self.citation)


# --- The annex "Children's rights" (``content.rights``) ----------------------------------------


@dataclass
class RightsPlace:
    """A part of the assessment that addresses a library item: "R3", "2.10", a goal."""

    label: str
    anchor: str = ""  # where the report prints it
    note: str = ""  # the team's note on the link


@dataclass
class RightsLine:
    ref: str  # "art. 16"
    title: str
    places: list[RightsPlace] = field(default_factory=list)
    reason: str = ""  # why the team marked it not relevant
    withdrawn: bool = False  # withdrawn from the library since it was linked


@dataclass
class RightsFramework:
    anchor: str
    name: str
    summary: str  # "12 of 42 addressed, 2 not relevant"
    addressed: list[RightsLine]
    excluded: list[RightsLine]
    missing: list[str]  # the references of the items not addressed
