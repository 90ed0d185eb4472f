"""Scoring: kans × impact for every combination, including 'cannot be assessed'."""

import pytest
from django.test import override_settings
from django.utils import translation

from assessments.domain import scoring
from assessments.domain.scoring import RiskLevel, RiskMatrix, Score, ScoreState

L, M, H, NA, NONE = "low", "medium", "high", "not_assessable", ""

# (likelihood, impact) -> (state, value, level key)
EXPECTED = {
    (L, L): ("scored", 1, "low"),
    (L, M): ("scored", 2, "low"),
    (L, H): ("scored", 3, "medium"),
    (M, L): ("scored", 2, "low"),
    (M, M): ("scored", 4, "medium"),
    (M, H): ("scored", 6, "high"),
    (H, L): ("scored", 3, "medium"),
    (H, M): ("scored", 6, "high"),
    (H, H): ("scored", 9, "high"),
    (NA, L): ("not_assessable", None, None),
    (NA, M): ("not_assessable", None, None),
    (NA, H): ("not_assessable", None, None),
    (NA, NA): ("not_assessable", None, None),
    (NA, NONE): ("not_assessable", None, None),
    (L, NA): ("not_assessable", None, None),
    (M, NA): ("not_assessable", None, None),
    (H, NA): ("not_assessable", None, None),
    (NONE, NA): ("not_assessable", None, None),
    (NONE, NONE): ("unscored", None, None),
    (NONE, L): ("unscored", None, None),
    (NONE, M): ("unscored", None, None),
    (NONE, H): ("unscored", None, None),
    (L, NONE): ("unscored", None, None),
    (M, NONE): ("unscored", None, None),
    (H, NONE): ("unscored", None, None),
}


def test_expected_table_covers_every_combination():
    inputs = (L, M, H, NA, NONE)
    assert set(EXPECTED) == {(a, b) for a in inputs for b in inputs}


@pytest.mark.parametrize(("likelihood", "impact"), sorted(EXPECTED))
def test_score(likelihood, impact):
    state, value, level = EXPECTED[(likelihood, impact)]
    result = scoring.score(likelihood, impact)
    assert result.state == ScoreState(state)
    assert result.value == value
    assert (result.level.key if result.level else None) == level


def test_not_assessable_never_shows_a_number():
    from django.utils import translation

    result = scoring.score(Score.NOT_ASSESSABLE, Score.HIGH)
    with translation.override("nl"):
        assert result.label == "niet te beoordelen"
    assert result.value is None and result.level is None


def test_labels_in_both_languages():
    from django.utils import translation

    with translation.override("nl"):
        assert scoring.score(H, H).label == "9 (hoog)"
        assert scoring.score(NONE, H).label == "nog niet ingeschat"
    with translation.override("en"):
        assert scoring.score(L, H).label == "3 (medium)"
        assert scoring.score(NA, H).label == "cannot be assessed"


def test_only_the_top_level_is_high():
    assert scoring.score(H, M).is_high
    assert not scoring.score(M, M).is_high
    assert not scoring.score(NA, H).is_high


STRICT = RiskMatrix(
    levels=(RiskLevel("ok", "ok", "#fff", 1), RiskLevel("bad", "bad", "#f00", 2)),
    grid={
        lk: {ik: ("ok" if lk == ik == "low" else "bad") for ik in scoring.SCALE}
        for lk in scoring.SCALE
    },
)


def test_a_deployment_can_replace_the_matrix():
    with override_settings(KIA_RISK_MATRIX="tests.test_scoring.STRICT"):
        assert scoring.score(L, L).level.key == "ok"
        assert scoring.score(L, M).level.key == "bad"
        assert scoring.score(L, M).value == 2  # the number stays kans × impact
        assert scoring.score(L, M).is_high


@pytest.mark.django_db
def test_an_assessment_keeps_the_matrix_it_was_created_with():
    from assessments.domain import editing, versions
    from assessments.domain.constants import VersionReason
    from assessments.domain.models import Assessment
    from tests import factories

    before = factories.assessment()
    risk = factories.risk(before, likelihood=L, impact=M)
    versions.record(before, actor=editing.SYSTEM, reason=VersionReason.FINALISED)
    with override_settings(KIA_RISK_MATRIX="tests.test_scoring.STRICT"):
        risk = type(risk).objects.select_related("assessment").get(pk=risk.pk)
        assert risk.gross_score.level.key == "low"  # not rescored by the new matrix
        after = factories.assessment()
        assert Assessment.objects.get(pk=after.pk).matrix.level(L, M).key == "bad"
        version = before.versions.get()
        assert scoring.matrix_from_data(version.matrix).level(L, M).key == "low"
    # Labels are stored in English and translated when read.
    with translation.override("nl"):
        assert str(before.matrix.levels[2].label) == "hoog"
