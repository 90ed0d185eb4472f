"""Shared by the tests of the exchange format: row counts, to show that a refused import
wrote nothing. (The rich assessment they export is ``tests.builders.rich_assessment``.)"""

from __future__ import annotations

from django.db import models

from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Goal,
    Measure,
    Membership,
    Organisation,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)

ALL_MODELS: tuple[type[models.Model], ...] = (
    Organisation,
    Membership,
    Assessment,
    Answer,
    Goal,
    Contribution,
    Risk,
    Measure,
    ProportionalityItem,
    Source,
    ServiceResponse,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}
