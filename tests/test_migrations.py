"""The domain-core migrations carry existing data over."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessments", "0004_goal_order_slug_rule")]


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
        # Migrate all the way: 0011 records version 1 with the app's current models, or, when a
        # later migration has changed them, the app records it on first use. Either way the
        # assessment stands for version 1 of its content as it was.
        _migrate(executor_leaf())
        from assessments.domain import versions
        from assessments.domain.models import Assessment as Current

        version = versions.published_version(Current.objects.get(slug="pub"))
        assert (version.number, version.reason) == (1, "upgrade")
        assert version.document["answers"]["2.1"] == "Zoals het was."
        assert list(Current.objects.get(slug="pub").versions.values_list("number", flat=True)) == [
            1
        ]
        assert Current.objects.get(slug="pub").lock_version == 4
        assert Current.objects.get(slug="pub").risk_matrix["grid"]["high"]["high"] == "high"
        assert not Current.objects.get(slug="draft").versions.exists()
    finally:
        _migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
