"""The 3×3 heat map of risks (kans × impact), before or after measures."""

from __future__ import annotations

from dataclasses import dataclass, field

from assessments.domain import scoring
from assessments.domain.scoring import Score


@dataclass
class Cell:
    likelihood: str
    impact: str
    score: scoring.RiskScore
    risks: list = field(default_factory=list)


@dataclass
class HeatMap:
    rows: list[tuple[str, list[Cell]]]  # likelihood high → low, each with cells impact low → high
    unplaced: list  # risks that cannot be placed: not assessable or not scored yet
    residual: bool
    risks: list  # all risks, in order (for the table alternative)

    @property
    def impacts(self) -> list[str]:
        return list(scoring.SCALE)

    @property
    def is_empty(self) -> bool:
        return not any(cell.risks for _, cells in self.rows for cell in cells)


def build(risks, *, matrix: scoring.RiskMatrix, residual: bool = False) -> HeatMap:
    """The heat map of ``risks`` coloured by ``matrix`` (the assessment's own)."""
    levels = list(scoring.SCALE)  # low, medium, high
    cells = {
        (lk, ik): Cell(lk, ik, scoring.score(lk, ik, matrix)) for lk in levels for ik in levels
    }
    unplaced = []
    for risk in risks:
        likelihood = risk.residual_likelihood if residual else risk.likelihood
        impact = risk.residual_impact if residual else risk.impact
        cell = cells.get((likelihood, impact))
        if cell is None:
            unplaced.append(risk)
        else:
            cell.risks.append(risk)
    rows = [(lk, [cells[(lk, ik)] for ik in levels]) for lk in reversed(levels)]
    return HeatMap(rows, unplaced, residual, list(risks))


def label(value: str) -> str:
    return str(Score(value).label) if value else ""
