"""The risk register (chapters 3 and 4 as one table) as CSV and XLSX.

One row per measure; a risk without measures gets one row of its own. A planned or
in-progress measure past its due date says "overdue" in the last column. Scores are labelled
by ``scoring.score()``; texts follow the assessment's language.

CSV: UTF-8 with a byte order mark and ``;`` between fields, which is what Excel expects in
Dutch locales (where ``,`` is the decimal separator), so it opens with the right columns
and accented letters. Cells that start with ``=``, ``+``, ``-``, ``@``, tab or carriage
return get a leading ``'`` so that spreadsheet programs do not run them as formulas.
XLSX: the same table; the header row bold and frozen, score cells in the matrix colours.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.domain import instrument, scoring
from assessments.domain.constants import MeasureStatus
from assessments.domain.exchange.export import measures_by_risk, ordered_risks
from assessments.domain.models import Assessment, Measure, Risk

CSV_DELIMITER = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEX_COLOUR = re.compile(r"^#?([0-9A-Fa-f]{6})$")
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


def csv_cell(value: str | datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def register_csv(assessment: Assessment) -> bytes:
    headers, rows = register_rows(assessment)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER)
    writer.writerow(headers)
    writer.writerows([csv_cell(cell) for cell in row.cells] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def register_xlsx(assessment: Assessment) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers, rows = register_rows(assessment)
    book = Workbook()
    sheet = book.active
    with translation.override(assessment.language):
        sheet.title = _("Risk register")[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row.cells, start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
                cell.data_type = "s"  # text, even when it starts with "="
            else:
                cell.value = value
                if value is not None:
                    cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for column, score in (
            (GROSS_SCORE_COLUMN, row.gross),
            (RESIDUAL_SCORE_COLUMN, row.residual),
        ):
            colour = HEX_COLOUR.match(score.colour)
            if colour:  # a matrix may use other CSS colours; those stay uncoloured
                sheet.cell(row=number, column=column + 1).fill = PatternFill(
                    fill_type="solid", fgColor=colour.group(1).upper()
                )
    for column, (_name, width) in enumerate(_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
