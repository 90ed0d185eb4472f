"""Versions: numbered, frozen snapshots of an assessment, and reading them back.

A version keeps the exchange document of the assessment (``exchange.export.snapshot``), the
ids of the rows it was made from, the risk matrix it was scored with and a hash of all that.
Versions are recorded on submit, finalise and publish (``lifecycle``) and by hand. Reading
one back (``read``) builds the rows in memory, never touching the live ones, into a
``Workspace``, so a version's report and its comparison show exactly what was recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from assessments.domain import editing, states
from assessments.domain.constants import VersionReason
from assessments.domain.exchange.export import snapshot
from assessments.domain.exchange.reader import Rows
from assessments.domain.models import (
    Assessment,
)
from assessments.domain.models.versions import Version
from assessments.domain.rowkinds import KINDS
from assessments.domain.workspace import Workspace


@dataclass(frozen=True)
class Snapshot:
    """The content of an assessment at one moment: a version, or the draft as it is now."""

    document: dict[str, Any]
    row_ids: dict[str, Any]
    matrix: dict[str, Any]
    label: str
    version: Version | None = None


def content_hash(document: dict[str, Any], matrix: dict[str, Any]) -> str:
    content = {k: v for k, v in document.items() if k != "exported_at"}
    text = json.dumps({"document": content, "matrix": matrix}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def current(assessment: Assessment, label: str = "") -> Snapshot:
    document, row_ids = snapshot(assessment)
    return Snapshot(document, row_ids, assessment.risk_matrix, label or _("current draft"))


def of(version: Version) -> Snapshot:
    return Snapshot(version.document, version.row_ids, version.matrix, str(version.label), version)


def record(
    assessment: Assessment,
    *,
    actor: editing.Actor,
    reason: VersionReason,
    name: str = "",
    description: str = "",
) -> Version:
    """Record the assessment as it is now as its next version."""
    with transaction.atomic():
        Assessment.objects.select_for_update().filter(pk=assessment.pk).values("pk").first()
        document, row_ids = snapshot(assessment)
        last = assessment.versions.aggregate(models.Max("number"))["number__max"] or 0
        return Version.objects.create(
            assessment=assessment,
            number=last + 1,
            name=name[:200],
            description=description,
            reason=reason,
            status=assessment.status,
            document=document,
            row_ids=row_ids,
            matrix=assessment.risk_matrix,
            content_hash=content_hash(document, assessment.risk_matrix),
            created_by=actor.account,
            created_by_name=actor.name,
        )


def latest(assessment: Assessment) -> Version | None:
    return assessment.versions.order_by("-number").first()


def published_version(assessment: Assessment) -> Version | None:
    """The version a final or published assessment stands for: its newest.

    An assessment that was final or published before versions existed gets its version 1
    (of its content as it is) the first time it is asked for."""
    if not states.is_settled(assessment):
        return None
    found = latest(assessment)
    if found is None:
        found = record(assessment, actor=editing.SYSTEM, reason=VersionReason.UPGRADE)
    return found


# --- Reading a version back ---------------------------------------------------------------


def standing_workspace(assessment: Assessment) -> Workspace | None:
    """What a final or published assessment stands for: its version, read back; None for
    a draft or an assessment in review (their report shows the live rows)."""
    version = published_version(assessment)
    return workspace(version) if version is not None else None


def workspace(version: Version) -> Workspace:
    """A ``Workspace`` over the version's rows, built in memory (nothing is saved)."""
    return read(of(version), version.assessment)


def read(snap: Snapshot, live: Assessment) -> Workspace:
    """A ``Workspace`` over a snapshot's rows (a version, or the content as it is now from
    ``current``), built in memory, so both are read back the same way."""
    version = snap.version
    rows = Rows(batch=None)
    assessment = rows.create(snap.document, organisation=live.organisation, slug=live.slug)
    assessment.pk = live.pk
    assessment.status = version.status if version is not None else live.status
    assessment.risk_matrix = snap.matrix
    assessment.predecessor_id = live.predecessor_id
    assessment.finalised_at = live.finalised_at
    assessment.published_at = live.published_at
    assessment.created_at = version.created_at if version is not None else live.created_at
    assessment.updated_at = version.created_at if version is not None else live.updated_at
    return Workspace.from_rows(
        assessment,
        {kind.key: rows.built.get(kind.model, []) for kind in KINDS},
        version=version,
    )
