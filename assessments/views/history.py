"""The history of an assessment (who changed what, and when), and putting a value back."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import editing, restore
from assessments.constants import ChangeAction, Role
from assessments.models import Change
from assessments.permissions import Access
from assessments.textdiff import word_diff
from assessments.views.common import assessment_view

PER_PAGE = 50
CHAPTERS = {
    "front": gettext_lazy("General information"),
    "1": gettext_lazy("1. Pre-scan"),
    "2": gettext_lazy("2. Description and goals"),
    "3": gettext_lazy("3. Risks"),
    "4": gettext_lazy("4. Measures"),
    "5": gettext_lazy("5. Weighing"),
    "sources": gettext_lazy("Sources"),
    "appendix": gettext_lazy("Appendix"),
    "status": gettext_lazy("Status"),
}
ENTITIES = {
    "assessment": gettext_lazy("assessment"),
    "answer": gettext_lazy("answer"),
    "goal": gettext_lazy("goal"),
    "contribution": gettext_lazy("contribution to wellbeing"),
    "risk": gettext_lazy("risk"),
    "measure": gettext_lazy("measure"),
    "proportionalityitem": gettext_lazy("5.3 row"),
    "source": gettext_lazy("source"),
    "serviceresponse": gettext_lazy("response of the service"),
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


def _show(value) -> str:
    if value is None:
        return ""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dict):  # a lifecycle transition
        name = value.get("name", "")
        reason = value.get("reason", "")
        return f"{name}: {reason}" if reason else name
    return str(value)


def _field_label(change: Change) -> str:
    if change.field == "transition":
        return _("status change")
    model = restore.MODELS.get(change.entity)
    if model is None:
        return change.field
    try:
        field = model._meta.get_field(change.field.removesuffix("_id"))
    except Exception:  # a field that no longer exists
        return change.field
    return str(field.verbose_name)


def _lock_versions(changes: list[Change]) -> dict[tuple[str, int], int]:
    """The current lock version of every row the changes name (one query per kind)."""
    wanted: dict[str, set[int]] = {}
    for change in changes:
        wanted.setdefault(change.entity, set()).add(change.object_id)
    found = {}
    for entity, ids in wanted.items():
        model = restore.MODELS.get(entity)
        if model is not None:
            rows = model._default_manager.filter(pk__in=ids).values_list("pk", "lock_version")
            found.update({(entity, pk): lock for pk, lock in rows})
    return found


def _entry(change: Change, *, can_edit: bool, locks: dict[tuple[str, int], int]) -> Entry:
    old, new = _show(change.old), _show(change.new)
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


@assessment_view()
def history(request: HttpRequest, access: Access) -> HttpResponse:
    """Every recorded change, newest first; filter by person, chapter or one row."""
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
    page = Paginator(changes, PER_PAGE).get_page(request.GET.get("page"))
    people = (
        get_user_model()
        .objects.filter(pk__in=Change.objects.filter(assessment=access.assessment).values("user"))
        .order_by("username")
    )
    shown = list(page.object_list)
    locks = _lock_versions(shown) if access.can_edit else {}
    entries = [_entry(c, can_edit=access.can_edit, locks=locks) for c in shown]
    return render(
        request,
        "assessments/history.html",
        {
            "access": access,
            "assessment": access.assessment,
            "page": page,
            "entries": entries,
            "people": people,
            "chapters": CHAPTERS,
            "filters": filters,
            "row_label": row_label,
            "query": "&".join(f"{k}={v}" for k, v in filters.items()),
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
        stored = _show(getattr(conflict.current, change.field, None)) if conflict.current else ""
        return render(
            request,
            "assessments/history_conflict.html",
            {
                "access": access,
                "assessment": access.assessment,
                "change": change,
                "field_label": _field_label(change),
                "stored": stored,
                "wanted": _show(change.old),
                "diff": word_diff(stored, _show(change.old)),
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
