"""The risk register (chapters 3 and 4 as one table) as CSV and XLSX.

One row per measure; a risk without measures gets one row of its own. A planned or
in-progress measure past its due date says "overdue" in its column. Risks and measures
are shown as ``risk_rows`` presents them (scores labelled by ``scoring.score()``); texts
follow the assessment's language. The last column names the library items (articles, Code
principles, DSA sections …) the risk and the measure are linked to (``outputs.rights``).

Written by ``outputs.spreadsheets`` (formula-safe CSV for Excel, and XLSX with the header
row bold and frozen and the score cells in the matrix colours).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.domain import scoring
from assessments.domain.models import Assessment
from assessments.domain.workspace import Workspace
from assessments.outputs import rights, spreadsheets
from assessments.outputs.risk_rows import MeasureRow, RiskRow, risk_row, scale_label

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
    (gettext_noop("Children's rights"), 30),
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


def _rights(names: dict[tuple[str, int], str], risk: RiskRow, measure: MeasureRow | None) -> str:
    """The library items the risk and the measure are linked to, each once."""
    parts = [names.get(("risk", risk.pk or 0), "")]
    if measure is not None:
        parts.append(names.get(("measure", measure.pk or 0), ""))
    chips = [chip.strip() for part in parts for chip in part.split(",") if chip.strip()]
    return ", ".join(dict.fromkeys(chips))


def _row(
    risk: RiskRow, measure: MeasureRow | None, names: dict[tuple[str, int], str]
) -> RegisterRow:
    return RegisterRow(
        cells=(
            risk.category_title,
            risk.topic,
            scale_label(risk.likelihood),
            scale_label(risk.impact),
            risk.gross.label,
            measure.title if measure else "",
            measure.status_label if measure else "",
            measure.owner if measure else "",
            measure.due_date if measure else None,
            scale_label(risk.residual_likelihood),
            scale_label(risk.residual_impact),
            risk.residual.label,
            risk.residual_description,
            _("overdue") if measure and measure.overdue else "",
            _rights(names, risk, measure),
        ),
        gross=risk.gross,
        residual=risk.residual,
    )


def register_rows(assessment: Assessment) -> tuple[list[str], list[RegisterRow]]:
    """Header and rows of the register, in the assessment's language."""
    with translation.override(assessment.language):
        ws = Workspace(assessment)
        names = rights.by_row(ws.rows("link"))
        risks = [risk_row(risk) for risk in ws.risks]
        rows = [
            _row(risk, measure, names) for risk in risks for measure in (risk.measures or [None])
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
