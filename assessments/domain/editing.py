"""The one write path for an assessment's content, and the history it writes.

Every change of an assessment's content goes through here: creating, saving, deleting and
reordering rows, the 5.3 prefill, imports, version restores, lifecycle transitions and admin
saves. Each write

* takes model instances (forms have already validated them),
* refuses to overwrite newer work: a save or delete names the ``lock_version`` the user saw;
  the row is claimed with ``UPDATE … SET lock_version = seen + 1 WHERE lock_version = seen``
  (atomic on SQLite and PostgreSQL alike) and ``EditConflict`` carries the stored row when
  someone else was first;
* records one ``Change`` per field it changed (old value, new value, who, when, through
  what), in the same transaction, and marks the assessment as changed by the user;
* guards what it writes: before the first row of a member's edit (through the pages or
  the API) it locks the assessment's row and checks again that the assessment may be
  edited now (only a draft: ``states``) and that the member's role allows it, so an edit
  racing a lifecycle transition (which holds the same lock) either lands before it or is
  refused with ``EditRefused``, never after it. Transitions, imports of new assessments,
  the service's own response, the system and the admin (a superuser's repair tool, also
  recorded) are not such edits.

Several writes that belong together use one ``Batch`` (an import, a restore); the functions
at the end of the module are one-write batches for the views.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext

from assessments.domain import instrument, size, states
from assessments.domain.constants import ChangeAction, Channel, Role
from assessments.domain.models import Assessment, Membership
from assessments.domain.models.history import Change
from assessments.domain.rowkinds import CONTENT_MODELS, Identity, kind_of
from assessments.infra import lineends
from assessments.infra.slugs import save_with_free_slug

# Bookkeeping columns: never in the history, never compared.
# The risk matrix and the organisation are set when an assessment is created and never
# edited (versions keep the matrix).
NOT_RECORDED = frozenset(
    {
        "organisation",
        "id",
        "created_at",
        "updated_at",
        "updated_by",
        "lock_version",
        "created_by",
        "assessment",
        "risk_matrix",
        "predecessor",  # set once, by ``Batch.link_predecessor`` (recorded as "reassessment")
    }
)


class EditRefused(PermissionDenied):
    """The assessment may not be edited now by this person (no longer a draft, or no
    longer their role); nothing was written. ``message`` says why, as the pages do;
    ``status_code`` is the HTTP status the pages and the API answer with."""

    status_code = 403

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooLarge(EditRefused):
    """The write would make the assessment hold more text than allowed (``size``);
    nothing was written."""

    status_code = 413


class EditConflict(Exception):
    """Someone saved (or deleted) this row after the editor loaded it."""

    def __init__(self, current: models.Model | None):
        super().__init__("edit conflict")
        self.current = current  # the row as stored now (None if it was deleted)


@dataclass(frozen=True)
class Actor:
    """Who writes, and through what."""

    user: Any = None  # a User, or None for the system
    via: Channel = Channel.WEB
    label: str = ""  # the name shown for someone without an account (the service's contact)

    @property
    def edits(self) -> bool:
        """Whether this is a member editing content (the pages or the API): such writes
        are guarded (see ``Batch.guard``)."""
        return self.via in (Channel.WEB, Channel.API) and self.account is not None

    @property
    def account(self) -> Any:
        user = self.user
        return user if user is not None and user.is_authenticated else None

    @property
    def name(self) -> str:
        user = self.account
        if user is None:
            return self.label[:150]
        return str(user.get_full_name() or user.get_username())[:150]


SYSTEM = Actor(None, Channel.SYSTEM)


def recorded_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in NOT_RECORDED]


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):  # and datetime, its subclass
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return str(value)  # TextChoices members as plain strings
    if isinstance(value, FieldFile):
        return value.name or ""  # a figure's image: its storage name
    return value


def one_line_end(obj: models.Model) -> None:
    """Store ``obj``'s text with LF line ends only (``infra.lineends``): a browser sends
    CR LF, a JSON document LF, and the history would see every line as changed."""
    for f in recorded_fields(type(obj)):
        if isinstance(f, models.CharField | models.TextField):
            value = getattr(obj, f.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(obj, f.attname, lineends.normalise(value))


def values_of(obj: models.Model) -> dict[str, Any]:
    """The recorded fields of ``obj`` as JSON values (foreign keys as their id)."""
    return {f.attname: _json(getattr(obj, f.attname)) for f in recorded_fields(type(obj))}


def assessment_of(obj: models.Model) -> int:
    if isinstance(obj, Assessment):
        return obj.pk
    return kind_of(obj).assessment_id(obj)


def label_of(obj: models.Model) -> str:
    """A row's name as the history shows it."""
    if isinstance(obj, Assessment):
        return obj.title
    return kind_of(obj).name_of(obj)


