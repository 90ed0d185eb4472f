"""A comparison of assessments (``comparison.side_by_side``) as CSV and XLSX.

One table: a section, the row's label, then one column per compared assessment, in the
order of the comparison. Written by ``outputs.spreadsheets`` (the register's formula-safe
CSV; XLSX with the header bold and frozen and score cells in their matrix colours).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.domain.scoring import RiskScore, Score
from assessments.outputs import spreadsheets
from assessments.outputs.comparison.side_by_side import CategoryCell, Comparison
from assessments.outputs.risk_rows import RiskRow


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


def _risk(line: RiskRow | None) -> str:
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
    for framework in comparison.rights:
        rows.append(
            TableRow(
                _("Children's rights"),
                framework.name,
                [
                    _("%(addressed)d of %(total)d addressed, %(excluded)d not relevant")
                    % {
                        "addressed": len(cell.addressed),
                        "total": cell.total,
                        "excluded": len(cell.excluded),
                    }
                    + (": " + ", ".join(cell.addressed) if cell.addressed else "")
                    for cell in framework.cells
                ],
            )
        )
    for side in comparison.proportionality:
        rows.append(TableRow("5.3", side.label, ["\n".join(c) or "—" for c in side.cells]))
    for voice in comparison.voice:
        rows.append(
            TableRow(
                _("The children's voice"), voice.label, ["\n".join(c) or "—" for c in voice.cells]
            )
        )
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
    return spreadsheets.to_csv(header, [(row.section, row.label, *row.cells) for row in rows])


def comparison_xlsx(comparison: Comparison) -> bytes:
    header, rows = table(comparison)
    return spreadsheets.to_xlsx(
        spreadsheets.Sheet(
            title=_("Comparison"),
            header=header,
            rows=[(row.section, row.label, *row.cells) for row in rows],
            widths=[28, 40, *[45] * len(comparison.columns)],
            fills=[
                {
                    column: score.colour
                    for column, score in enumerate(row.scores or [], start=2)
                    if score is not None
                }
                for row in rows
            ],
            freeze="C2",
            filters=False,
        )
    )
