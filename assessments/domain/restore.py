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
from assessments.domain.models import Assessment, Measure, ServiceResponse
from assessments.domain.models.history import Change
from assessments.domain.models.versions import Version
from assessments.domain.rowkinds import BY_ENTITY, BY_MODEL, KINDS, Identity, RowKind


class RestoreRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def model_of(entity: str) -> type[models.Model] | None:
    """The content model the history records as ``entity`` (``Change.entity``)."""
    if entity == "assessment":
        return Assessment
    kind = BY_ENTITY.get(entity)
    return kind.model if kind is not None else None


def row_of(change: Change) -> models.Model | None:
    """The row a change was made to, as stored now (None if it is gone)."""
    model = model_of(change.entity)
    if model is None:
        return None
    return model._default_manager.filter(pk=change.object_id).first()


def restorable(change: Change) -> bool:
    return (
        model_of(change.entity) is not None
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
        assert target.given is not None  # read from the version, kind by kind
        batch = editing.Batch(actor, live)
        _assessment(batch, live, target.assessment)
        synced: dict[type[models.Model], dict[int, models.Model]] = {}
        for kind in KINDS:  # parents before the rows that point at them
            synced[kind.model] = _sync(
                batch,
                live,
                kind,
                target.given.get(kind.key, []),
                ids=version.row_ids.get(kind.document_key),
                synced=synced,
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


def _key(kind: RowKind, rows: Sequence[models.Model], ids: list[int] | None):
    """How a snapshot row and a live row of ``kind`` are matched: (key of a snapshot row,
    key of a live row)."""
    if kind.identity == Identity.QUESTION:
        return (lambda row: row.question), (lambda row: row.question)
    if kind.identity == Identity.KEY:
        return (lambda row: row.key), (lambda row: row.key)
    by_id = _by_id(rows, ids)
    return by_id, by_id.live


def _links(model: type[models.Model]) -> list[models.ForeignKey]:
    """The foreign keys of ``model`` to other kinds of rows (a measure's risk, the goal,
    contribution or risk of a 5.3 row, a figure's source)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model in BY_MODEL
    ]


def _sync(
    batch: editing.Batch,
    live: Assessment,
    kind: RowKind,
    wanted: list[Any],
    *,
    ids: list[int] | None,
    synced: dict[type[models.Model], dict[int, models.Model]],
) -> dict[int, models.Model]:
    """Make the live rows of ``kind`` equal ``wanted`` (snapshot rows, in document order).
    Returns the live row for each snapshot row (by ``id()`` of the snapshot row), for the
    rows that link to them. Live rows that ``kind.kept_on_restore`` names are left as they
    are, and the snapshot rows that were made from them too."""
    model = kind.model
    key, live_key = _key(kind, wanted, ids)
    stored = kind.rows_of(live)
    if kind.kept_on_restore:
        kept = set(stored.filter(**kind.kept_on_restore).values_list("pk", flat=True))
        stored = stored.exclude(**kind.kept_on_restore)
        if kind.identity == Identity.ROW:
            wanted = [row for row in wanted if key(row) not in kept]
    live_rows = {live_key(r): r for r in stored}
    wanted_keys = {key(row) for row in wanted}
    for k, stale in list(live_rows.items()):
        if k not in wanted_keys and model._default_manager.filter(pk=stale.pk).exists():
            batch.delete(stale, expected=None)
            del live_rows[k]
    links = {f.name: synced.get(f.related_model, {}) for f in _links(model)}
    result: dict[int, models.Model] = {}
    for snap_row in wanted:
        existing = live_rows.get(key(snap_row))
        if existing is not None and not model._default_manager.filter(pk=existing.pk).exists():
            existing = None  # deleted with its parent just now
        row: Any = existing if existing is not None else model()
        member = _member_owner(existing)
        for f in editing.recorded_fields(model):
            if f.name in kind.not_in_versions:
                continue  # a version does not carry it: a restored row keeps its own
            if f.name in links:
                linked = getattr(snap_row, f.name)
                setattr(row, f.name, links[f.name].get(id(linked)) if linked else None)
            elif f.name != "id":
                setattr(row, f.attname, getattr(snap_row, f.attname))
        if member is not None and snap_row.owner == member[1]:
            # A version carries a member owner by name: the same name keeps the member.
            row.owner_user_id, row.owner = member[0], ""
        if kind.parent == "assessment":
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
