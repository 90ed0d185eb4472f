"""Repeating parts: goals, risks, measures, the 5.3 table, sources and responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessments.domain import editing, instrument, lifecycle, replies, states, versions, weighing
from assessments.domain.constants import ProportionalitySide, Role
from assessments.domain.editing import EditConflict
from assessments.domain.models import (
    Goal,
    Measure,
    ProportionalityItem,
    ResponseAttachment,
    Risk,
    ServiceResponse,
    Source,
)
from assessments.domain.permissions import Access
from assessments.domain.rowkinds import BY_KEY, Identity, RowKind, next_order
from assessments.domain.workspace import Workspace
from assessments.interfaces.forms.content import GoalForm, ProportionalityItemForm
from assessments.interfaces.forms.replies import AppendixForm, ServiceResponseForm
from assessments.interfaces.forms.risks import MeasureForm, ResidualRiskForm, RiskForm
from assessments.interfaces.forms.sources import SourceForm
from assessments.interfaces.web.views.chapters import anchor, chapter_url
from assessments.interfaces.web.views.common import assessment_view, edit_row, edit_view, row_gone
from assessments.outputs.report.numbering import numbering

# --- Goals (2.5, answered per goal in 2.6, 5.1, 5.2) --------------------------------------------


def _goal(access: Access, pk: int | None) -> Goal | None:
    if pk is None:
        return BY_KEY["goal"].new(access.assessment)
    return Goal.objects.filter(pk=pk, assessment=access.assessment).first()


@edit_view
def goal_edit(request: HttpRequest, access: Access, pk: int | None = None) -> HttpResponse:
    goal = _goal(access, pk)
    where: dict[str, Any] = {
        "form_class": GoalForm,
        "back_url": chapter_url(access, 2, anchor("2.5")),
        "title": _("Goal"),
        "recreate_url": reverse("assessments:goal_new", args=[access.assessment.slug]),
    }
    if goal is None:
        return row_gone(request, access, **where)
    return edit_row(request, access, instance=goal, question=instrument.question("2.5"), **where)


# --- Risks (chapter 3) and residual risk (chapter 4) --------------------------------------------


def _risk(access: Access, pk: int) -> Risk | None:
    return Risk.objects.filter(pk=pk, assessment=access.assessment).first()


@edit_view
def risk_new(request: HttpRequest, access: Access) -> HttpResponse:
    origin = request.GET.get("from", "")  # a chapter-2 question where the risk came up
    source = instrument.QUESTION_BY_NUMBER.get(origin)
    from_contribution = source in instrument.CONTRIBUTION_QUESTIONS
    # From a wellbeing question (2.8-2.14) no category is chosen for the user: the
    # instrument does not say which risk category a wellbeing value belongs to.
    default = "" if from_contribution else "content"
    category = request.GET.get("category") or request.POST.get("category") or default
    if category and category not in instrument.CATEGORY_BY_KEY:
        raise Http404("No such risk category.")
    question = instrument.question(instrument.category(category).number) if category else None
    back = (
        chapter_url(access, 2, anchor(origin))
        if source is not None
        else chapter_url(access, 3, anchor(question.number if question else ""))
    )
    instance = BY_KEY["risk"].new(access.assessment, category=category)
    came_from = ""
    if source is not None and from_contribution:
        instance.raised_in = source.number  # the risk remembers its question
        came_from = _(
            "This risk came up at question %(number)s (%(values)s); the form records that. "
            "Choose the risk category it belongs to."
        ) % {"number": origin, "values": ", ".join(str(v.name) for v in source.values)}
    return edit_row(
        request,
        access,
        form_class=RiskForm,
        instance=instance,
        back_url=back,
        title=_("New risk"),
        question=question,
        saved_message=_("Risk recorded."),
        extra={"risk_form": True, "came_from": came_from},
    )


@edit_view
def risk_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    risk = _risk(access, pk)
    recreate = reverse("assessments:risk_new", args=[access.assessment.slug])
    if risk is None:
        return row_gone(
            request,
            access,
            form_class=RiskForm,
            back_url=chapter_url(access, 3),
            title=request.POST.get("topic") or _("Risk"),
            recreate_url=recreate,
        )
    return edit_row(
        request,
        access,
        form_class=RiskForm,
        instance=risk,
        back_url=chapter_url(access, 3, f"risk-{risk.pk}"),
        title=risk.topic,
        question=instrument.question(risk.category_info.number),
        extra={"risk_form": True},
        recreate_url=recreate,
    )


@edit_view
def residual_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    risk = _risk(access, pk)
    if risk is None:
        return row_gone(
            request,
            access,
            form_class=ResidualRiskForm,
            back_url=chapter_url(access, 4),
            title=_("Residual risk"),
        )
    return edit_row(
        request,
        access,
        form_class=ResidualRiskForm,
        instance=risk,
        back_url=chapter_url(access, 4, f"risk-{risk.pk}"),
        title=_("Residual risk: %(topic)s") % {"topic": risk.topic},
        question=instrument.question("4.1"),
        extra={"risk_form": True},
    )


# --- Measures (4.1) --------------------------------------------------------------------------


@edit_view
def measure_edit(
    request: HttpRequest, access: Access, risk_pk: int, pk: int | None = None
) -> HttpResponse:
    risk = _risk(access, risk_pk)
    if risk is None:  # the risk went, and its measures with it: nothing to recreate under
        return row_gone(
            request,
            access,
            form_class=MeasureForm,
            back_url=chapter_url(access, 4),
            title=request.POST.get("title") or _("Measure"),
        )
    where: dict[str, Any] = {
        "form_class": MeasureForm,
        "back_url": chapter_url(access, 4, f"risk-{risk.pk}"),
        "title": _("Measure against: %(topic)s") % {"topic": risk.topic},
        "recreate_url": reverse("assessments:measure_new", args=[access.assessment.slug, risk.pk]),
    }
    if pk is None:
        measure = BY_KEY["measure"].new(risk)
    else:
        found = Measure.objects.filter(pk=pk, risk=risk).first()
        if found is None:
            return row_gone(request, access, **where)
        measure = found
    return edit_row(request, access, instance=measure, question=instrument.question("4.1"), **where)


# --- 5.3 proportionality table -----------------------------------------------------------------


@edit_view
def item_edit(request: HttpRequest, access: Access, pk: int | None = None) -> HttpResponse:
    item: ProportionalityItem | None
    if pk is None:
        side = request.GET.get("side", ProportionalitySide.HARM)
        if side not in ProportionalitySide.values:
            side = ProportionalitySide.HARM
        item = BY_KEY["item"].new(access.assessment, side=side)
    else:
        item = ProportionalityItem.objects.filter(pk=pk, assessment=access.assessment).first()
    where: dict[str, Any] = {
        "form_class": ProportionalityItemForm,
        "back_url": chapter_url(access, 5, anchor("5.3")),
        "title": _("Row of the 5.3 table"),
        "recreate_url": reverse("assessments:item_new", args=[access.assessment.slug]),
    }
    if item is None:
        return row_gone(request, access, **where)
    return edit_row(request, access, instance=item, question=instrument.question("5.3"), **where)


@require_POST
@assessment_view(Role.EDITOR)
def prefill_weighing(request: HttpRequest, access: Access) -> HttpResponse:
    """Add the goals, contributions and risks that are not in the 5.3 table yet."""
    ws = Workspace(access.assessment)
    items = ws.proportionality_items
    have_goals = {i.goal_id for i in items if i.goal_id}
    have_contributions = {i.contribution_id for i in items if i.contribution_id}
    have_risks = {i.risk_id for i in items if i.risk_id}
    order = next_order(access.assessment.proportionality_items.all())
    new: list[ProportionalityItem] = []

    def add(**kwargs) -> None:
        new.append(
            ProportionalityItem(assessment=access.assessment, order=order + len(new), **kwargs)
        )

    have = {"goal": have_goals, "contribution": have_contributions, "risk": have_risks}
    for row in weighing.derive(ws):
        linked = {k: v for k, v in (("goal", row.goal), ("contribution", row.contribution),
                                    ("risk", row.risk)) if v is not None}  # fmt: skip
        if not any(obj.pk in have[kind] for kind, obj in linked.items()):
            add(side=row.side, text=row.text, **linked)
    editing.create_all(new, actor=editing.Actor(request.user), assessment=access.assessment)
    messages.success(request, _("%(count)d rows added to the table.") % {"count": len(new)})
    return redirect(chapter_url(access, 5, anchor("5.3")))


# --- Sources --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    footnotes: str  # the report's footnotes that cite it: "3, 17, 40" (as the PDF's list)
    source: Source
    cited: str  # "cited 3×", or "" when never cited
    accessed: str
    edit_url: str
    delete_url: str
    history_url: str


@assessment_view()
def sources(request: HttpRequest, access: Access) -> HttpResponse:
    """The source list. Rows are prepared here: with hundreds of sources, per-row template
    work (URL reversing, filters, plural forms) would dominate the page's time."""
    ws = Workspace(access.assessment)
    slug = access.assessment.slug
    edit = reverse("assessments:source_edit", args=[slug, 0]).replace("/0/", "/{}/")
    delete = reverse("assessments:delete", args=[slug, "source", 0]).replace("/0/", "/{}/")
    history = reverse("assessments:history", args=[slug]) + "?entity=source&object={}"
    counts = ws.citation_counts
    notes = numbering(ws).by_source
    rows = [
        SourceRow(
            footnotes=", ".join(str(n) for n in notes.get(s.key, ())),
            source=s,
            cited=ngettext("cited %(n)d×", "cited %(n)d×", counts[s.key]) % {"n": counts[s.key]}
            if s.key in counts
            else "",
            accessed=date_format(s.accessed_on) if s.accessed_on else "",
            edit_url=edit.format(s.pk),
            delete_url=delete.format(s.pk),
            history_url=history.format(s.pk),
        )
        for s in ws.sources
    ]
    return render(
        request,
        "assessments/sources.html",
        {
            "access": access,
            "assessment": access.assessment,
            "ws": ws,
            "rows": rows,
            "chapters": instrument.CHAPTERS,
        },
    )


