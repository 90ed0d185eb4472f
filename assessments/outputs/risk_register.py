"""The risk register (chapters 3 and 4 as one table) as CSV and XLSX.

One row per measure; a risk without measures gets one row of its own. A planned or
in-progress measure past its due date says "overdue" in the last column. Scores are labelled
by ``scoring.score()``; texts follow the assessment's language.

Written by ``outputs.spreadsheets`` (formula-safe CSV for Excel, and XLSX with the header
row bold and frozen and the score cells in the matrix colours).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.domain import instrument, scoring
from assessments.domain.constants import MeasureStatus
from assessments.domain.exchange.export import measures_by_risk, ordered_risks
from assessments.domain.models import Assessment, Measure, Risk
from assessments.outputs import spreadsheets

# (header, column width in characters) in column order.
_COLUMNS = (
    (gettext_noop("Category"), 26),
    (gettext_noop("Topic"), 30),
    (gettext_noop("Likelihood"), 14),
    (gettext_noop("Impact"), 14),
    (gettext_noop("Risk score"), 18),
    (gettext_noop("Measure"), 34),
    (gettext_noop("Status"), 12),
    (gettext_noop("Owner"), 22),
    (gettext_noop("Due date"), 12),
    (gettext_noop("Residual likelihood"), 14),
    (gettext_noop("Residual impact"), 14),
    (gettext_noop("Residual risk score"), 18),
    (gettext_noop("Residual risk"), 50),
    (gettext_noop("Overdue"), 10),
)
GROSS_SCORE_COLUMN = 4  # 0-based positions, for colouring
RESIDUAL_SCORE_COLUMN = 11


@dataclass(frozen=True)
class RegisterRow:
    cells: tuple[str | datetime.date | None, ...]
    gross: scoring.RiskScore
    residual: scoring.RiskScore


def _headers() -> list[str]:
    return [_(name) for name, _width in _COLUMNS]


def _estimate(value: str) -> str:
    return str(scoring.Score(value).label) if value else ""


def _row(risk: Risk, measure: Measure | None) -> RegisterRow:
    category = instrument.category(risk.category)
    gross, residual = risk.gross_score, risk.residual_score
    return RegisterRow(
        cells=(
            f"{category.number} {category.name}",
            risk.topic,
            _estimate(risk.likelihood),
            _estimate(risk.impact),
            gross.label,
            measure.title if measure else "",
            str(MeasureStatus(measure.status).label) if measure else "",
            measure.owner_name if measure else "",
            measure.due_date if measure else None,
            _estimate(risk.residual_likelihood),
            _estimate(risk.residual_impact),
            residual.label,
            risk.residual_description,
            _("overdue") if measure and measure.is_overdue else "",
        ),
        gross=gross,
        residual=residual,
    )


def register_rows(assessment: Assessment) -> tuple[list[str], list[RegisterRow]]:
    """Header and rows of the register, in the assessment's language."""
    with translation.override(assessment.language):
        measures = measures_by_risk(assessment)
        rows = [
            _row(risk, measure)
            for risk in ordered_risks(assessment)
            for measure in (measures.get(risk.pk) or [None])
        ]
        return _headers(), rows


def register_csv(assessment: Assessment) -> bytes:
    headers, rows = register_rows(assessment)
    return spreadsheets.to_csv(headers, [row.cells for row in rows])


def register_xlsx(assessment: Assessment) -> bytes:
    headers, rows = register_rows(assessment)
    with translation.override(assessment.language):
        title = _("Risk register")
    return spreadsheets.to_xlsx(
        spreadsheets.Sheet(
            title=title,
            header=headers,
            rows=[row.cells for row in rows],
            widths=[width for _name, width in _COLUMNS],
            fills=[
                {GROSS_SCORE_COLUMN: row.gross.colour, RESIDUAL_SCORE_COLUMN: row.residual.colour}
                for row in rows
            ],
        )
    )
