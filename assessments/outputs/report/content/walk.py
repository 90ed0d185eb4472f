"""The walk through the report in print order: what every part builder reads and adds to.

A ``Walk`` holds the assessment's rows (from the one loader the app uses, ``Workspace``: a
fixed number of queries; or from a version read back in memory), the citations numbered so
far and the table of contents. Its ``md`` helpers render Markdown at a heading level and
number the citations as they go, so the part builders must be called in the order the
template prints their parts (``data.assemble`` does).
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from assessments.domain import instrument
from assessments.domain.models import Assessment
from assessments.domain.workspace import Workspace
from assessments.outputs import rights
from assessments.outputs.report.content.blocks import EMPTY, HeatMapBlock, RiskBlock, TocEntry
from assessments.outputs.report.content.citations import Citations
from assessments.outputs.report.content.formats import plain
from assessments.outputs.risk_rows import RiskRow, risk_row


class Walk:
    def __init__(self, assessment: Assessment, ws: Workspace | None = None):
        self.a = assessment
        self.language = assessment.language
        # Risks arrive in the instrument's category order, numbered R1, R2, …
        ws = ws or Workspace(assessment)
        self.ws = ws
        self.version = ws.version
        self.answers = {key: answer.text for key, answer in ws.answers.items()}
        self.goals = ws.goals  # main goal first
        self.contributions = ws.contributions
        self.risks = ws.risks
        # Each risk and its measures as every output shows them (label, scores, overdue).
        self.rows: dict[int, RiskRow] = {r.pk: risk_row(r) for r in ws.risks}
        self.items = ws.proportionality_items
        self.sources = ws.sources
        self.responses = ws.responses
        self.citations = Citations(self.sources, ws.figures)
        # The library items each row is linked to, and the links themselves (the annex).
        self.links = ws.rows("link")
        self.rights = rights.by_row(self.links)
        # What the parts leave for later ones (and for the ``Report``).
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
        return plain(self.md(text, heading_offset=4))

    def answer(self, key: str) -> SafeString:
        return self.md(self.answers.get(key, ""))

    def boxes(self, place: str) -> list[str]:
        """The form's instruction boxes at ``place``, when the report prints its texts."""
        if not self.a.report_instrument_texts:
            return []
        return [text.get(self.language) for text in instrument.instructions(place)]