@edit_view
def source_edit(request: HttpRequest, access: Access, pk: int | None = None) -> HttpResponse:
    source = (
        BY_KEY["source"].new(access.assessment)
        if pk is None
        else Source.objects.filter(pk=pk, assessment=access.assessment).first()
    )
    where: dict[str, Any] = {
        "form_class": SourceForm,
        "back_url": reverse("assessments:sources", args=[access.assessment.slug]),
        "title": _("Source"),
        "recreate_url": reverse("assessments:source_new", args=[access.assessment.slug]),
    }
    if source is None:
        return row_gone(request, access, **where)
    return edit_row(request, access, instance=source, **where)


# --- Appendix: right of reply --------------------------------------------------------------------


@assessment_view()
def appendix(request: HttpRequest, access: Access) -> HttpResponse:
    ws = Workspace(access.assessment)
    attachments: dict[int, list[ResponseAttachment]] = {}
    for found in ResponseAttachment.objects.filter(response__assessment=access.assessment):
        attachments.setdefault(found.response_id, []).append(found)
    return render(
        request,
        "assessments/appendix.html",
        {
            "access": access,
            "assessment": access.assessment,
            "ws": ws,
            "chapters": instrument.CHAPTERS,
            "attachments": attachments,
            "invitations": replies.invitations_of(access.assessment) if access.is_owner else [],
            "today": timezone.localdate(),
            "is_editor": access.role.includes(Role.EDITOR),
            "appendix_open": access.is_owner and states.can_add_to_appendix(access.assessment),
        },
    )


