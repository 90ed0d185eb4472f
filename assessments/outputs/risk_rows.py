"""One risk and its measures as every output shows them: the report, the comparison of
assessments, the risk register (CSV, XLSX) and the API's register.

``risk_row(risk)`` reads a risk and its measures (``risk.measures.all()``: load risks
through ``Workspace``, which fetches the measures with them) into plain rows: its label
R1, R2, … (as ``Workspace`` numbered it), its category, its gross and residual score
(``scoring.RiskScore``, the one presenter of a score: label and colour) and why a score
cannot be assessed; each measure with its status, owner as shown and whether it is overdue
(``measure_is_overdue``, the domain's one rule). Labels are in the active language: build
rows inside ``translation.override`` where they must follow the assessment's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.domain import instrument
from assessments.domain.constants import MeasureStatus
from assessments.domain.models import Measure, Risk
from assessments.domain.models.risks import measure_is_overdue
from assessments.domain.scoring import RiskScore, Score, ScoreState


@dataclass(frozen=True)
class MeasureRow:
    pk: int | None
    title: str
    description: str  # Markdown
    status: str  # a ``MeasureStatus`` value
    status_label: str
    status_reason: str  # why it was dropped ("" unless it was)
    owner: str  # as shown: the member's name, else the free text; "" when nobody owns it
    owner_text: str  # the free-text owner as stored (the API's ``owner``)
    due_date: datetime.date | None
    overdue: bool  # planned or in progress, and its due date has passed

    @property
    def in_place(self) -> bool:
        return self.status == MeasureStatus.IN_PLACE

    @property
    def is_open(self) -> bool:
        """Still to be carried out (planned or in progress)."""
        return self.status in MeasureStatus.open_values()


@dataclass(frozen=True)
class RiskRow:
    pk: int | None
    label: str  # R1, R2, … as ``Workspace`` numbered it ("" when it did not)
    category: str  # the category's key
    category_number: str  # "3.1"
    category_name: str
    topic: str
    likelihood: str  # ``Score`` values, "" when not given
    impact: str
    residual_likelihood: str
    residual_impact: str
    gross: RiskScore
    residual: RiskScore
    reasons: list[str]  # "likelihood: why", for each score that cannot be assessed
    residual_description: str  # Markdown
    measures: list[MeasureRow]

    @property
    def category_title(self) -> str:
        return f"{self.category_number} {self.category_name}"

    @property
    def in_place(self) -> int:
        return sum(1 for m in self.measures if m.in_place)

    @property
    def planned(self) -> int:
        return sum(1 for m in self.measures if m.is_open)

    @property
    def overdue(self) -> list[MeasureRow]:
        return [m for m in self.measures if m.overdue]

    @property
    def not_assessable(self) -> bool:
        return ScoreState.NOT_ASSESSABLE in (self.gross.state, self.residual.state)


def scale_label(value: str) -> str:
    """A likelihood or impact as printed ("" when not given)."""
    return str(Score(value).label) if value else ""


def measure_row(measure: Measure, today: datetime.date | None = None) -> MeasureRow:
    return MeasureRow(
        pk=measure.pk,
        title=measure.title,
        description=measure.description,
        status=measure.status,
        status_label=str(measure.get_status_display()),
        status_reason=measure.status_reason if measure.status == MeasureStatus.DROPPED else "",
        owner=measure.owner_name,
        owner_text=measure.owner,
        due_date=measure.due_date,
        overdue=measure_is_overdue(measure.status, measure.due_date, today),
    )


def risk_row(risk: Risk, today: datetime.date | None = None) -> RiskRow:
    """``risk`` and its measures; ``today`` decides what is overdue (default: today)."""
    category = instrument.category(risk.category)
    return RiskRow(
        pk=risk.pk,
        label=getattr(risk, "label", ""),
        category=risk.category,
        category_number=category.number,
        category_name=str(category.name),
        topic=risk.topic,
        likelihood=risk.likelihood,
        impact=risk.impact,
        residual_likelihood=risk.residual_likelihood,
        residual_impact=risk.residual_impact,
        gross=risk.gross_score,
        residual=risk.residual_score,
        reasons=_reasons(risk),
        residual_description=risk.residual_description,
        measures=[measure_row(m, today) for m in risk.measures.all()],
    )


def _reasons(risk: Risk) -> list[str]:
    pairs = (
        (risk.likelihood, risk.likelihood_reason, _("likelihood")),
        (risk.impact, risk.impact_reason, _("impact")),
        (risk.residual_likelihood, risk.residual_likelihood_reason, _("residual likelihood")),
        (risk.residual_impact, risk.residual_impact_reason, _("residual impact")),
    )
    return [f"{name}: {reason}" for score, reason, name in pairs if score == Score.NOT_ASSESSABLE]
