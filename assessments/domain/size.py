"""How much text an assessment holds, and the most it may hold.

Every page, export and report costs in proportion to the text it shows, so the total is
bounded: ``KIA_MAX_ASSESSMENT_CHARS`` characters (2,000,000 by default: five times the
Berenschot report on TikTok, about 400,000). The write path checks it after a write that
added text (``editing.TooLarge``), the importer before it writes anything (``MESSAGE``,
with the figures ``over_limit`` gives).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Length
from django.utils.formats import number_format
from django.utils.translation import gettext_noop

from assessments.domain.models import Assessment
from assessments.domain.rowkinds import KINDS


def limit() -> int:
    return int(settings.KIA_MAX_ASSESSMENT_CHARS)


def _text_fields(model: type[models.Model]) -> list[str]:
    """The fields people write in (a choice's code is not text)."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]


def chars_of(assessment_id: int) -> int:
    """The characters of text in the assessment and all its rows (one query per kind)."""
    parts: list[tuple[type[models.Model], models.QuerySet[Any]]] = [
        (Assessment, Assessment.objects.filter(pk=assessment_id)),
        *((kind.model, kind.rows_of(assessment_id)) for kind in KINDS),
    ]
    total = 0
    for model, rows in parts:
        lengths = [Coalesce(Length(name), 0) for name in _text_fields(model)]
        if lengths:
            total += rows.aggregate(n=models.Sum(sum(lengths[1:], lengths[0])))["n"] or 0
    return total


def chars_in(value: Any) -> int:
    """The characters of the texts in an exchange document (or any part of one)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(chars_in(item) for item in value.values())
    if isinstance(value, list):
        return sum(chars_in(item) for item in value)
    return 0


MESSAGE = gettext_noop(
    "The assessment would hold %(chars)s characters of text; at most %(limit)s are allowed. "
    "Shorten or remove text, or split the assessment in two."
)


def over_limit(chars: int) -> dict[str, str] | None:
    """The figures for ``MESSAGE`` when ``chars`` characters are too many, else None."""
    if chars <= limit():
        return None
    return {
        "chars": number_format(chars, force_grouping=True),
        "limit": number_format(limit(), force_grouping=True),
    }