@edit_view
def response_edit(request: HttpRequest, access: Access, pk: int | None = None) -> HttpResponse:
    response = (
        BY_KEY["response"].new(access.assessment)
        if pk is None
        else ServiceResponse.objects.filter(pk=pk, assessment=access.assessment).first()
    )
    where: dict[str, Any] = {
        "form_class": ServiceResponseForm,
        "back_url": reverse("assessments:appendix", args=[access.assessment.slug]),
        "title": _("Response of the service and reply"),
        "recreate_url": reverse("assessments:response_new", args=[access.assessment.slug]),
    }
    if response is None:
        return row_gone(request, access, **where)
    if response.is_verbatim:  # the service's own text: shown, not editable; only the reply
        where["title"] = _("Reply to the response of %(who)s") % {"who": response.author}
        where["extra"] = {"verbatim": response}
    return edit_row(request, access, instance=response, **where)


@assessment_view(Role.OWNER, allow_locked=True)
def appendix_add(request: HttpRequest, access: Access, pk: int | None = None) -> HttpResponse:
    """The appendix of a final or published assessment: an owner adds a response of the
    service, or the reply to one, without reopening or unpublishing it; saving records a new
    version (``lifecycle.add_to_appendix``) and the earlier one stays as it was."""
    assessment = access.assessment
    slug = assessment.slug
    if states.is_editable(assessment):  # a draft's appendix is edited as any other part
        name, args = ("response_new", [slug]) if pk is None else ("response_edit", [slug, pk])
        return redirect(reverse(f"assessments:{name}", args=args))
    standing = versions.published_version(assessment)
    if standing is None or not states.can_add_to_appendix(assessment):
        raise PermissionDenied(editing.refusal(assessment))
    response = (
        BY_KEY["response"].new(assessment, version_number=standing.number)
        if pk is None
        else ServiceResponse.objects.filter(pk=pk, assessment=assessment).first()
    )
    where: dict[str, Any] = {
        "form_class": AppendixForm,
        "back_url": reverse("assessments:appendix", args=[slug]),
        "title": _("Add to the appendix of version %(number)s") % {"number": standing.number},
        "recreate_url": reverse("assessments:appendix_add", args=[slug]),
    }
    if response is None:
        return row_gone(request, access, **where)
    public = states.is_public(assessment)
    notice = (
        _(
            "The assessment stays published. Saving records version %(new)s with this "
            "appendix, and the public page shows it; version %(old)s stays available as it was. "
            "The service is told by e-mail if it responded through its link."
        )
        if public
        else _(
            "The assessment stays final. Saving records version %(new)s with this appendix; "
            "version %(old)s stays available as it was. The service is told by e-mail if it "
            "responded through its link."
        )
    ) % {"new": standing.number + 1, "old": standing.number}
    extra: dict[str, Any] = {"appendix_notice": notice}
    if response.pk is not None:
        where["title"] = _("Reply to the response of %(who)s") % {"who": response.author}
        extra["verbatim" if response.is_verbatim else "recorded_response"] = response

    def link_for(version) -> str:
        return request.build_absolute_uri(
            reverse(
                "assessments:public_version",
                args=[assessment.organisation.slug, slug, version.number],
            )
        )

    def write(row, expected: int | None) -> str:
        version = lifecycle.add_to_appendix(
            assessment,
            row,
            actor=editing.Actor(request.user),
            role=access.role,
            expected=expected,
            link_for=link_for,
        )
        if version is None:
            return _("Nothing changed; no new version was recorded.")
        return _(
            "Added to the appendix and recorded as version %(new)s; version %(old)s stays "
            "available."
        ) % {"new": version.number, "old": standing.number}

    return edit_row(request, access, instance=response, extra=extra, write=write, **where)


