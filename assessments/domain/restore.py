"""Restoring earlier content as normal, recorded writes: one field from the history, or a
whole version into the draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from assessments.domain import editing, states, versions
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Figure,
    Goal,
    Measure,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)
from assessments.domain.models.history import Change
from assessments.domain.models.versions import Version

MODELS: dict[str, type[models.Model]] = {str(m._meta.model_name): m for m in editing.CONTENT_MODELS}


class RestoreRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def row_of(change: Change) -> models.Model | None:
    """The row a change was made to, as stored now (None if it is gone)."""
    model = MODELS.get(change.entity)
    if model is None:
        return None
    return model._default_manager.filter(pk=change.object_id).first()


def restorable(change: Change) -> bool:
    return (
        change.entity in MODELS
        and change.field not in ("transition", "reassessment")
        and change.field
        not in (
            "status",
            "finalised_at",
            "published_at",
        )
    )


def restore_field(
    change: Change, *, actor: editing.Actor, expected: int | None, assessment: Assessment
) -> models.Model:
    """Put the value a field had before ``change`` back, as a version-checked save.

    Raises ``editing.EditConflict`` if the row changed since the user saw ``expected``,
    ``RestoreRefused`` if the row is gone or the old value is no longer valid."""
    if not restorable(change):
        raise RestoreRefused(_("This change cannot be undone from the history."))
    obj = row_of(change)
    if obj is None:
        raise RestoreRefused(_("The row has been deleted since; its values are in the history."))
    verbatim = (*ServiceResponse.SERVICE_FIELDS, "invitation")
    if (
        isinstance(obj, ServiceResponse)
        and obj.is_verbatim
        and change.field.removesuffix("_id") in verbatim
    ):
        raise RestoreRefused(_("The service's own response is kept as it was sent."))
    field = obj._meta.get_field(change.field.removesuffix("_id"))
    if not isinstance(field, models.Field):
        raise RestoreRefused(_("This change cannot be undone from the history."))
    value: Any = change.old
    if value is None and not field.null:
        value = ""
    setattr(obj, field.attname, field.to_python(value) if value is not None else None)
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise RestoreRefused(" ".join(exc.messages)) from exc
    return editing.save(obj, actor=actor, expected=expected, assessment=assessment)


# --- A whole version ---------------------------------------------------------------------------

# Fields of the assessment that a restore leaves alone: they belong to the lifecycle.
_KEEP_ON_ASSESSMENT = {"status", "finalised_at", "published_at", "slug", "organisation"}


def restore_version(version: Version, *, actor: editing.Actor) -> int:
    """Make the draft's content equal to ``version``'s, recorded like any edit.

    Rows the version has are updated (or created again if they were deleted), rows it does
    not have are deleted. Returns the number of field changes written."""
    with transaction.atomic():
        live = Assessment.objects.select_for_update().get(pk=version.assessment_id)
        if not states.is_editable(live):
            raise RestoreRefused(
                _("Only a draft can be restored to a version; reopen the assessment first.")
            )
        target = versions.workspace(version)
        batch = editing.Batch(actor, live)
        _assessment(batch, live, target.assessment)
        ids = version.row_ids
        by_value = {
            Answer: lambda row: row.question,
            Contribution: lambda row: row.question,
            Source: lambda row: row.key,
        }
        _sync(batch, live, Answer, list(target.answers.values()), key=by_value[Answer])
        document_goals = sorted(target.goals, key=lambda g: g.pk)  # built in document order
        goals = _sync(batch, live, Goal, target.goals, key=_by_id(document_goals, ids.get("goals")))
        contributions = _sync(
            batch,
            live,
            Contribution,
            list(target.contributions.values()),
            key=by_value[Contribution],
        )
        document_risks = sorted(target.risks, key=lambda r: r.pk)  # built in document order
        risks = _sync(batch, live, Risk, target.risks, key=_by_id(document_risks, ids.get("risks")))
        measures = sorted(
            (m for risk in document_risks for m in risk.measures.all()), key=lambda m: m.pk
        )
        _sync(
            batch,
            live,
            Measure,
            measures,
            key=_by_id(measures, ids.get("measures")),
            links={"risk": risks},
            lookup="risk__assessment",
        )
        items = sorted(target.proportionality_items, key=lambda i: i.pk)
        _sync(
            batch,
            live,
            ProportionalityItem,
            items,
            key=_by_id(items, ids.get("proportionality")),
            links={"goal": goals, "contribution": contributions, "risk": risks},
        )
        sources = _sync(batch, live, Source, target.sources, key=by_value[Source])
        _sync(
            batch,
            live,
            Figure,
            target.figures,
            key=lambda row: row.key,
            links={"source": sources},
        )
        # Responses the service submitted itself stay as they are, received before or
        # after the version: a restore changes the team's content, not the service's.
        responses = sorted(target.responses, key=lambda r: r.pk)
        by_id = _by_id(responses, ids.get("responses"))
        kept = set(
            ServiceResponse.objects.filter(assessment=live, submitted_by_service=True).values_list(
                "pk", flat=True
            )
        )
        _sync(
            batch,
            live,
            ServiceResponse,
            [r for r in responses if by_id(r) not in kept],
            key=by_id,
            only={"submitted_by_service": False},
        )
        batch.finish()
        return len(batch.changes)


@dataclass(frozen=True)
class _ById:
    """Keys snapshot rows (document order) by the id of the live row each was made from."""

    ids: dict[int, int | None]

    def __call__(self, row: models.Model) -> Any:
        return self.ids.get(id(row))

    def live(self, row: models.Model) -> Any:
        return row.pk


def _by_id(rows: Sequence[models.Model], ids: list[int] | None) -> _ById:
    ids = ids or []
    return _ById({id(row): (ids[i] if i < len(ids) else None) for i, row in enumerate(rows)})


def _assessment(batch: editing.Batch, live: Assessment, target: Assessment) -> None:
    for f in editing.recorded_fields(Assessment):
        if f.name not in _KEEP_ON_ASSESSMENT:
            setattr(live, f.attname, getattr(target, f.attname))
    batch.save(live, expected=live.lock_version)


def _sync(
    batch: editing.Batch,
    live: Assessment,
    model: type[models.Model],
    wanted: list[Any],
    *,
    key,
    links: dict[str, dict[int, models.Model]] | None = None,
    lookup: str = "assessment",
    only: dict[str, Any] | None = None,
) -> dict[int, models.Model]:
    """Make the live rows of ``model`` equal ``wanted`` (snapshot rows). Returns the live row
    for each snapshot row (by ``id()`` of the snapshot row), for the rows that link to them."""
    links = links or {}
    live_key = key.live if isinstance(key, _ById) else key
    live_rows = {
        live_key(r): r for r in model._default_manager.filter(**{lookup: live}, **(only or {}))
    }
    wanted_keys = {key(row) for row in wanted}
    for k, stale in list(live_rows.items()):
        if k not in wanted_keys and model._default_manager.filter(pk=stale.pk).exists():
            batch.delete(stale, expected=None)
            del live_rows[k]
    result: dict[int, models.Model] = {}
    for snap_row in wanted:
        existing = live_rows.get(key(snap_row))
        if existing is not None and not model._default_manager.filter(pk=existing.pk).exists():
            existing = None  # deleted with its parent just now
        row: Any = existing if existing is not None else model()
        member = _member_owner(existing)
        for f in editing.recorded_fields(model):
            if f.name == "invitation":
                continue  # not in a version's document; a restored row keeps its own
            if f.name in links:
                linked = getattr(snap_row, f.name)
                setattr(row, f.name, links[f.name].get(id(linked)) if linked else None)
            elif f.name != "id":
                setattr(row, f.attname, getattr(snap_row, f.attname))
        if member is not None and snap_row.owner == member[1]:
            # A version carries a member owner by name: the same name keeps the member.
            row.owner_user_id, row.owner = member[0], ""
        if hasattr(row, "assessment_id"):
            row.assessment = live
        if existing is None:
            batch.create(row)
        else:
            batch.save(row, expected=row.lock_version)
        result[id(snap_row)] = row
    return result


def _member_owner(row: models.Model | None) -> tuple[int, str] | None:
    """A measure's member owner (id, name as a version shows it), or None."""
    if isinstance(row, Measure) and row.owner_user_id is not None:
        return row.owner_user_id, row.owner_name
    return None
