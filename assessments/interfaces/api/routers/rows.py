"""The rows of an assessment: answers and contributions (one per question), and goals,
risks, measures, sources and 5.3 rows (lists). Reads need a member; writes an editor of a
draft, through ``writing`` (the forms' rules) and ``assessments.domain.editing`` (history and the
lock version), with ``If-Match`` (see ``locking``).

The routes of the list kinds are made by ``_register`` from a ``Kind`` each, so every kind
behaves the same. (No ``from __future__ import annotations`` here: ninja reads the body
types of those routes from their annotations.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Status

from assessments.domain import editing, instrument
from assessments.domain.constants import GoalKind, ProportionalitySide, Role
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Goal,
    Measure,
    ProportionalityItem,
    Risk,
    Source,
)
from assessments.interfaces.api import schemas, writing
from assessments.interfaces.api.auth import access
from assessments.interfaces.api.locking import etag_of, expected_version
from assessments.interfaces.forms.content import (
    AnswerForm,
    ContributionForm,
    GoalForm,
    ProportionalityItemForm,
)
from assessments.interfaces.forms.risks import MeasureForm, ResidualRiskForm, RiskForm
from assessments.interfaces.forms.sources import SourceForm

router = Router(tags=["rows"])
WHERE = "/{organisation}/{slug}"


def _tagged(response: HttpResponse, obj: models.Model) -> models.Model:
    response["ETag"] = etag_of(obj)
    return obj


# --- Answers and contributions: one row per question -------------------------------------------


def _one_per_question(
    model: type[models.Model], assessment: Assessment, question: str, known: set[str]
) -> models.Model:
    if question not in known:
        raise Http404("No such question.")
    found = model._default_manager.filter(assessment=assessment, question=question).first()
    return found or model(assessment=assessment, question=question)


ANSWER_KEYS = set(instrument.ANSWER_KEYS)
CONTRIBUTION_KEYS = {q.number for q in instrument.CONTRIBUTION_QUESTIONS}


def _put_question(
    request: HttpRequest,
    response: HttpResponse,
    model: type[models.Model],
    form_class: type[django_forms.ModelForm],
    organisation: str,
    slug: str,
    question: str,
    changes: dict[str, Any],
    known: set[str],
) -> models.Model:
    found = access(request, organisation, slug, Role.EDITOR, write=True)
    row = _one_per_question(model, found.assessment, question, known)
    expected = expected_version(request, row) if row.pk else None
    if row.pk is None and request.headers.get("If-Match", "*").strip() != "*":
        expected_version(request, row)  # an ETag for a row that does not exist: 412
    saved = writing.save(
        row,
        changes,
        [form_class],
        user=request.auth.user,  # type: ignore[attr-defined]
        assessment=found.assessment,
        expected=expected,
    )
    return _tagged(response, saved)


@router.get(WHERE + "/answers", response=list[schemas.AnswerOut], summary="All answers")
def answer_list(request: HttpRequest, organisation: str, slug: str) -> Any:
    return Answer.objects.filter(assessment=access(request, organisation, slug).assessment)


@router.get(WHERE + "/answers/{question}", response=schemas.AnswerOut, summary="One answer")
def answer_detail(
    request: HttpRequest, response: HttpResponse, organisation: str, slug: str, question: str
) -> Any:
    assessment = access(request, organisation, slug).assessment
    row = _one_per_question(Answer, assessment, question, ANSWER_KEYS)
    if row.pk is None:
        raise Http404("Not answered yet.")
    return _tagged(response, row)


@router.put(
    WHERE + "/answers/{question}",
    response=schemas.AnswerOut,
    summary="Write an answer (If-Match with its ETag; none for a first answer)",
)
def answer_put(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    question: str,
    body: schemas.AnswerIn,
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    return _put_question(
        request, response, Answer, AnswerForm, organisation, slug, question, changes,
        ANSWER_KEYS,
    )  # fmt: skip


@router.get(
    WHERE + "/contributions", response=list[schemas.ContributionOut], summary="All contributions"
)
def contribution_list(request: HttpRequest, organisation: str, slug: str) -> Any:
    return Contribution.objects.filter(assessment=access(request, organisation, slug).assessment)


@router.get(
    WHERE + "/contributions/{question}",
    response=schemas.ContributionOut,
    summary="One contribution to wellbeing (2.8-2.14)",
)
def contribution_detail(
    request: HttpRequest, response: HttpResponse, organisation: str, slug: str, question: str
) -> Any:
    assessment = access(request, organisation, slug).assessment
    row = _one_per_question(Contribution, assessment, question, CONTRIBUTION_KEYS)
    if row.pk is None:
        raise Http404("Not answered yet.")
    return _tagged(response, row)


@router.put(
    WHERE + "/contributions/{question}",
    response=schemas.ContributionOut,
    summary="Write a contribution (If-Match with its ETag; none for a first answer)",
)
def contribution_put(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    question: str,
    body: schemas.ContributionIn,
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    return _put_question(
        request, response, Contribution, ContributionForm, organisation, slug, question,
        changes, CONTRIBUTION_KEYS,
    )  # fmt: skip


# --- Lists of rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str  # in the path, plural
    label: str  # in summaries
    model: type[models.Model]
    form_classes: list[type[django_forms.ModelForm]]
    schema_out: Any
    schema_in: Any
    rows: Callable[[Assessment], models.QuerySet[Any]]
    new: Callable[[Assessment], models.Model] | None  # None: made elsewhere (measures)


def _next(rows: models.QuerySet[Any]) -> int:
    return editing.next_order(rows)


def _new_goal(assessment: Assessment) -> Goal:
    has_main = Goal.objects.filter(assessment=assessment, kind=GoalKind.MAIN).exists()
    return Goal(
        assessment=assessment,
        kind=GoalKind.SUB if has_main else GoalKind.MAIN,
        order=_next(assessment.goals.all()),
    )


KINDS = [
    Kind(
        "goals", "goal", Goal, [GoalForm], schemas.GoalOut, schemas.GoalIn,
        lambda a: a.goals.all(), _new_goal,
    ),
    Kind(
        "risks", "risk", Risk, [RiskForm, ResidualRiskForm], schemas.RiskOut,
        schemas.RiskIn, lambda a: a.risks.all(),
        lambda a: Risk(assessment=a, order=_next(a.risks.all())),
    ),
    Kind(
        "measures", "measure", Measure, [MeasureForm], schemas.MeasureOut,
        schemas.MeasureIn, lambda a: Measure.objects.filter(risk__assessment=a),
        None,  # made under its risk (see measure_create)
    ),
    Kind(
        "sources", "source", Source, [SourceForm], schemas.SourceOut, schemas.SourceIn,
        lambda a: a.sources.all(), lambda a: Source(assessment=a),
    ),
    Kind(
        "proportionality-items", "row of the 5.3 table", ProportionalityItem,
        [ProportionalityItemForm], schemas.ItemOut, schemas.ItemIn,
        lambda a: a.proportionality_items.all(),
        lambda a: ProportionalityItem(
            assessment=a, side=ProportionalitySide.HARM,
            order=_next(a.proportionality_items.all()),
        ),
    ),
]  # fmt: skip


def _row(kind: Kind, assessment: Assessment, pk: int) -> models.Model:
    found = kind.rows(assessment).filter(pk=pk).first()
    if found is None:
        raise Http404("No such row.")
    return found


def _register(kind: Kind) -> None:
    key = kind.name.replace("-", "_")
    many = WHERE + f"/{kind.name}"
    one = many + "/{pk}"

    @router.get(
        many,
        response=list[kind.schema_out],  # type: ignore[name-defined]
        summary=f"All {kind.name.replace('-', ' ')}",
        operation_id=f"{key}_list",
        url_name=f"{key}_list",
    )
    def row_list(request: HttpRequest, organisation: str, slug: str) -> Any:
        return kind.rows(access(request, organisation, slug).assessment)

    new = kind.new
    if new is not None:

        @router.post(
            many,
            response={201: kind.schema_out},
            summary=f"Add a {kind.label}",
            operation_id=f"{key}_create",
        )
        def row_create(
            request: HttpRequest,
            response: HttpResponse,
            organisation: str,
            slug: str,
            body: kind.schema_in,  # type: ignore[name-defined]
        ) -> Any:
            found = access(request, organisation, slug, Role.EDITOR, write=True)
            row = writing.save(
                new(found.assessment),
                body.model_dump(exclude_unset=True),
                kind.form_classes,
                user=request.auth.user,  # type: ignore[attr-defined]
                assessment=found.assessment,
                expected=None,
            )
            response["Location"] = f"{request.path.rstrip('/')}/{row.pk}"
            return Status(201, _tagged(response, row))

    @router.get(
        one,
        response=kind.schema_out,
        summary=f"One {kind.label}",
        operation_id=f"{key}_detail",
        url_name=f"{key}_detail",
    )
    def row_detail(
        request: HttpRequest, response: HttpResponse, organisation: str, slug: str, pk: int
    ) -> Any:
        return _tagged(response, _row(kind, access(request, organisation, slug).assessment, pk))

    @router.patch(
        one,
        response=kind.schema_out,
        summary=f"Change a {kind.label} (If-Match with its ETag)",
        operation_id=f"{key}_update",
    )
    def row_update(
        request: HttpRequest,
        response: HttpResponse,
        organisation: str,
        slug: str,
        pk: int,
        body: kind.schema_in,  # type: ignore[name-defined]
    ) -> Any:
        found = access(request, organisation, slug, Role.EDITOR, write=True)
        row = _row(kind, found.assessment, pk)
        expected = expected_version(request, row)
        saved = writing.save(
            row,
            body.model_dump(exclude_unset=True),
            kind.form_classes,
            user=request.auth.user,  # type: ignore[attr-defined]
            assessment=found.assessment,
            expected=expected,
        )
        return _tagged(response, saved)

    @router.delete(
        one,
        response={204: None},
        summary=f"Delete a {kind.label} (If-Match with its ETag)",
        operation_id=f"{key}_delete",
    )
    def row_delete(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
        found = access(request, organisation, slug, Role.EDITOR, write=True)
        row = _row(kind, found.assessment, pk)
        expected = expected_version(request, row)
        editing.delete(
            row,
            actor=writing.actor(request.auth.user),  # type: ignore[attr-defined]
            expected=expected,
            assessment=found.assessment,
        )
        return Status(204, None)


for _kind in KINDS:
    _register(_kind)


def _risk(assessment: Assessment, pk: int) -> Risk:
    found = Risk.objects.filter(assessment=assessment, pk=pk).first()
    if found is None:
        raise Http404("No such risk.")
    return found


@router.get(
    WHERE + "/risks/{pk}/measures",
    response=list[schemas.MeasureOut],
    summary="The measures against one risk",
)
def risk_measures(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
    return Measure.objects.filter(risk=_risk(access(request, organisation, slug).assessment, pk))


@router.post(
    WHERE + "/risks/{pk}/measures",
    response={201: schemas.MeasureOut},
    summary="Add a measure against a risk",
)
def measure_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    pk: int,
    body: schemas.MeasureIn,
) -> Any:
    found = access(request, organisation, slug, Role.EDITOR, write=True)
    risk = _risk(found.assessment, pk)
    measure = writing.save(
        Measure(risk=risk, order=_next(risk.measures.all())),
        body.model_dump(exclude_unset=True),
        [MeasureForm],
        user=request.auth.user,  # type: ignore[attr-defined]
        assessment=found.assessment,
        expected=None,
    )
    response["Location"] = f"{request.path.split('/risks/')[0]}/measures/{measure.pk}"
    return Status(201, _tagged(response, measure))
