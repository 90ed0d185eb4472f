"""The registry of row kinds (``domain.rowkinds``) is complete, and what reads it agrees.

A new kind of row is one entry in the registry plus its model, form and template
(docs/architecture.md); these tests name what is missing when one part is forgotten.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

from assessments.domain import editing, rowkinds
from assessments.domain.comments import COMMENTABLE
from assessments.domain.constants import CommentOn, GoalKind, ProportionalitySide
from assessments.domain.exchange.schema import SCHEMA_PATH
from assessments.domain.models import Assessment, Comment, Goal, Measure, ProportionalityItem
from assessments.domain.models.base import Tracked
from assessments.interfaces.api import schemas
from assessments.interfaces.forms import ROW_FORMS
from tests import factories


def test_every_content_model_is_a_kind():
    tracked = {
        model
        for model in apps.get_app_config("assessments").get_models()
        if issubclass(model, Tracked) and model is not Assessment
    }
    assert tracked == set(rowkinds.BY_MODEL), "content models missing from rowkinds.KINDS"
    assert set(rowkinds.CONTENT_MODELS) == {Assessment, *tracked}


@pytest.mark.parametrize("kind", rowkinds.KINDS, ids=lambda kind: kind.key)
def test_each_kind_has_what_reads_it(kind):
    # Its parent, and the forms that edit it (the pages and the API).
    assert kind.model._meta.get_field(kind.parent).is_relation
    assert ROW_FORMS.get(kind.key), f"interfaces.forms.ROW_FORMS has no form for {kind.key}"
    for form in ROW_FORMS[kind.key]:
        assert form._meta.model is kind.model
    # Its part of the exchange document (schema) and, when the API serves it, its schemas.
    import json

    schema = json.loads(SCHEMA_PATH.read_text())
    assert kind.document_key in schema["properties"], f"the schema has no {kind.document_key}"
    if kind.api_name is not None:
        assert schemas.ROWS[kind.key].out.__name__ == f"{kind.key.capitalize()}Out"
    # Comment threads need their value of ``Comment.on`` and a foreign key named so.
    if kind.commentable:
        assert kind.key in CommentOn.values
        assert Comment._meta.get_field(kind.key).related_model is kind.model
        assert COMMENTABLE[kind.key] is kind
    # Recorded writes in the admin.
    assert admin.site.is_registered(kind.model)
    # Ordered kinds have an ``order`` field; the others have none to keep.
    assert kind.ordered == any(f.name == "order" for f in kind.model._meta.fields)


def test_the_document_lists_the_kinds_in_their_order():
    import json

    schema = json.loads(SCHEMA_PATH.read_text())
    parts = [key for key in schema["properties"] if key in {k.document_key for k in rowkinds.KINDS}]
    assert parts == [kind.document_key for kind in rowkinds.KINDS]


@pytest.mark.django_db
def test_a_new_row_comes_after_its_siblings_with_the_kinds_defaults():
    assessment = factories.assessment()
    goal_kind, item_kind, measure_kind = (rowkinds.BY_KEY[k] for k in ("goal", "item", "measure"))
    first = goal_kind.new(assessment)
    assert first.kind == GoalKind.MAIN and first.order == 0
    editing.create(first, actor=editing.SYSTEM, assessment=assessment)
    second = goal_kind.new(assessment, title="Sub")
    assert second.kind == GoalKind.SUB and second.order == 0  # the first of the sub-goals
    editing.create(second, actor=editing.SYSTEM, assessment=assessment)
    assert goal_kind.new(assessment).order == 1

    item = item_kind.new(assessment)
    assert item.side == ProportionalitySide.HARM and item.order == 0
    risk = factories.risk(assessment)
    measure = measure_kind.new(risk, title="M")
    assert measure.risk == risk and measure.order == 0


@pytest.mark.django_db
def test_the_registry_places_rows_and_their_fields():
    assessment = factories.assessment()
    risk = factories.risk(assessment)
    measure = Measure.objects.create(risk=risk, title="Uitleg")
    goal = Goal.objects.create(assessment=assessment, title="Doel", kind=GoalKind.MAIN)
    item = ProportionalityItem.objects.create(assessment=assessment, side="harm", text="x" * 200)
    assert editing.assessment_of(measure) == assessment.pk
    assert editing.chapter_of(risk, "residual_impact") == "4"
    assert editing.chapter_of(risk, "impact") == "3"
    assert editing.chapter_of(goal, "achievement") == "5"  # 5.1 asks it per goal
    assert editing.chapter_of(goal, "title") == "2"
    assert editing.label_of(item) == "x" * 120
    assert list(rowkinds.BY_KEY["measure"].siblings(measure)) == [measure]
    assert rowkinds.BY_KEY["source"].siblings(measure) is None
