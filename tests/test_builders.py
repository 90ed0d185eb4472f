"""The assessments the tests and the benchmarks build (``tests.builders``) are written the way
the app writes, and the benchmark's one is complete, so the lifecycle may finalise it."""

import pytest

from assessments.domain import completeness, rowkinds
from assessments.domain.workspace import Workspace
from tests import builders, factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "size",
    [
        {"risks": 1, "measures_per_risk": 1, "sources": 1},
        {"risks": 2, "measures_per_risk": 2, "sources": 3, "paragraphs": 1, "cited_again": 2},
    ],
)
def test_the_berenschot_size_assessment_is_complete_at_any_size(size):
    assessment = builders.berenschot_size(factories.organisation(), **size)
    assert completeness.check(Workspace(assessment)).gaps == []


@pytest.mark.parametrize("build", [builders.full_assessment, builders.rich_assessment])
def test_every_row_built_is_in_the_history(build):
    assessment = build()
    recorded = {
        (change.entity, change.object_id) for change in assessment.changes.filter(action="create")
    }
    rows = {(assessment._meta.model_name, assessment.pk)} | {
        (kind.entity, pk)
        for kind in rowkinds.KINDS
        for pk in kind.rows_of(assessment).values_list("pk", flat=True)
    }
    assert recorded == rows
