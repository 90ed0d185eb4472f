"""Exchange document -> a new Assessment, all or nothing.

Steps, each reporting every problem it finds with the JSON path it concerns:

1. bytes: size limit (``settings.KIA_MAX_UPLOAD_BYTES``), UTF-8, JSON syntax (line/column);
2. format and version;
3. the JSON Schema (``assessments/schema/assessment.schema.json``);
4. the rules beyond the schema (``checks.py``, end of FORMAT.md);
5. creating the rows inside one transaction, each through ``full_clean()`` so that the
   model's own rules are reported at their path too.

Any problem raises ``InvalidAssessment`` and nothing is saved.

An import always creates a draft, recorded in the history as made through "import": the
status a file names is ignored (``Imported.notices`` says so), because only the lifecycle
(``assessments.domain.lifecycle``) may make an assessment final or public.

A 5.3 benefit may point at a contribution (2.8-2.14) that ``contributions`` does not
answer; the importer then creates that contribution with empty texts so the link survives.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.domain import editing, states
from assessments.domain.constants import Channel
from assessments.domain.exchange.checks import (
    row_limit_problems,
    semantic_problems,
    size_problems,
)
from assessments.domain.exchange.errors import InvalidAssessment, Problem, json_path, text
from assessments.domain.exchange.parsing import parse
from assessments.domain.exchange.reader import Rows
from assessments.domain.exchange.schema import FORMAT, VERSION, schema_problems
from assessments.domain.models import Assessment, Organisation, Version
from assessments.domain.states import Status

logger = logging.getLogger(__name__)


@dataclass
class Imported:
    assessment: Assessment
    notices: list[str] = field(default_factory=list)  # what was read but not taken over


def import_assessment(
    data: dict[str, Any] | bytes | str,
    *,
    organisation: Organisation,
    user=None,
    slug: str | None = None,
) -> Assessment:
    return import_document(data, organisation=organisation, user=user, slug=slug).assessment


def import_document(
    data: dict[str, Any] | bytes | str,
    *,
    organisation: Organisation,
    user=None,
    slug: str | None = None,
    actor: editing.Actor | None = None,
    predecessor: Version | None = None,
    channel: Channel = Channel.IMPORT,
) -> Imported:
    """Create a new assessment in ``organisation`` from an exchange document.

    ``slug`` asks for that short name (an error if it is taken); without it the document's
    slug is used, or the first free one of ``<slug>-2``, ``<slug>-3``, ….
    ``actor`` is who writes and through what (by default ``user`` through ``channel``, which
    is "import" unless the REST API passes its own);
    ``predecessor``: the new draft is a re-assessment carried forward from that version
    (``assessments.domain.reassessment``), linked to its assessment in the same write.
    """
    document = parse(data) if isinstance(data, bytes | bytearray | str) else data
    checks = (_format_problems, row_limit_problems, size_problems, schema_problems,
              semantic_problems)  # fmt: skip
    for check in checks:
        problems = check(document)
        if problems:
            raise InvalidAssessment(problems, document=document)
    try:
        with transaction.atomic():
            batch = editing.Batch(actor or editing.Actor(user, channel))
            rows = Rows(batch=batch)
            assessment = rows.create(document, organisation=organisation, slug=slug)
            if rows.problems:
                raise InvalidAssessment(rows.problems, document=document)  # rolls back
            if predecessor is not None:
                batch.link_predecessor(
                    assessment, predecessor.assessment, version=predecessor.number
                )
            batch.finish()
    except editing.TooLarge as exc:  # counted in the database: a little more than the file
        raise InvalidAssessment([("$", exc.message)]) from exc
    except DatabaseError as exc:
        if slug is not None and organisation.assessments.filter(slug=slug).exists():
            taken = text(gettext_noop("The short name '%(slug)s' is already taken."), slug=slug)
            raise InvalidAssessment([(json_path("assessment", "slug"), taken)]) from exc
        # The database's own words may name tables and other rows: log them, don't show them.
        logger.exception("import into organisation %s refused by the database", organisation.pk)
        raise InvalidAssessment(
            [
                (
                    "$",
                    text(
                        gettext_noop(
                            "The assessment could not be saved. Nothing was imported; try again."
                        )
                    ),
                )
            ]
        ) from exc
    notices = list(rows.notices)
    status = document["assessment"].get("status", states.INITIAL)
    if status != states.INITIAL:
        notices.append(
            _(
                "The file says the assessment is %(status)s; imports always start as a draft. "
                "An owner can finalise and publish it."
            )
            % {"status": Status(status).label}
        )
    if document.get("figures"):
        notices.append(
            _(
                "The file describes %(count)d figure(s), but a JSON file holds no images: "
                "upload them again on the figures page."
            )
            % {"count": len(document["figures"])}
        )
    return Imported(assessment, notices)


def _format_problems(document: Any) -> list[Problem]:
    if not isinstance(document, Mapping):
        return [("$", text(gettext_noop("The document must be a JSON object.")))]
    if document.get("format") != FORMAT:
        return [
            (
                json_path("format"),
                text(
                    gettext_noop("This is not a KIA assessment: 'format' must be '%(format)s'."),
                    format=FORMAT,
                ),
            )
        ]
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        return [
            (
                json_path("version"),
                text(
                    gettext_noop(
                        "Version %(version)s of the format cannot be read; "
                        "this app reads version %(ours)s."
                    ),
                    version=json.dumps(version),
                    ours=VERSION,
                ),
            )
        ]
    return []
