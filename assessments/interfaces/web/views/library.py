"""The children's-rights library on an assessment's pages: links from rows to library items
(the picker and its search), risks and measures taken from the catalogue, the notice of
newer item texts, and the coverage page.

Every form works without JavaScript; htmx only replaces the picker's results as one
types. Every write goes through one ``editing.Batch`` (so it is in the history, and
refused on an assessment that is no longer a draft)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.domain import editing, instrument
from assessments.domain.constants import Role
from assessments.domain.editing import EditConflict, EditRefused
from assessments.domain.library import catalogue
from assessments.domain.models import (
    Contribution,
    Goal,
    LibraryFile,
    LibraryItem,
    LibraryLink,
    Measure,
    Risk,
)
from assessments.domain.permissions import Access
from assessments.domain.rowkinds import BY_KEY
from assessments.interfaces.templatetags.kia import anchor
from assessments.interfaces.web.views.chapters import chapter_url
from assessments.interfaces.web.views.common import assessment_view
from assessments.outputs.textdiff import word_diff

# The kinds of rows that carry links, as they are named in URLs.
LINKABLE = ("goal", "contribution", "risk", "measure")
SEARCH_LIMIT = 30


def text_in(value: Any, language: str) -> str:
    """A library text ({"nl": …, "en": …}) in ``language``, else in the other one."""
    if not isinstance(value, dict):
        return str(value or "")
    return str(value.get(language) or value.get("nl") or value.get("en") or "")


def _actor(request: HttpRequest) -> editing.Actor:
    return editing.Actor(request.user)


# --- The rows links hang from ----------------------------------------------------------------


def _row(access: Access, kind: str, ref: str) -> models.Model | None:
    """The row ``ref`` of ``kind`` in the assessment: a contribution by its question number
    (a new, unsaved one if it was not answered yet), the others by id. None if there is no
    such row."""
    assessment = access.assessment
    if kind == "contribution":
        question = instrument.QUESTION_BY_NUMBER.get(ref)
        if question is None or question not in instrument.CONTRIBUTION_QUESTIONS:
            return None
        return Contribution.objects.filter(
            assessment=assessment, question=ref
        ).first() or Contribution(assessment=assessment, question=ref)
    if not ref.isdigit():
        return None
    if kind == "goal":
        return Goal.objects.filter(pk=ref, assessment=assessment).first()
    if kind == "risk":
        return Risk.objects.filter(pk=ref, assessment=assessment).first()
    if kind == "measure":
        return (
            Measure.objects.filter(pk=ref, risk__assessment=assessment)
            .select_related("risk")
            .first()
        )
    return None


def row_name(kind: str, row: Any) -> str:
    if kind == "contribution":
        question = instrument.QUESTION_BY_NUMBER[row.question]
        return f"{row.question} {', '.join(str(v.name) for v in question.values)}"
    if kind == "goal":
        return str(row.title)
    if kind == "risk":
        return str(row.topic)
    return str(row.title)


def row_place(access: Access, kind: str, row: Any) -> str:
    """Where the row is shown on its chapter's page."""
    if kind == "contribution":
        return chapter_url(access, 2, anchor(row.question))
    if kind == "goal":
        return chapter_url(access, 2, f"goal-{row.pk}")
    if kind == "risk":
        return chapter_url(access, 3, f"risk-{row.pk}")
    return chapter_url(access, 4, f"risk-{row.risk_id}")


def links_of(row: models.Model) -> list[LibraryLink]:
    return [] if row.pk is None else catalogue.links_of(row)