# --- Delete and reorder, for every kind of row ----------------------------------------------------

# The pages of the parts that are not chapters (``RowKind.chapter``).
PAGES = {"sources": "assessments:sources", "figures": "assessments:figures",
         "appendix": "assessments:appendix",
         "consultations": "assessments:consultations"}  # fmt: skip


def back_url(access: Access, kind: RowKind, row: models.Model) -> str:
    """Where a row is shown: its part's page, at its parent (a measure: its risk) or at the
    question it stands under."""
    if kind.chapter in PAGES:
        return reverse(PAGES[kind.chapter], args=[access.assessment.slug])
    if kind.parent != "assessment":
        place = f"{kind.parent}-{getattr(row, f'{kind.parent}_id')}"
    else:
        place = anchor(kind.question_of(row)) if kind.question_of else ""
    return chapter_url(access, int(kind.chapter), place)


def _row(access: Access, key: str, pk: int) -> tuple[RowKind, models.Model, str]:
    kind = BY_KEY.get(key)
    if kind is None or kind.identity == Identity.QUESTION:  # answers are not deleted
        raise Http404("No such kind of row.")
    obj = get_object_or_404(kind.rows_of(access.assessment), pk=pk)
    return kind, obj, back_url(access, kind, obj)


@assessment_view(Role.EDITOR)
def delete_row(request: HttpRequest, access: Access, kind: str, pk: int) -> HttpResponse:
    row_kind, obj, back = _row(access, kind, pk)
    if isinstance(obj, ServiceResponse) and obj.is_verbatim:
        messages.error(
            request,
            _("A response the service submitted itself stays in the appendix as it was sent."),
        )
        return redirect(back)
    if request.method == "POST":
        try:
            seen = int(request.POST.get("lock_version", ""))
        except ValueError:
            seen = None
        try:
            editing.delete(
                obj, actor=editing.Actor(request.user), expected=seen, assessment=access.assessment
            )
        except EditConflict as conflict:
            if conflict.current is None:
                messages.info(request, _("Someone else deleted it already."))
            else:
                messages.error(
                    request,
                    _(
                        "“%(what)s” was changed by someone else after you opened it; it was not "
                        "deleted. Look at the changes first."
                    )
                    % {"what": conflict.current},
                )
            return redirect(back)
        messages.success(request, _("Deleted: %(what)s") % {"what": obj})
        return redirect(back)
    return render(
        request,
        "assessments/confirm_delete.html",
        {
            "access": access,
            "assessment": access.assessment,
            "object": obj,
            "back_url": back,
            "measure_count": obj.measures.count() if row_kind.key == "risk" else 0,
        },
    )


