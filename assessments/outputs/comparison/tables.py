"""A comparison of assessments (``assessments.outputs.comparison.side_by_side``) as CSV and XLSX.

One table: a section, the row's label, then one column per compared assessment, in the
order of the comparison. CSV in the register's dialect (``csv_register``: UTF-8 with BOM,
``;``, formula-looking cells escaped); XLSX with the header bold and frozen and score
cells in their matrix colours.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.domain.scoring import RiskScore, Score
from assessments.outputs.comparison.side_by_side import CategoryCell, Comparison, RiskLine
from assessments.outputs.risk_register import CSV_DELIMITER, HEX_COLOUR, csv_cell


@dataclass(frozen=True)
class TableRow:
    section: str
    label: str
    cells: list[str]
    scores: list[RiskScore | None] | None = None  # colours for the cells, if any


def _score(score: RiskScore | None, cell: CategoryCell) -> str:
    if score is not None:
        return score.label
    return str(Score.NOT_ASSESSABLE.label) if cell.not_assessable else "—"


def _risk(line: RiskLine | None) -> str:
    if line is None:
        return _("not in this assessment")
    text = f"{line.label}: {line.gross.label} → {line.residual.label}"
    if line.reasons:
        text += " (" + "; ".join(line.reasons) + ")"
    return text


def _measures(cell: CategoryCell) -> str:
    return _("%(in_place)d in place, %(planned)d planned") % {
        "in_place": cell.in_place,
        "planned": cell.planned,
    }


def table(comparison: Comparison) -> tuple[list[str], list[TableRow]]:
    """The header and rows of the comparison as one table."""
    header = [
        _("Section"),
        _("Item"),
        *[f"{c.letter}. {c.title} · {c.version_label}" for c in comparison.columns],
    ]
    rows: list[TableRow] = []
    overview = _("Overview")
    rows += [TableRow(overview, row.label, row.cells) for row in comparison.overview]
    rows.append(TableRow(_("Pre-scan"), comparison.prescan.label, comparison.prescan.cells))
    for goal in comparison.goals:
        rows.append(TableRow(_("Goals"), goal.label, ["\n".join(c) or "—" for c in goal.cells]))
    for contribution in comparison.contributions:
        rows.append(
            TableRow(
                _("Contributions to wellbeing"),
                f"{contribution.number} {contribution.title}",
                [cell or "—" for cell in contribution.cells],
            )
        )
    for category in comparison.categories:
        section = f"{category.category.number} {category.category.name}"
        cells = category.cells
        rows += [
            TableRow(
                section,
                _("Number of risks"),
                [str(len(c.risks)) for c in cells],
            ),
            TableRow(
                section,
                _("Highest gross risk"),
                [_score(c.highest_gross, c) for c in cells],
                [c.highest_gross for c in cells],
            ),
            TableRow(
                section,
                _("Highest residual risk"),
                [_score(c.highest_residual, c) for c in cells],
                [c.highest_residual for c in cells],
            ),
            TableRow(
                section,
                _("Cannot be assessed"),
                ["\n".join(f"{r.label} {r.topic}" for r in c.not_assessable) or "—" for c in cells],
            ),
            TableRow(section, _("Measures"), [_measures(c) for c in cells]),
            TableRow(
                section,
                _("Overdue measures"),
                ["\n".join(m.title for m in c.overdue) or "—" for c in cells],
            ),
        ]
        rows += [
            TableRow(section, topic.topic, [_risk(line) for line in topic.lines])
            for topic in category.topics
        ]
    for side in comparison.proportionality:
        rows.append(TableRow("5.3", side.label, ["\n".join(c) or "—" for c in side.cells]))
    rows.append(
        TableRow(
            _("Sources"),
            _("Sources (cited)"),
            [
                ngettext("%(count)d source", "%(count)d sources", len(s.sources))
                % {"count": len(s.sources)}
                + f" ({len(s.cited)})"
                for s in comparison.sources
            ],
        )
    )
    for shared in comparison.shared_sources:
        rows.append(
            TableRow(
                _("Shared sources"),
                shared.citation + (f" <{shared.url}>" if shared.url else ""),
                [line.key if line is not None else "—" for line in shared.lines],
            )
        )
    return header, rows


def comparison_csv(comparison: Comparison) -> bytes:
    header, rows = table(comparison)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER)
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in (row.section, row.label, *row.cells)])
    return out.getvalue().encode("utf-8-sig")


def comparison_xlsx(comparison: Comparison) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header, rows = table(comparison)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Comparison")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for number, row in enumerate(rows, start=2):
        values = (row.section, row.label, *row.cells)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
            cell.data_type = "s"  # text, even when it starts with "="
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for column, score in enumerate(row.scores or [], start=3):
            colour = HEX_COLOUR.match(score.colour) if score is not None else None
            if colour:
                sheet.cell(row=number, column=column).fill = PatternFill(
                    fill_type="solid", fgColor=colour.group(1).upper()
                )
    widths = [28, 40, *[45] * len(comparison.columns)]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
