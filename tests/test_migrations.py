"""The domain-core migrations carry existing data over."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessments", "0004_goal_order_slug_rule")]
AFTER = [("assessments", "0011_initial_versions")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_settled_assessments_get_version_1_and_lock_counters_survive():
    old = _migrate(BEFORE)
    Organisation = old.get_model("assessments", "Organisation")
    Assessment = old.get_model("assessments", "Assessment")
    Answer = old.get_model("assessments", "Answer")
    org = Organisation.objects.create(name="Org", slug="org")
    published = Assessment.objects.create(
        organisation=org, title="Gepubliceerd", slug="pub", service_name="App",
        status="published", version=4,
    )  # fmt: skip
    Assessment.objects.create(organisation=org, title="Concept", slug="draft", service_name="A")
    Answer.objects.create(assessment=published, question="2.1", text="Zoals het was.", version=3)
    try:
        new = _migrate(AFTER)
        Version = new.get_model("assessments", "Version")
        Assessment = new.get_model("assessments", "Assessment")
        assert Assessment.objects.get(slug="pub").lock_version == 4
        assert Assessment.objects.get(slug="pub").risk_matrix["grid"]["high"]["high"] == "high"
        versions = list(Version.objects.all())
        if not versions:
            # Later migrations changed the models that 0011's export runs on, so it was
            # skipped (see its docstring): version 1 is recorded on first use instead.
            from assessments import versions as versions_module
            from assessments.models import Assessment as LiveAssessment
            from assessments.models import Version as LiveVersion

            _migrate(executor_leaf())
            versions_module.published_version(LiveAssessment.objects.get(slug="pub"))
            versions = list(LiveVersion.objects.all())
        assert [(v.assessment.slug, v.number, v.reason) for v in versions] == [
            ("pub", 1, "upgrade")
        ]
        assert versions[0].document["answers"]["2.1"] == "Zoals het was."
    finally:
        _migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
