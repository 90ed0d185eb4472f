"""Write operations of the web app: versioned saves (no lost updates), ordering, status.

Every editable row has a ``version``. A form carries the version it was loaded with; the
save claims the row with ``UPDATE … WHERE version = <loaded>`` before writing, which is
atomic on SQLite and PostgreSQL alike. If someone else saved in between, nothing is
written and ``EditConflict`` carries the stored row, so the page can show both versions.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.forms import ModelForm
from django.utils import timezone

from assessments.constants import Status
from assessments.models import Assessment


class EditConflict(Exception):
    """Someone saved this row after the editor loaded it."""

    def __init__(self, current: models.Model | None):
        super().__init__("edit conflict")
        self.current = current  # the row as stored now (None if it was deleted)


def touch(assessment: Assessment, user) -> None:
    """Record that ``user`` changed something in the assessment just now."""
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now(), updated_by=user)


def save_versioned(
    form: ModelForm, *, user, expected_version: int | None, assessment
) -> models.Model:
    """Save a valid model form unless the row changed since ``expected_version``."""
    obj = form.instance
    model = type(obj)
    with transaction.atomic():
        if obj.pk is not None and expected_version is None:
            # The form was opened when the row did not exist yet; it exists now.
            raise EditConflict(model.objects.filter(pk=obj.pk).first())
        if obj.pk is None:
            obj.updated_by = user
            try:
                with transaction.atomic():
                    saved = form.save()
            except IntegrityError:
                # Someone created the same row (e.g. the first answer to a question) first.
                raise EditConflict(_find_twin(obj)) from None
        else:
            claimed = model.objects.filter(pk=obj.pk, version=expected_version).update(
                version=expected_version + 1
            )
            if not claimed:
                raise EditConflict(model.objects.filter(pk=obj.pk).first())
            obj.version = expected_version + 1
            obj.updated_by = user
            saved = form.save()
        if isinstance(saved, Assessment):
            return saved
        touch(assessment, user)
    return saved


def _find_twin(obj: models.Model) -> models.Model | None:
    """The row that won a race to create ``obj`` (same assessment and question)."""
    question = getattr(obj, "question", None)
    if question is None:
        return None
    return type(obj).objects.filter(assessment_id=obj.assessment_id, question=question).first()


def delete(obj: models.Model, *, user, assessment: Assessment) -> None:
    with transaction.atomic():
        obj.delete()
        touch(assessment, user)


def move(obj: models.Model, siblings: models.QuerySet, *, up: bool, user, assessment) -> None:
    """Move ``obj`` one place up or down among ``siblings`` (renumbering them 0..n)."""
    with transaction.atomic():
        rows = list(siblings.select_for_update())
        index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
        target = index - 1 if up else index + 1
        if 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows):
            if row.order != position:
                type(row).objects.filter(pk=row.pk).update(order=position)
        touch(assessment, user)


def next_order(siblings: models.QuerySet) -> int:
    last = siblings.aggregate(models.Max("order"))["order__max"]
    return 0 if last is None else last + 1


def set_status(assessment: Assessment, status: Status, *, expected: Status, user) -> bool:
    """Move an assessment from ``expected`` to ``status``; False if its status changed
    meanwhile (someone else reopened or published it), in which case nothing is written."""
    now = timezone.now()
    finalised_at = None if status == Status.DRAFT else (assessment.finalised_at or now)
    published_at = now if status == Status.PUBLISHED else None
    changed = Assessment.objects.filter(pk=assessment.pk, status=expected).update(
        status=status,
        finalised_at=finalised_at,
        published_at=published_at,
        updated_at=now,
        updated_by=user,
        version=models.F("version") + 1,
    )
    assessment.refresh_from_db()
    return bool(changed)
