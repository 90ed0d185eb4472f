"""Exchange document -> a new Assessment, all or nothing.

Steps, each reporting every problem it finds with the JSON path it concerns:

1. bytes: size limit (``settings.KIA_MAX_UPLOAD_BYTES``), UTF-8, JSON syntax (line/column);
2. format and version;
3. the JSON Schema (``assessments/schema/assessment.schema.json``);
4. the rules beyond the schema (``checks.py``, end of FORMAT.md);
5. creating the rows inside one transaction, each through ``full_clean()`` so that the
   model's own rules are reported at their path too.

Any problem raises ``InvalidAssessment`` and nothing is saved.

A 5.3 benefit may point at a contribution (2.8-2.14) that ``contributions`` does not
answer; the importer then creates that contribution with empty texts so the link survives.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from assessments.exchange.checks import row_limit_problems, semantic_problems
from assessments.exchange.errors import InvalidAssessment, Problem, json_path
from assessments.exchange.parsing import parse
from assessments.exchange.rows import Rows
from assessments.exchange.schema import FORMAT, VERSION, schema_problems
from assessments.models import Assessment, Organisation


def import_assessment(
    data: dict[str, Any] | bytes | str,
    *,
    organisation: Organisation,
    user=None,
    slug: str | None = None,
) -> Assessment:
    """Create a new assessment in ``organisation`` from an exchange document.

    ``slug`` asks for that short name (an error if it is taken); without it the document's
    slug is used, or the first free one of ``<slug>-2``, ``<slug>-3``, ….
    """
    document = parse(data) if isinstance(data, bytes | bytearray | str) else data
    for check in (_format_problems, row_limit_problems, schema_problems, semantic_problems):
        problems = check(document)
        if problems:
            raise InvalidAssessment(problems)
    try:
        with transaction.atomic():
            rows = Rows(user=user)
            assessment = rows.create(document, organisation=organisation, slug=slug)
            if rows.problems:
                raise InvalidAssessment(rows.problems)  # rolls the transaction back
    except DatabaseError as exc:  # e.g. someone took the slug a moment ago
        raise InvalidAssessment(
            [("$", _("The database refused the data: %(error)s") % {"error": exc})]
        ) from exc
    return assessment


def _format_problems(document: Any) -> list[Problem]:
    if not isinstance(document, Mapping):
        return [("$", _("The document must be a JSON object."))]
    if document.get("format") != FORMAT:
        return [
            (
                json_path("format"),
                _("This is not a KIA assessment: 'format' must be '%(format)s'.")
                % {"format": FORMAT},
            )
        ]
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        return [
            (
                json_path("version"),
                _(
                    "Version %(version)s of the format cannot be read; "
                    "this app reads version %(ours)s."
                )
                % {"version": json.dumps(version), "ours": VERSION},
            )
        ]
    return []
