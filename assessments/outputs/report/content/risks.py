"""Chapters 3 and 4: the risks of each category (description, judgement, score table),
the measures against each risk with its residual risk, and the bands of the risk matrix
(the method note)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from assessments.domain import instrument, scoring
from assessments.domain.scoring import Score
from assessments.outputs.report.content import voice
from assessments.outputs.report.content.blocks import (
    Band,
    CategoryBlock,
    Estimate,
    MeasureGroup,
    MeasureLine,
    RiskBlock,
    RiskMeasures,
    ScoreCell,
)
from assessments.outputs.report.content.formats import long_date
from assessments.outputs.report.content.walk import Walk
from assessments.outputs.risk_rows import scale_label


def category(walk: Walk, q: instrument.Question) -> CategoryBlock:
    info = instrument.category(q.category)
    html = walk.answer(q.number)
    risks = [risk for risk in walk.risks if risk.category == q.category]
    blocks = []
    # Print order, as in the Berenschot report: every risk's description, then the
    # judgement (likelihood and impact per risk), then one score table for the category.
    for risk in risks:
        row = walk.rows[risk.pk]
        block = RiskBlock(
            number=row.label,  # the same R1, R2, … as on the app's pages
            anchor=f"risk-{row.label.lower()}",
            topic=row.topic,
            category_number=row.category_number,
            category_name=row.category_name,
            risk_pk=risk.pk,
            rights=walk.rights.get(("risk", risk.pk), ""),
        )
        block.description = walk.md4(risk.description)
        origin = instrument.QUESTION_BY_NUMBER.get(risk.raised_in)
        if origin is not None:
            block.raised_in = origin.number
            block.raised_in_anchor = f"q-{origin.number.replace('.', '-')}"
            block.raised_in_values = ", ".join(v.name.get(walk.language) for v in origin.values)
        block.findings = voice.findings_of_risk(walk, risk)
        walk.risk_blocks[risk.pk] = block
        blocks.append(block)
    for risk, block in zip(risks, blocks, strict=True):
        block.likelihood_justification = walk.md5(risk.likelihood_justification)
        block.impact_justification = walk.md5(risk.impact_justification)
    for risk, block in zip(risks, blocks, strict=True):
        block.likelihood = _score_cell(risk.likelihood, risk.likelihood_reason, walk.inline)
        block.impact = _score_cell(risk.impact, risk.impact_reason, walk.inline)
        block.estimate = Estimate.of(walk.rows[risk.pk].gross)
        block.residual = Estimate.of(walk.rows[risk.pk].residual)
    return CategoryBlock(
        info.definition.get(walk.language),
        html,
        blocks,
        title=f"{info.number} {info.name.get(walk.language)}",
    )


def measure_groups(walk: Walk) -> list[MeasureGroup]:
    groups: list[MeasureGroup] = []
    for risk in walk.risks:
        row = walk.rows[risk.pk]
        if not groups or groups[-1].title != row.category_title:
            groups.append(MeasureGroup(row.category_title, []))
        lines = [
            MeasureLine(
                m.title,
                walk.md(m.description),  # under the question's heading (h3), no h4 between
                m.status_label,
                long_date(m.due_date),
                m.owner,
                overdue=m.overdue,
                status_reason=m.status_reason,
                rights=walk.rights.get(("measure", m.pk or 0), ""),
            )
            for m in row.measures
        ]
        groups[-1].rows.append(
            RiskMeasures(
                risk=walk.risk_blocks[risk.pk],
                measures=lines,
                residual_html=walk.md(risk.residual_description),
                residual_likelihood=_score_cell(
                    risk.residual_likelihood, risk.residual_likelihood_reason, walk.inline
                ),
                residual_impact=_score_cell(
                    risk.residual_impact, risk.residual_impact_reason, walk.inline
                ),
                residual=Estimate.of(row.residual),
            )
        )
    return groups


def _score_cell(value: str, reason: str, inline) -> ScoreCell:
    """A likelihood or impact as printed; ``inline`` renders the reason's Markdown."""
    if value == Score.NOT_ASSESSABLE:
        return ScoreCell(scale_label(value), inline(reason))
    if not value:
        return ScoreCell(_("not scored yet"))
    return ScoreCell(scale_label(value))


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
