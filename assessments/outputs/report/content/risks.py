"""Chapters 3 and 4: the risks of each category (description, judgement, score table),
the measures against each risk with its residual risk, and the bands of the risk matrix
(the method note)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain import instrument, scoring
from assessments.domain.constants import MeasureStatus
from assessments.domain.models.risks import measure_is_overdue
from assessments.domain.scoring import Score
from assessments.outputs.report.content.blocks import (
    Band,
    CategoryBlock,
    Estimate,
    MeasureGroup,
    MeasureLine,
    MeasureRow,
    RiskBlock,
    ScoreCell,
)
from assessments.outputs.report.content.formats import long_date
from assessments.outputs.report.content.walk import Walk


def category(walk: Walk, q: instrument.Question) -> CategoryBlock:
    info = instrument.category(q.category)
    html = walk.answer(q.number)
    risks = [risk for risk in walk.risks if risk.category == q.category]
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
            category_name=info.name.get(walk.language),
            risk_pk=risk.pk,
        )
        block.description = walk.md4(risk.description)
        origin = instrument.QUESTION_BY_NUMBER.get(risk.raised_in)
        if origin is not None:
            block.raised_in = origin.number
            block.raised_in_anchor = f"q-{origin.number.replace('.', '-')}"
            block.raised_in_values = ", ".join(v.name.get(walk.language) for v in origin.values)
        walk.risk_blocks[risk.pk] = block
        blocks.append(block)
    for risk, block in zip(risks, blocks, strict=True):
        block.likelihood_justification = walk.md5(risk.likelihood_justification)
        block.impact_justification = walk.md5(risk.impact_justification)
    for risk, block in zip(risks, blocks, strict=True):
        block.likelihood = _score_cell(risk.likelihood, risk.likelihood_reason, walk.inline)
        block.impact = _score_cell(risk.impact, risk.impact_reason, walk.inline)
        block.estimate = Estimate.of(risk.gross_score)
        block.residual = Estimate.of(risk.residual_score)
    return CategoryBlock(
        info.definition.get(walk.language),
        html,
        blocks,
        title=f"{info.number} {info.name.get(walk.language)}",
    )


def measure_groups(walk: Walk) -> list[MeasureGroup]:
    groups: list[MeasureGroup] = []
    for risk in walk.risks:
        block = walk.risk_blocks[risk.pk]
        title = f"{block.category_number} {block.category_name}"
        if not groups or groups[-1].title != title:
            groups.append(MeasureGroup(title, []))
        today = timezone.localdate()
        lines = [
            MeasureLine(
                m.title,
                walk.md(m.description),  # under the question's heading (h3), no h4 between
                str(m.get_status_display()),
                long_date(m.due_date),
                m.owner_name,
                overdue=measure_is_overdue(m.status, m.due_date, today),
                status_reason=m.status_reason if m.status == MeasureStatus.DROPPED else "",
            )
            for m in walk.measures.get(risk.pk, [])
        ]
        groups[-1].rows.append(
            MeasureRow(
                risk=block,
                measures=lines,
                residual_html=walk.md(risk.residual_description),
                residual_likelihood=_score_cell(
                    risk.residual_likelihood, risk.residual_likelihood_reason, walk.inline
                ),
                residual_impact=_score_cell(
                    risk.residual_impact, risk.residual_impact_reason, walk.inline
                ),
                residual=block.residual,
            )
        )
    return groups


def _score_cell(value: str, reason: str, inline) -> ScoreCell:
    """A likelihood or impact as printed; ``inline`` renders the reason's Markdown."""
    if value == Score.NOT_ASSESSABLE:
        return ScoreCell(str(Score.NOT_ASSESSABLE.label), inline(reason))
    if not value:
        return ScoreCell(_("not scored yet"))
    return ScoreCell(str(Score(value).label))


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
