"""The history of an assessment (who changed what, and when), and putting a value back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.domain import editing, lifecycle, restore
from assessments.domain.constants import ChangeAction, Role
from assessments.domain.models import Change
from assessments.domain.models.risks import member_name
from assessments.domain.permissions import Access
from assessments.domain.rowkinds import KINDS
from assessments.interfaces.web.views.common import assessment_view
from assessments.outputs.textdiff import word_diff

PER_PAGE = 20  # writes per page
SHOWN_PER_WRITE = 25  # field changes shown per write before "show all"
CHAPTERS = {
    "front": gettext_lazy("General information"),
    "1": gettext_lazy("1. Pre-scan"),
    "2": gettext_lazy("2. Description and goals"),
    "3": gettext_lazy("3. Risks"),
    "4": gettext_lazy("4. Measures"),
    "5": gettext_lazy("5. Weighing"),
    "sources": gettext_lazy("Sources"),
    "figures": gettext_lazy("Figures"),
    "appendix": gettext_lazy("Appendix"),
    "consultations": gettext_lazy("Children's voice"),
    "status": gettext_lazy("Status"),
}
ENTITIES = {
    "assessment": gettext_lazy("assessment"),
    **{kind.entity: kind.label for kind in KINDS},
}


@dataclass(frozen=True)
class Entry:
    change: Change
    field_label: str
    old: str
    new: str
    diff: SafeString | None
    can_restore: bool
    lock_version: int | None  # of the row as it is now, for a version-checked restore


def _show(change: Change, value) -> str:
    """A recorded value as people read it: choice labels, dates in words, yes/no."""
    if value is None or value == "":
        return ""
    if change.field == "transition" and isinstance(value, dict):
        found = lifecycle.TRANSITIONS.get(value.get("name", ""))
        label = str(found.label) if found else value.get("name", "")
        reason = value.get("reason", "")
        return f"{label}: {reason}" if reason else label
    if change.field == "reassessment" and isinstance(value, dict):
        return _("Re-assessment of “%(title)s”, carried forward from its version %(number)s") % {
            "title": value.get("title", ""),
            "number": value.get("version", ""),
        }
    field = _model_field(change)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey) and field.related_model is get_user_model():
        person = get_user_model().objects.filter(pk=value).first()  # a measure's owner
        return member_name(person) if person else _("(account removed)")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return date_format(localtime(moment), "j F Y H:i") if moment else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        return date_format(day, "j F Y") if day else value
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def _model_field(change: Change) -> models.Field | None:
    model = restore.model_of(change.entity)
    if model is None:
        return None
    try:
        return model._meta.get_field(change.field.removesuffix("_id"))
    except FieldDoesNotExist:  # a field that no longer exists
        return None


def _field_label(change: Change) -> str:
    if change.field == "transition":
        return _("status change")
    if change.field == "reassessment":
        return _("re-assessment")
    field = _model_field(change)
    return str(field.verbose_name) if field is not None else change.field


def _lock_versions(changes: list[Change]) -> dict[tuple[str, int], int]:
    """The current lock version of every row the changes name (one query per kind)."""
    wanted: dict[str, set[int]] = {}
    for change in changes:
        wanted.setdefault(change.entity, set()).add(change.object_id)
    found = {}
    for entity, ids in wanted.items():
        model = restore.model_of(entity)
        if model is not None:
            rows = model._default_manager.filter(pk__in=ids).values_list("pk", "lock_version")
            found.update({(entity, pk): lock for pk, lock in rows})
    return found


def _entry(change: Change, *, can_edit: bool, locks: dict[tuple[str, int], int]) -> Entry:
    old, new = _show(change, change.old), _show(change, change.new)
    long = max(len(old), len(new)) > 80 or "\n" in old + new
    return Entry(
        change=change,
        field_label=_field_label(change),
        old=old,
        new=new,
        diff=word_diff(old, new) if long and change.action == ChangeAction.UPDATE else None,
        can_restore=can_edit
        and change.action == ChangeAction.UPDATE
        and restore.restorable(change)
        and (change.entity, change.object_id) in locks,
        lock_version=locks.get((change.entity, change.object_id)),
    )


@dataclass(frozen=True)
class Write:
    """One write (a save, an import, a transition …) and the field changes it made."""

    batch: str
    first: Change
    entries: list[Entry]
    total: int

    @property
    def rows(self) -> int:
        return len({(e.change.entity, e.change.object_id) for e in self.entries})


@assessment_view()
def history(request: HttpRequest, access: Access) -> HttpResponse:
    """Every recorded write, newest first, with the fields it changed; filter by person,
    chapter, one row or one write."""
    changes = Change.objects.filter(assessment=access.assessment).select_related("user")
    filters = {}
    person = request.GET.get("person", "")
    if person.isdigit():
        changes = changes.filter(user_id=int(person))
        filters["person"] = person
    chapter = request.GET.get("chapter", "")
    if chapter in CHAPTERS:
        changes = changes.filter(chapter=chapter)
        filters["chapter"] = chapter
    entity, obj = request.GET.get("entity", ""), request.GET.get("object", "")
    row_label = ""
    if entity in ENTITIES and obj.isdigit():
        changes = changes.filter(entity=entity, object_id=int(obj))
        filters.update(entity=entity, object=obj)
        first = changes.first()
        row_label = f"{ENTITIES[entity]} “{first.object_label}”" if first else str(ENTITIES[entity])
    batch = request.GET.get("batch", "")
    if _is_uuid(batch):
        changes = changes.filter(batch=batch)
        filters["batch"] = batch
    writes = changes.values("batch").annotate(last=Max("at")).order_by("-last", "batch")
    page = Paginator(writes, PER_PAGE).get_page(request.GET.get("page"))
    batches = [row["batch"] for row in page.object_list]
    people = (
        get_user_model()
        .objects.filter(pk__in=Change.objects.filter(assessment=access.assessment).values("user"))
        .order_by("username")
    )
    grouped: dict = {b: [] for b in batches}
    for change in changes.filter(batch__in=batches).order_by("pk"):
        grouped[change.batch].append(change)
    limit = None if "batch" in filters else SHOWN_PER_WRITE
    shown = [c for rows in grouped.values() for c in rows[:limit]]
    locks = _lock_versions(shown) if access.can_edit else {}
    groups = [
        Write(
            str(b),
            rows[0],
            [_entry(c, can_edit=access.can_edit, locks=locks) for c in rows[:limit]],
            len(rows),
        )
        for b, rows in grouped.items()
        if rows
    ]
    return render(
        request,
        "assessments/history.html",
        {
            "access": access,
            "assessment": access.assessment,
            "page": page,
            "writes": groups,
            "people": people,
            "chapters": CHAPTERS,
            "filters": filters,
            "row_label": row_label,
            "query": urlencode(filters),
        },
    )


@require_POST
@assessment_view(Role.EDITOR)
def restore_value(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Put back the value a field had before one change: a normal, version-checked save."""
    change = get_object_or_404(Change, pk=pk, assessment=access.assessment)
    back = reverse("assessments:history", args=[access.assessment.slug])
    back += f"?entity={change.entity}&object={change.object_id}"
    try:
        seen = int(request.POST.get("lock_version", ""))
    except ValueError:
        seen = None
    try:
        restore.restore_field(
            change, actor=editing.Actor(request.user), expected=seen, assessment=access.assessment
        )
    except restore.RestoreRefused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    except editing.EditConflict as conflict:
        current = conflict.current
        stored = _show(change, editing.values_of(current).get(change.field)) if current else ""
        return render(
            request,
            "assessments/history_conflict.html",
            {
                "access": access,
                "assessment": access.assessment,
                "change": change,
                "field_label": _field_label(change),
                "stored": stored,
                "wanted": _show(change, change.old),
                "diff": word_diff(stored, _show(change, change.old)),
                "back_url": back,
            },
            status=409,
        )
    messages.success(
        request,
        _("The earlier value of “%(field)s” is back; the change is in the history.")
        % {"field": _field_label(change)},
    )
    return redirect(back)


urlpatterns = [
    path("a/<slug:slug>/history/", history, name="history"),
    path("a/<slug:slug>/history/<int:pk>/restore/", restore_value, name="history_restore"),
]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