def chapter_of(obj: models.Model, field_name: str) -> str:
    """The chapter a field belongs to: "1"–"5", "front", "sources", "figures", "appendix",
    "consultations" or "status"."""
    if isinstance(obj, Assessment):
        if field_name in ("status", "finalised_at", "published_at"):
            return "status"
        if field_name in instrument.PRESCAN_FIELDS.values() or field_name == "prescan_note":
            return "1"
        if field_name == "next_reassessment_on":
            return "5"
        if field_name in ("no_consultation_reason", "child_summary"):
            return "consultations"
        return "front"
    return kind_of(obj).chapter_of(obj, field_name)


def refusal(assessment: Assessment) -> str:
    """Why the assessment's content cannot be edited now (it is no longer a draft)."""
    return gettext("This assessment is %(status)s and cannot be edited now.") % {
        "status": assessment.get_status_display()
    }


@dataclass
class Batch:
    """One write, made of one or more row changes; ``finish`` records them all."""

    actor: Actor
    assessment: Assessment | None = None
    changes: list[Change] = field(default_factory=list)
    batch_id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: datetime.datetime = field(default_factory=timezone.now)
    # Whether a member's edit is checked under the assessment's row lock (``guard``); off
    # only for the lifecycle's own writes, which take that lock themselves.
    guarded: bool = True
    _checked: bool = field(default=False, init=False, repr=False)
    _added_text: bool = field(default=False, init=False, repr=False)

    def guard(self) -> None:
        """Lock the assessment's row and check that the actor may edit it now; raises
        ``EditRefused`` otherwise. Once per batch, before its first write (so the lock is
        always taken before any row's, as a transition takes it). Call it inside the
        write's transaction."""
        if self._checked or not self.guarded or not self.actor.edits:
            return
        if self.assessment is None or self.assessment.pk is None:
            return  # a new assessment, created by this batch
        locked = (
            Assessment.objects.select_for_update()
            .only("status", "organisation_id")
            .get(pk=self.assessment.pk)
        )
        if not states.is_editable(locked):
            raise EditRefused(refusal(locked))
        role = (
            Membership.objects.filter(
                organisation_id=locked.organisation_id, user=self.actor.account
            )
            .values_list("role", flat=True)
            .first()
        )
        if role is None or not Role(role).includes(Role.EDITOR):
            raise EditRefused(gettext("Your role does not allow this."))
        self._checked = True

    def _record(
        self, obj: models.Model, action: str, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        assessment_id = assessment_of(obj)
        for name in new or old:
            before, after = old.get(name), new.get(name)
            if action == ChangeAction.UPDATE and before == after:
                continue
            if action == ChangeAction.CREATE and after in ("", None):
                continue  # an empty field of a row added says nothing
            if action == ChangeAction.DELETE and before in ("", None):
                continue
            if isinstance(after, str) and len(after) > (
                len(before) if isinstance(before, str) else 0
            ):
                self._added_text = True
            self.changes.append(
                Change(
                    assessment_id=assessment_id,
                    batch=self.batch_id,
                    at=self.at,
                    user=self.actor.account,
                    user_name=self.actor.name,
                    via=self.actor.via,
                    action=action,
                    entity=str(type(obj)._meta.model_name),
                    object_id=obj.pk,
                    object_label=label_of(obj)[:300],
                    chapter=chapter_of(obj, name.removesuffix("_id")),
                    field=name,
                    old=before if action != ChangeAction.CREATE else None,
                    new=after if action != ChangeAction.DELETE else None,
                )
            )

    def _stamp(self, obj: models.Model) -> None:
        if hasattr(obj, "updated_by"):
            obj.updated_by = self.actor.account

    def create(self, obj: models.Model, *, free_slug_like: str | None = None) -> models.Model:
        """Insert ``obj``. A unique rule broken by a row someone else just created (e.g.
        the first answer to a question, made twice) raises ``EditConflict``. With
        ``free_slug_like`` (a new assessment), the row takes the first free short name like it
        in its organisation, also when another request takes one at the same moment."""
        if not isinstance(obj, Assessment):
            self.guard()
        self._stamp(obj)
        one_line_end(obj)
        if isinstance(obj, Assessment) and obj.created_by_id is None:
            obj.created_by = self.actor.account
        try:
            if free_slug_like is not None:
                scope = ("organisation",) if isinstance(obj, Assessment) else ()
                save_with_free_slug(obj, free_slug_like, *scope)
            else:
                with transaction.atomic():
                    obj.save(force_insert=True)
        except IntegrityError:
            twin = _find_twin(obj)
            if twin is None:
                raise
            raise EditConflict(twin) from None
        if isinstance(obj, Assessment) and self.assessment is None:
            self.assessment = obj
        self._record(obj, ChangeAction.CREATE, {}, values_of(obj))
        return obj

    def save(self, obj: models.Model, *, expected: int | None) -> models.Model:
        """Update ``obj`` unless its row changed since the user loaded ``expected``."""
        if obj.pk is None:
            return self.create(obj)
        self.guard()
        model = type(obj)
        if expected is None:  # the form was opened when the row did not exist yet
            raise EditConflict(model._default_manager.filter(pk=obj.pk).first())
        claimed = model._default_manager.filter(pk=obj.pk, lock_version=expected).update(
            lock_version=expected + 1
        )
        if not claimed:
            raise EditConflict(model._default_manager.filter(pk=obj.pk).first())
        return self._write(obj, lock_version=expected + 1)

    def save_current(self, obj: models.Model) -> models.Model:
        """Update ``obj`` over whatever is stored (admin saves, which carry no lock version)."""
        if obj.pk is None:
            return self.create(obj)
        model = type(obj)
        model._default_manager.filter(pk=obj.pk).update(lock_version=models.F("lock_version") + 1)
        stored = model._default_manager.values_list("lock_version", flat=True).get(pk=obj.pk)
        return self._write(obj, lock_version=stored)

    def _write(self, obj: models.Model, *, lock_version: int) -> models.Model:
        model = type(obj)
        before = values_of(model._default_manager.get(pk=obj.pk))  # claimed: nobody else writes
        one_line_end(obj)
        after = values_of(obj)
        changed = [name for name in after if after[name] != before[name]]
        cast(Any, obj).lock_version = lock_version
        self._stamp(obj)
        bookkeeping = [f for f in ("lock_version", "updated_by", "updated_at") if hasattr(obj, f)]
        obj.save(update_fields=[*changed, *bookkeeping])
        self._record(obj, ChangeAction.UPDATE, before, after)
        return obj

    def delete(self, obj: models.Model, *, expected: int | None) -> None:
        """Delete ``obj`` (and what hangs off it) unless it changed since ``expected``."""
        self.guard()
        model = type(obj)
        if expected is not None:
            claimed = model._default_manager.filter(pk=obj.pk, lock_version=expected).update(
                lock_version=expected + 1
            )
            if not claimed:
                raise EditConflict(model._default_manager.filter(pk=obj.pk).first())
        current = model._default_manager.filter(pk=obj.pk).first()
        if current is None:
            raise EditConflict(None)
        collector = Collector(using=router.db_for_write(model))
        collector.collect([current])
        gone = [row for rows in collector.data.values() for row in rows]
        gone += [row for queryset in collector.fast_deletes for row in queryset]
        for row in gone:
            if type(row) in CONTENT_MODELS:
                self._record(row, ChangeAction.DELETE, values_of(row), {})
        for (field_, value), groups in collector.field_updates.items():
            for row in (row for rows in cast(Any, groups) for row in rows):
                if type(row) in CONTENT_MODELS:  # e.g. a 5.3 row that pointed at a risk
                    old = values_of(row)
                    self._record(row, ChangeAction.UPDATE, old, {**old, field_.attname: value})
        current.delete()

    def set_values(self, obj: models.Model, values: dict[str, Any]) -> None:
        """Change a few fields of ``obj`` that the caller has locked or claimed."""
        self.guard()
        before = values_of(obj)
        for name, value in values.items():
            setattr(obj, name, lineends.normalise(value) if isinstance(value, str) else value)
        self._stamp(obj)
        obj.save(
            update_fields=[*values, *[f for f in ("updated_by", "updated_at") if hasattr(obj, f)]]
        )
        self._record(obj, ChangeAction.UPDATE, before, values_of(obj))

    def reorder(self, rows: list[models.Model]) -> None:
        """Give ``rows`` (locked by the caller) the order 0..n in the list's order."""
        self.guard()
        for position, row in enumerate(rows):
            if cast(Any, row).order != position:
                before = values_of(row)
                type(row)._default_manager.filter(pk=row.pk).update(order=position)
                cast(Any, row).order = position
                self._record(row, ChangeAction.UPDATE, before, values_of(row))

    def link_predecessor(
        self, assessment: Assessment, predecessor: Assessment, *, version: int
    ) -> None:
        """Make ``assessment`` (created in this batch) the re-assessment of ``predecessor``,
        carried forward from its version ``version``. Recorded as the pseudo-field
        ``reassessment``, so the history says where the new draft came from."""
        Assessment.objects.filter(pk=assessment.pk).update(predecessor=predecessor)
        assessment.predecessor = predecessor
        self._record(
            assessment,
            ChangeAction.UPDATE,
            {"reassessment": None},
            {
                "reassessment": {
                    "predecessor": predecessor.pk,
                    "title": predecessor.title,
                    "version": version,
                }
            },
        )
        self.changes.insert(0, self.changes.pop())  # first of the write, as the history shows it

    def finish(self) -> None:
        """Check the assessment's size, write the history and mark the assessment as
        changed by the actor. Raises ``TooLarge`` (the caller's transaction then undoes the
        write) when it added text past ``KIA_MAX_ASSESSMENT_CHARS``."""
        if self._added_text and self.assessment is not None:
            figures = size.over_limit(size.chars_of(self.assessment.pk))
            if figures:
                raise TooLarge(gettext(size.MESSAGE) % figures)
        Change.objects.bulk_create(self.changes)
        if self.assessment is not None:
            Assessment.objects.filter(pk=self.assessment.pk).update(
                updated_at=self.at, updated_by=self.actor.account
            )


def _find_twin(obj: models.Model) -> models.Model | None:
    """The row that won a race to create ``obj`` (the same question of the assessment)."""
    if isinstance(obj, Assessment) or kind_of(obj).identity != Identity.QUESTION:
        return None
    return (
        type(obj)
        ._default_manager.filter(
            assessment_id=cast(Any, obj).assessment_id,
            question=cast(Any, obj).question,
        )
        .first()
    )


# --- One-write helpers for the views -------------------------------------------------------


def save(
    obj: models.Model, *, actor: Actor, expected: int | None, assessment: Assessment
) -> models.Model:
    """Create or update one row (see ``Batch.save``)."""
    with transaction.atomic():
        batch = Batch(actor, assessment)
        batch.save(obj, expected=expected)
        batch.finish()
    return obj


def create(
    obj: models.Model,
    *,
    actor: Actor,
    assessment: Assessment | None,
    free_slug_like: str | None = None,
) -> models.Model:
    with transaction.atomic():
        batch = Batch(actor, assessment)
        batch.create(obj, free_slug_like=free_slug_like)
        batch.finish()
    return obj


def create_all(objs: Iterable[models.Model], *, actor: Actor, assessment: Assessment) -> None:
    with transaction.atomic():
        batch = Batch(actor, assessment)
        for obj in objs:
            batch.create(obj)
        batch.finish()


def delete(
    obj: models.Model, *, actor: Actor, expected: int | None, assessment: Assessment
) -> None:
    with transaction.atomic():
        batch = Batch(actor, assessment)
        batch.delete(obj, expected=expected)
        batch.finish()


def move(
    obj: models.Model,
    siblings: models.QuerySet[Any],
    *,
    up: bool,
    actor: Actor,
    assessment: Assessment,
) -> None:
    """Move ``obj`` one place up or down among ``siblings`` (renumbering them 0..n)."""
    with transaction.atomic():
        batch = Batch(actor, assessment)
        batch.guard()  # the assessment's lock before the rows'
        rows = list(siblings.select_for_update())
        index = next((i for i, row in enumerate(rows) if row.pk == obj.pk), None)
        if index is None:
            raise EditConflict(None)
        target = index - 1 if up else index + 1
        if 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
        batch.reorder(rows)
        batch.finish()


def transition(
    assessment: Assessment, values: dict[str, Any], *, actor: Actor, reason: str, name: str
) -> None:
    """Write a lifecycle transition (``lifecycle.perform`` has locked the row and checked it).

    The transition itself (its name and reason) is recorded as the pseudo-field
    ``transition`` beside the fields it changed."""
    batch = Batch(actor, assessment, guarded=False)
    batch.set_values(assessment, {**values, "lock_version": assessment.lock_version + 1})
    batch._record(
        assessment,
        ChangeAction.UPDATE,
        {"transition": None},
        {"transition": {"name": name, "reason": reason}},
    )
    batch.finish()