@require_POST
@assessment_view(Role.EDITOR)
def move_row(request: HttpRequest, access: Access, kind: str, pk: int) -> HttpResponse:
    row_kind, obj, back = _row(access, kind, pk)
    siblings = row_kind.siblings(obj)
    if siblings is None:
        raise Http404("These rows have no order.")
    editing.move(
        obj,
        siblings,
        up=request.POST.get("direction") == "up",
        actor=editing.Actor(request.user),
        assessment=access.assessment,
    )
    return redirect(back)


urlpatterns = [
    path("a/<slug:slug>/goals/new/", goal_edit, name="goal_new"),
    path("a/<slug:slug>/goals/<int:pk>/", goal_edit, name="goal_edit"),
    path("a/<slug:slug>/risks/new/", risk_new, name="risk_new"),
    path("a/<slug:slug>/risks/<int:pk>/", risk_edit, name="risk_edit"),
    path("a/<slug:slug>/risks/<int:pk>/residual/", residual_edit, name="residual_edit"),
    path("a/<slug:slug>/risks/<int:risk_pk>/measures/new/", measure_edit, name="measure_new"),
    path("a/<slug:slug>/risks/<int:risk_pk>/measures/<int:pk>/", measure_edit, name="measure_edit"),
    path("a/<slug:slug>/weighing/new/", item_edit, name="item_new"),
    path("a/<slug:slug>/weighing/<int:pk>/", item_edit, name="item_edit"),
    path("a/<slug:slug>/weighing/prefill/", prefill_weighing, name="prefill_weighing"),
    path("a/<slug:slug>/sources/", sources, name="sources"),
    path("a/<slug:slug>/sources/new/", source_edit, name="source_new"),
    path("a/<slug:slug>/sources/<int:pk>/", source_edit, name="source_edit"),
    path("a/<slug:slug>/appendix/", appendix, name="appendix"),
    path("a/<slug:slug>/appendix/new/", response_edit, name="response_new"),
    path("a/<slug:slug>/appendix/<int:pk>/", response_edit, name="response_edit"),
    path("a/<slug:slug>/appendix/add/", appendix_add, name="appendix_add"),
    path("a/<slug:slug>/appendix/add/<int:pk>/", appendix_add, name="appendix_reply"),
    path("a/<slug:slug>/<str:kind>/<int:pk>/delete/", delete_row, name="delete"),
    path("a/<slug:slug>/<str:kind>/<int:pk>/move/", move_row, name="move"),
]