def _back(request: HttpRequest, default: str) -> str:
    """The page a form asked to return to (``next``), if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- The picker ------------------------------------------------------------------------------


def _frameworks(access: Access) -> list[LibraryFile]:
    return list(
        LibraryFile.objects.filter(
            models.Q(organisation__isnull=True)
            | models.Q(organisation=access.assessment.organisation)
        )
        .exclude(kind="mapping")
        .order_by("pk")
    )


def _search(access: Access, query: str, files: str) -> list[LibraryItem]:
    return catalogue.search(
        query,
        organisation=access.assessment.organisation,
        files=[files] if files else None,
        limit=SEARCH_LIMIT,
    )


@assessment_view(Role.EDITOR)
def picker(request: HttpRequest, access: Access, kind: str, ref: str) -> HttpResponse:
    """Link a row to library items: its chips (removable), a search and its results, each
    with a button that links it. The search is a plain GET form; with htmx the results are
    replaced as one types (this view answers with the results alone)."""
    if kind not in LINKABLE:
        raise Http404("No such kind of row.")
    row = _row(access, kind, ref)
    if row is None:
        raise Http404("No such row.")
    query = request.GET.get("q", "").strip()[:200]
    files = request.GET.get("file", "")
    linked = links_of(row)
    have = {link.item_id for link in linked}
    results = [item for item in _search(access, query, files) if item.pk not in have]
    context = {
        "access": access,
        "assessment": access.assessment,
        "kind": kind,
        "ref": ref,
        "row": row,
        "name": row_name(kind, row),
        "links": linked,
        "results": results,
        "query": query,
        "file": files,
        "frameworks": _frameworks(access),
        "back_url": row_place(access, kind, row),
        "here": request.get_full_path(),
    }
    if request.htmx:
        return render(request, "assessments/library/_results.html", context)
    return render(request, "assessments/library/picker.html", context)


@require_POST
@assessment_view(Role.EDITOR)
def link_add(request: HttpRequest, access: Access, kind: str, ref: str) -> HttpResponse:
    if kind not in LINKABLE:
        raise Http404("No such kind of row.")
    row = _row(access, kind, ref)
    if row is None:
        raise Http404("No such row.")
    item = _item(request, access)
    back = _back(request, reverse("assessments:links", args=[access.assessment.slug, kind, ref]))
    if any(link.item_id == item.pk for link in links_of(row)):
        messages.info(request, _("Already linked: %(item)s") % {"item": item.label})
        return redirect(back)
    try:
        with transaction.atomic():
            batch = editing.Batch(_actor(request), access.assessment)
            if row.pk is None:  # a wellbeing question not answered yet: its row, empty
                batch.create(row)
            catalogue.link(batch, row, item)
            batch.finish()
    except EditRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except EditConflict:
        messages.error(request, _("Someone else changed this row just now; try again."))
        return redirect(back)
    messages.success(request, _("Linked: %(item)s") % {"item": item.label})
    return redirect(back)


@require_POST
@assessment_view(Role.EDITOR)
def link_remove(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    link = get_object_or_404(
        LibraryLink.objects.select_related("item"), pk=pk, assessment=access.assessment
    )
    back = _back(request, reverse("assessments:detail", args=[access.assessment.slug]))
    try:
        editing.delete(link, actor=_actor(request), expected=None, assessment=access.assessment)
    except EditRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except EditConflict:
        messages.info(request, _("Someone else removed this link already."))
        return redirect(back)
    messages.success(request, _("Link removed: %(item)s") % {"item": link.item.label})
    return redirect(back)


def _item(request: HttpRequest, access: Access, *, kind: str | None = None) -> LibraryItem:
    """The library item a form names (``item``: its id), if the assessment may use it."""
    raw = request.POST.get("item", "")
    if not raw.isdigit():
        raise Http404("No such library item.")
    items = LibraryItem.objects.select_related("file").filter(
        models.Q(file__organisation__isnull=True)
        | models.Q(file__organisation=access.assessment.organisation)
    )
    if kind is not None:
        items = items.filter(kind=kind)
    item = items.filter(pk=raw).first()
    if item is None or item.is_withdrawn:
        raise Http404("No such library item.")
    return item


# --- From the catalogue: risks (chapter 3) and measures (chapter 4) ------------------------------


@dataclass(frozen=True)
class Offer:
    """A catalogue item as the catalogue page offers it: its text and the rights it concerns."""

    item: LibraryItem
    title: str
    text: str
    concerns: list[LibraryItem]


@assessment_view(Role.EDITOR)
def risk_catalogue(request: HttpRequest, access: Access) -> HttpResponse:
    """The typical risks of a category, searchable; each one adds a risk pre-filled from it."""
    category = request.GET.get("category", "")
    if category not in instrument.CATEGORY_BY_KEY:
        raise Http404("No such risk category.")
    query = request.GET.get("q", "").strip()[:200]
    language = access.assessment.language
    found = catalogue.search(
        query,
        organisation=access.assessment.organisation,
        kinds=["typical-risk"],
        category=category,
        limit=100,
    )
    about = catalogue.concerns_of(found)
    offers = [
        Offer(
            item,
            text_in(item.title, language),
            text_in(item.text, language),
            about.get(item.pk, []),
        )
        for item in found
    ]
    info = instrument.category(category)
    context = {
        "access": access,
        "assessment": access.assessment,
        "category": info,
        "question": instrument.question(info.number),
        "offers": offers,
        "query": query,
        "back_url": chapter_url(access, 3, anchor(info.number)),
    }
    if request.htmx:
        return render(request, "assessments/library/_risk_offers.html", context)
    return render(request, "assessments/library/risk_catalogue.html", context)


@require_POST
@assessment_view(Role.EDITOR)
def risk_from_catalogue(request: HttpRequest, access: Access) -> HttpResponse:
    """A new risk with the item's title as its topic and its text as its description (in
    the assessment's language), linked to the item; then its form, to complete it."""
    item = _item(request, access, kind="typical-risk")
    category = request.POST.get("category") or item.category
    if category not in instrument.CATEGORY_BY_KEY:
        category = item.category if item.category in instrument.CATEGORY_BY_KEY else "other"
    language = access.assessment.language
    risk = BY_KEY["risk"].new(
        access.assessment,
        category=category,
        topic=text_in(item.title, language)[:300],
        description=text_in(item.text, language),
    )
    try:
        with transaction.atomic():
            batch = editing.Batch(_actor(request), access.assessment)
            batch.create(risk)
            catalogue.link(batch, risk, item)
            batch.finish()
    except EditRefused as exc:
        messages.error(request, exc.message)
        return redirect(chapter_url(access, 3, anchor(instrument.category(category).number)))
    messages.success(
        request,
        _("Risk added from the catalogue: %(topic)s. Complete its likelihood and impact.")
        % {"topic": risk.topic},
    )
    return redirect(reverse("assessments:risk_edit", args=[access.assessment.slug, risk.pk]))


