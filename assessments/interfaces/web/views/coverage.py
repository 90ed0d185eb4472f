"""The coverage page of an assessment: per framework of the library, the items its rows
address (and through which rows), those it does not, and those the team marked "not
relevant" with a reason; and, for regulators, the DSA article 28 guidelines per section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import editing
from assessments.domain.constants import Role
from assessments.domain.editing import EditConflict, EditRefused
from assessments.domain.library import catalogue, coverage
from assessments.domain.models import (
    CoverageExclusion,
    LibraryItem,
)
from assessments.domain.permissions import Access
from assessments.domain.rowkinds import BY_KEY
from assessments.domain.workspace import Workspace
from assessments.interfaces.web.views.common import assessment_view
from assessments.interfaces.web.views.library import row_place

DSA = "dsa28"
MAX_REASON = 1000


@dataclass(frozen=True)
class Through:
    """A row that addresses an item, as the page names it ("R3", "2.9", "R3 · measure"),
    where it is shown, and the catalogue item it addresses it through (if not directly)."""

    label: str
    title: str
    url: str
    via: str


def _through(access: Access, ref: coverage.RowRef) -> Through:
    via = ref.via.ref if ref.via is not None else ""
    title = ref.title if ref.kind in ("goal", "risk") else ""
    return Through(ref.label, title, row_place(access, ref.kind, ref.row), via)


@dataclass(frozen=True)
class Line:
    """One framework item on the page: addressed (``through``), excluded (``reason``) or
    missing (neither)."""

    item: LibraryItem
    through: list[Through]
    exclusion: CoverageExclusion | None

    @property
    def state(self) -> str:
        if self.through:
            return "addressed"
        return "excluded" if self.exclusion is not None else "missing"


@dataclass(frozen=True)
class Section:
    """A framework (or, in the DSA view, one section of the guidelines) and its lines."""

    key: str
    title: str
    lines: list[Line]

    @property
    def addressed(self) -> list[Line]:
        return [line for line in self.lines if line.state == "addressed"]

    @property
    def excluded(self) -> list[Line]:
        return [line for line in self.lines if line.state == "excluded"]

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if line.state == "missing"]


def sections(access: Access, *, view: str = "") -> tuple[list[Section], list[Any]]:
    """The page's sections: one per framework, or (``view="dsa"``) one per top-level section
    of the DSA guidelines; and the frameworks (for the tabs)."""
    assessment = access.assessment
    ws = Workspace(assessment)
    reasons = {
        e.item_id: e
        for e in CoverageExclusion.objects.filter(assessment=assessment).select_related("item")
    }
    frameworks = coverage.of(ws)
    result: list[Section] = []
    for framework in frameworks:
        lines: list[Line] = []
        for covered in framework.addressed:
            rows = [_through(access, ref) for ref in covered.rows]
            lines.append(Line(covered.item, rows, None))
        for item, _reason in framework.excluded:
            lines.append(Line(item, [], reasons.get(item.pk)))
        for item in framework.missing:
            lines.append(Line(item, [], None))
        lines.sort(key=lambda line: (line.item.order, line.item.pk))
        if view == "dsa":
            if framework.file.ref == DSA:
                result.extend(_by_section(lines))
            continue
        result.append(Section(framework.file.ref, framework.file.label, lines))
    return result, frameworks


def _by_section(lines: list[Line]) -> list[Section]:
    """The DSA guidelines' lines grouped under their top-level section."""

    def top(item: LibraryItem) -> LibraryItem:
        seen = 0
        while item.parent is not None and seen < 10:
            item, seen = item.parent, seen + 1
        return item

    groups: dict[int, tuple[LibraryItem, list[Line]]] = {}
    for line in lines:
        head = top(line.item)
        groups.setdefault(head.pk, (head, []))[1].append(line)
    return [
        Section(f"dsa-{head.pk}", head.label, group)
        for head, group in sorted(groups.values(), key=lambda g: (g[0].order, g[0].pk))
    ]


@assessment_view()
def coverage_page(request: HttpRequest, access: Access) -> HttpResponse:
    view = "dsa" if request.GET.get("view") == "dsa" else ""
    found, _frameworks = sections(access, view=view)
    return render(
        request,
        "assessments/library/coverage.html",
        {
            "access": access,
            "assessment": access.assessment,
            "sections": found,
            "view": view,
            "updates": catalogue.updates(access.assessment) if access.can_edit else [],
        },
    )


def _page(access: Access, request: HttpRequest, fragment: str = "") -> str:
    url = reverse("assessments:coverage", args=[access.assessment.slug])
    if request.POST.get("view") == "dsa":
        url += "?view=dsa"
    return f"{url}#{fragment}" if fragment else url


@require_POST
@assessment_view(Role.EDITOR)
def exclude(request: HttpRequest, access: Access) -> HttpResponse:
    """Mark a framework item "not relevant" for this assessment, with a reason."""
    raw = request.POST.get("item", "")
    item = get_object_or_404(
        LibraryItem.objects.select_related("file"),
        pk=int(raw) if raw.isdigit() else 0,
        file__organisation__isnull=True,
    )
    reason = request.POST.get("reason", "").strip()
    back = _page(access, request, f"item-{item.pk}")
    if not reason:
        messages.error(
            request,
            _("Say why %(item)s is not relevant; nothing was marked.") % {"item": item.label},
        )
        return redirect(back)
    if len(reason) > MAX_REASON:
        messages.error(
            request,
            _("The reason is longer than %(n)d characters; nothing was marked.")
            % {"n": MAX_REASON},
        )
        return redirect(back)
    exclusion = BY_KEY["exclusion"].new(access.assessment, item=item, reason=reason)
    try:
        editing.create(exclusion, actor=editing.Actor(request.user), assessment=access.assessment)
    except EditRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except EditConflict:
        messages.info(request, _("%(item)s was marked already.") % {"item": item.label})
        return redirect(back)
    messages.success(request, _("Marked not relevant: %(item)s") % {"item": item.label})
    return redirect(back)


@require_POST
@assessment_view(Role.EDITOR)
def unexclude(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    exclusion = get_object_or_404(
        CoverageExclusion.objects.select_related("item"), pk=pk, assessment=access.assessment
    )
    back = _page(access, request, f"item-{exclusion.item_id}")
    try:
        editing.delete(
            exclusion,
            actor=editing.Actor(request.user),
            expected=None,
            assessment=access.assessment,
        )
    except EditRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except EditConflict:
        messages.info(request, _("Someone else unmarked it already."))
        return redirect(back)
    messages.success(request, _("Marked relevant again: %(item)s") % {"item": exclusion.item.label})
    return redirect(back)


urlpatterns = [
    path("a/<slug:slug>/coverage/", coverage_page, name="coverage"),
    path("a/<slug:slug>/coverage/exclude/", exclude, name="coverage_exclude"),
    path(
        "a/<slug:slug>/coverage/exclusions/<int:pk>/remove/",
        unexclude,
        name="coverage_unexclude",
    ),
]
