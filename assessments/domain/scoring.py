"""Risk scoring: kans (likelihood) × impact, in one place.

The KIA asks for likelihood and impact on the scale laag / midden / hoog and for the
risk estimate as their product. It defines no numbers, thresholds or colours, so we
choose them here and document them (docs/user-guide.md, "Scoring"):

* laag = 1, midden = 2, hoog = 3, so the score kans × impact is one of 1, 2, 3, 4, 6, 9;
* score 1–2 is a **low** risk, 3–4 **medium**, 6–9 **high**;
* "niet te beoordelen" (cannot be assessed) on either input gives no number at all, and a
  missing input gives "not scored yet".

A deployment can replace the matrix (levels, labels, colours, the grid) by pointing the
``KIA_RISK_MATRIX`` setting at its own ``RiskMatrix``. Each assessment keeps the matrix it
was created with (``Assessment.risk_matrix``, as ``matrix_to_data`` gives it) and each
version keeps its own, so a new deployment matrix never rescores a finished assessment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class Score(models.TextChoices):
    """An estimate of likelihood or impact, as the KIA asks for it."""

    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    NOT_ASSESSABLE = "not_assessable", _("cannot be assessed")


# The numeric value of each scale step; NOT_ASSESSABLE and "" (not scored) have none.
SCALE: dict[str, int] = {Score.LOW: 1, Score.MEDIUM: 2, Score.HIGH: 3}


class ScoreState(StrEnum):
    UNSCORED = "unscored"  # an input is missing
    NOT_ASSESSABLE = "not_assessable"  # an input cannot be assessed
    SCORED = "scored"


@dataclass(frozen=True)
class RiskLevel:
    key: str
    label: str
    colour: str  # background colour (CSS), chosen for contrast with black text
    rank: int  # for sorting: higher is worse


@dataclass(frozen=True)
class RiskScore:
    """The outcome of scoring one risk: a number and level, or the reason there is none.

    It is also the one presenter of a score: pages, heat maps, the PDF and the risk register
    all print ``label`` in ``colour`` (and nothing of their own)."""

    state: ScoreState
    value: int | None = None
    level: RiskLevel | None = None
    is_high: bool = False  # the matrix's worst level

    @property
    def label(self) -> str:
        if self.state == ScoreState.NOT_ASSESSABLE:
            return str(Score.NOT_ASSESSABLE.label)
        if self.state == ScoreState.UNSCORED:
            return str(_("not scored yet"))
        assert self.level is not None
        return f"{self.value} ({self.level.label})"

    @property
    def colour(self) -> str:
        """The level's background colour; "" when there is no number."""
        return self.level.colour if self.level is not None else ""

    @property
    def cell_label(self) -> str:
        """The short form used inside a heat map cell: "6 · high"."""
        return f"{self.value} · {self.level.label}" if self.level is not None else self.label


@dataclass(frozen=True)
class RiskMatrix:
    """Levels and the grid that maps (likelihood, impact) to a level."""

    levels: tuple[RiskLevel, ...]
    # grid[likelihood][impact] -> level key, for likelihood and impact in SCALE.
    grid: dict[str, dict[str, str]]

    def level(self, likelihood: str, impact: str) -> RiskLevel:
        key = self.grid[likelihood][impact]
        return next(level for level in self.levels if level.key == key)


def _grid_from_thresholds(low_max: int, medium_max: int) -> dict[str, dict[str, str]]:
    def level_for(product: int) -> str:
        if product <= low_max:
            return "low"
        if product <= medium_max:
            return "medium"
        return "high"

    return {
        likelihood: {impact: level_for(SCALE[likelihood] * SCALE[impact]) for impact in SCALE}
        for likelihood in SCALE
    }


DEFAULT_MATRIX = RiskMatrix(
    levels=(
        RiskLevel("low", _("low"), "#b7e1cd", 1),
        RiskLevel("medium", _("medium"), "#ffe599", 2),
        RiskLevel("high", _("high"), "#f4a6a6", 3),
    ),
    grid=_grid_from_thresholds(low_max=2, medium_max=4),
)


@cache
def _load_matrix(path: str) -> RiskMatrix:
    matrix = import_string(path)
    if not isinstance(matrix, RiskMatrix):
        raise TypeError(f"KIA_RISK_MATRIX={path!r} is not a RiskMatrix")
    return matrix


def get_matrix() -> RiskMatrix:
    return _load_matrix(settings.KIA_RISK_MATRIX)


def matrix_to_data(matrix: RiskMatrix) -> dict[str, Any]:
    """The matrix as JSON data, labels as their English source text (translated on load)."""
    with translation.override("en"):
        levels = [
            {"key": lv.key, "label": str(lv.label), "colour": lv.colour, "rank": lv.rank}
            for lv in matrix.levels
        ]
    return {"levels": levels, "grid": matrix.grid}


@lru_cache(maxsize=32)
def _matrix_from_json(text: str) -> RiskMatrix:
    data = json.loads(text)
    return RiskMatrix(
        levels=tuple(
            RiskLevel(lv["key"], _(lv["label"]), lv["colour"], lv["rank"]) for lv in data["levels"]
        ),
        grid=data["grid"],
    )


def matrix_from_data(data: dict[str, Any] | None) -> RiskMatrix:
    """A matrix stored with ``matrix_to_data``; the deployment's matrix if none was stored."""
    if not data:
        return get_matrix()
    return _matrix_from_json(json.dumps(data, sort_keys=True))


def current_matrix_data() -> dict[str, Any]:
    """The deployment's matrix as data: what a new assessment is scored with."""
    return matrix_to_data(get_matrix())


def score(likelihood: str, impact: str, matrix: RiskMatrix | None = None) -> RiskScore:
    """Score a risk from its likelihood and impact (``Score`` values, or "" if not given).

    "Cannot be assessed" wins over "not scored yet": a risk whose likelihood cannot be
    assessed has no number, whatever its impact.
    """
    if Score.NOT_ASSESSABLE in (likelihood, impact):
        return RiskScore(ScoreState.NOT_ASSESSABLE)
    if likelihood not in SCALE or impact not in SCALE:
        return RiskScore(ScoreState.UNSCORED)
    matrix = matrix or get_matrix()
    level = matrix.level(likelihood, impact)
    return RiskScore(
        ScoreState.SCORED,
        value=SCALE[likelihood] * SCALE[impact],
        level=level,
        is_high=level.rank == max(lv.rank for lv in matrix.levels),
    )