@require_POST
@assessment_view(Role.EDITOR)
def measure_from_catalogue(request: HttpRequest, access: Access, risk_pk: int) -> HttpResponse:
    """A suggested measure, taken in one click: a measure of the risk with the item's title
    and text, linked to the item."""
    risk = get_object_or_404(Risk, pk=risk_pk, assessment=access.assessment)
    item = _item(request, access, kind="typical-measure")
    language = access.assessment.language
    measure = BY_KEY["measure"].new(
        risk,
        title=text_in(item.title, language)[:300],
        description=text_in(item.text, language),
    )
    back = chapter_url(access, 4, f"risk-{risk.pk}")
    try:
        with transaction.atomic():
            batch = editing.Batch(_actor(request), access.assessment)
            batch.create(measure)
            catalogue.link(batch, measure, item)
            batch.finish()
    except EditRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("Measure added: %(title)s. Give it an owner and a due date.") % {"title": measure.title},
    )
    return redirect(back)


# --- Newer texts of linked items -------------------------------------------------------------


@assessment_view()
def updates(request: HttpRequest, access: Access) -> HttpResponse:
    """The linked items whose text changed in a newer library version, or that were
    withdrawn: old and new text side by side; the team can take the new text."""
    rows = []
    for update in catalogue.updates(access.assessment):
        item = update.item
        rows.append(
            {
                "update": update,
                "link": update.link,
                "row_name": update.link.row_label,
                "old_title": update.old_title,
                "new_title": item.title_text,
                "title_diff": word_diff(update.old_title, item.title_text),
                "text_diff": word_diff(update.old_text, item.text_text),
            }
        )
    return render(
        request,
        "assessments/library/updates.html",
        {"access": access, "assessment": access.assessment, "rows": rows},
    )


@require_POST
@assessment_view(Role.EDITOR)
def take_update(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Take the item's current text: the link now names the item's newest version."""
    link = get_object_or_404(
        LibraryLink.objects.select_related("item"), pk=pk, assessment=access.assessment
    )
    back = reverse("assessments:library_updates", args=[access.assessment.slug])
    try:
        with transaction.atomic():
            batch = editing.Batch(_actor(request), access.assessment)
            catalogue.take_new_text(batch, link)
            batch.finish()
    except EditRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("New text taken: %(item)s") % {"item": link.item.label})
    return redirect(back)


urlpatterns = [
    path("a/<slug:slug>/links/<str:kind>/<str:ref>/", picker, name="links"),
    path("a/<slug:slug>/links/<str:kind>/<str:ref>/add/", link_add, name="link_add"),
    path("a/<slug:slug>/link/<int:pk>/remove/", link_remove, name="link_remove"),
    path("a/<slug:slug>/risks/catalogue/", risk_catalogue, name="risk_catalogue"),
    path("a/<slug:slug>/risks/catalogue/add/", risk_from_catalogue, name="risk_from_catalogue"),
    path(
        "a/<slug:slug>/risks/<int:risk_pk>/measures/catalogue/",
        measure_from_catalogue,
        name="measure_from_catalogue",
    ),
    path("a/<slug:slug>/library/updates/", updates, name="library_updates"),
    path("a/<slug:slug>/library/updates/<int:pk>/", take_update, name="library_take_update"),
]
