"""Chapter 4's risk map: every risk placed by likelihood and impact, before and after
measures, with the risks a map cannot place and why."""

from __future__ import annotations

from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments.domain import instrument
from assessments.domain.scoring import Score, ScoreState
from assessments.outputs import heatmap, markdown
from assessments.outputs.report.content.blocks import (
    HeatCell,
    HeatMapBlock,
    HeatRow,
    TocEntry,
    Unplaced,
)
from assessments.outputs.report.content.formats import plain
from assessments.outputs.report.content.walk import Walk


def risk_map(walk: Walk) -> None:
    """The heat maps before and after measures, kept in ``walk.heatmaps``."""
    before = heatmap_block(walk, residual=False)
    # The reasons under a heat map are printed (and their citations numbered) only
    # for maps that are shown: when no map places a risk, only the first list is.
    after = heatmap_block(walk, residual=True, reasons=False)
    if before.placed or after.placed:
        after = heatmap_block(walk, residual=True)
    walk.heatmaps = [before, after]
    walk.toc.append(TocEntry(2, "risk-map", _("Risks before and after measures")))


def heatmap_block(walk: Walk, *, residual: bool, reasons: bool = True) -> HeatMapBlock:
    grid = heatmap.build(walk.risks, matrix=walk.a.matrix, residual=residual)
    number = {pk: block.number for pk, block in walk.risk_blocks.items()}
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
        row = walk.rows[risk.pk]
        result = row.residual if residual else row.gross
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
                    text = plain(markdown.render(why, cite=lambda key: "", heading_offset=4))
                    details.append(
                        mark_safe(f'<span class="label">{escape(label)}:</span> ')
                        + text
                        + mark_safe(f" {escape(_see(instrument.category(risk.category).number))}")
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


def _see(number: str) -> str:
    return _("(see %(number)s)") % {"number": number}
