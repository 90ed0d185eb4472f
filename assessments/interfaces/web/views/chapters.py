"""The chapter pages of the invuldocument and the free-text answers on them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from assessments.domain import completeness, instrument
from assessments.domain.constants import PrescanOutcome, ProportionalitySide
from assessments.domain.models import Answer, Contribution
from assessments.domain.permissions import Access
from assessments.domain.workspace import Workspace
from assessments.interfaces.forms.assessment import NextReassessmentForm, PrescanForm
from assessments.interfaces.forms.content import AnswerForm, ContributionForm
from assessments.interfaces.templatetags.kia import anchor
from assessments.interfaces.web.views.common import assessment_view, edit_row, edit_view
from assessments.outputs import heatmap


def chapter_url(access: Access, number: int, anchor: str = "") -> str:
    url = reverse("assessments:chapter", args=[access.assessment.slug, number])
    return f"{url}#{anchor}" if anchor else url


@assessment_view()
def chapter(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    if number not in instrument.CHAPTER_BY_NUMBER:
        raise Http404("No such chapter.")
    ws = Workspace(access.assessment)
    context = {
        "access": access,
        "assessment": access.assessment,
        "ws": ws,
        "chapter": instrument.CHAPTER_BY_NUMBER[number],
        "chapters": instrument.CHAPTERS,
        "progress": completeness.check(ws).chapter(number),
    }
    if access.can_edit:
        context["answer_forms"] = {
            key: AnswerForm(
                instance=ws.answers.get(key) or Answer(question=key), auto_id=f"id_{key}_%s"
            )
            for q in context["chapter"].questions
            for key in q.answer_keys
        }
    if number == 1:
        form = PrescanForm(instance=access.assessment)
        context["prescan_form"] = form
        context["prescan_rows"] = [
            (q, form[name], getattr(access.assessment, f"get_{name}_display")())
            for q, name in zip(instrument.PRESCAN_QUESTIONS, PrescanForm.Meta.fields, strict=False)
        ]
        context["outcome"] = access.assessment.prescan_outcome()
        context["STOP"], context["CONTINUE"] = PrescanOutcome.STOP, PrescanOutcome.CONTINUE
    elif number == 3:
        context["heatmap"] = heatmap.build(ws.risks, matrix=ws.matrix)
    elif number == 4:
        context["heatmap"] = heatmap.build(ws.risks, matrix=ws.matrix)
        context["residual_heatmap"] = heatmap.build(ws.risks, matrix=ws.matrix, residual=True)
    elif number == 5:
        items = ws.proportionality_items
        context["organisation_benefits"] = [
            i for i in items if i.side == ProportionalitySide.ORGANISATION_BENEFIT
        ]
        context["child_benefits"] = [
            i for i in items if i.side == ProportionalitySide.CHILD_BENEFIT
        ]
        context["harms"] = [i for i in items if i.side == ProportionalitySide.HARM]
        context["reassessment_form"] = NextReassessmentForm(instance=access.assessment)
    return render(request, f"assessments/chapter_{number}.html", context)


@edit_view
def answer(request: HttpRequest, access: Access, key: str) -> HttpResponse:
    if key not in instrument.ANSWER_KEYS:
        raise Http404("No such question.")
    question_number = key if key in instrument.QUESTION_BY_NUMBER else key.rsplit(".", 1)[0]
    question = instrument.question(question_number)
    instance = Answer.objects.filter(assessment=access.assessment, question=key).first() or Answer(
        assessment=access.assessment, question=key
    )
    part = next((p for p in question.parts if p.number == key), None)
    return edit_row(
        request,
        access,
        form_class=AnswerForm,
        instance=instance,
        back_url=chapter_url(access, question.chapter, anchor(key)),
        title=f"{key} {part.title}" if part else f"{question.number} {question.short or ''}",
        question=question,
    )


@edit_view
def prescan(request: HttpRequest, access: Access) -> HttpResponse:
    before = access.assessment.prescan_outcome()
    response = edit_row(
        request,
        access,
        form_class=PrescanForm,
        instance=access.assessment,
        back_url=chapter_url(access, 1, "outcome"),
        title=str(instrument.CHAPTER_BY_NUMBER[1].title),
    )
    after = access.assessment.prescan_outcome()
    if response.status_code == 302 and after != before and access.assessment.prescan_note.strip():
        messages.warning(
            request,
            _(
                "The outcome of the pre-scan is now “%(outcome)s”. Check whether the notes "
                "on the pre-scan still explain it."
            )
            % {"outcome": after.label},
        )
    return response


@edit_view
def contribution(request: HttpRequest, access: Access, number: str) -> HttpResponse:
    question = instrument.QUESTION_BY_NUMBER.get(number)
    if question is None or question not in instrument.CONTRIBUTION_QUESTIONS:
        raise Http404("No such question.")
    instance = Contribution.objects.filter(
        assessment=access.assessment, question=number
    ).first() or Contribution(assessment=access.assessment, question=number)
    return edit_row(
        request,
        access,
        form_class=ContributionForm,
        instance=instance,
        back_url=chapter_url(access, 2, anchor(number)),
        title=f"{number} {', '.join(str(v.name) for v in question.values)}",
        question=question,
    )


@edit_view
def reassessment(request: HttpRequest, access: Access) -> HttpResponse:
    return edit_row(
        request,
        access,
        form_class=NextReassessmentForm,
        instance=access.assessment,
        back_url=chapter_url(access, 5, anchor("5.6")),
        title=str(instrument.question("5.6").short),
        question=instrument.question("5.6"),
    )


urlpatterns = [
    path("a/<slug:slug>/chapter/<int:number>/", chapter, name="chapter"),
    path("a/<slug:slug>/answer/<str:key>/", answer, name="answer"),
    path("a/<slug:slug>/prescan/", prescan, name="prescan"),
    path("a/<slug:slug>/contribution/<str:number>/", contribution, name="contribution"),
    path("a/<slug:slug>/reassessment/", reassessment, name="reassessment"),
]
