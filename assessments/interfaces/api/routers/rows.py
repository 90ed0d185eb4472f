"""The rows of an assessment: one collection per kind of row that the API serves
(``domain.rowkinds``, ``RowKind.api_name``). Kinds with one row per question (answers and
contributions) are read and written by the question's number; the others are listed, added,
read, changed and deleted by id. Reads need a member; writes an editor of a draft, validated
by the kind's forms (``interfaces.forms.ROW_FORMS``, through ``writing``) and written by
``domain.editing`` (history and the lock version), with ``If-Match`` (see ``locking``).

Every route is made from the registry, so every kind behaves the same. (No
``from __future__ import annotations`` here: ninja reads the body types of the routes from
their annotations.)
"""

from typing import Any

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import Router, Status

from assessments.domain import editing
from assessments.domain.constants import Role
from assessments.domain.models import Assessment, Consultation, ConsultationFinding, Measure, Risk
from assessments.domain.rowkinds import BY_KEY, KINDS, Identity, RowKind
from assessments.interfaces.api import schemas, writing
from assessments.interfaces.api.auth import access
from assessments.interfaces.api.locking import etag_of, expected_version
from assessments.interfaces.forms import ROW_FORMS

router = Router(tags=["rows"])
WHERE = "/{organisation}/{slug}"


def _tagged(response: HttpResponse, obj: models.Model) -> models.Model:
    response["ETag"] = etag_of(obj)
    return obj


def _changes(body: Any) -> dict[str, Any]:
    """The fields a body names (the others keep their stored value)."""
    return dict(body.model_dump(exclude_unset=True))


def _questions(kind: RowKind) -> set[str]:
    """The questions a kind of one row per question answers (its field's choices)."""
    field = kind.model._meta.get_field("question")
    return {str(code) for code, _label in field.flatchoices}


# --- One row per question: answers, contributions -----------------------------------------------


def _english(text: Any) -> str:
    with translation.override("en"):  # the OpenAPI document is in English
        return str(text)


def _register_per_question(kind: RowKind, path: str) -> None:
    out, into = schemas.ROWS[kind.key].out, schemas.ROWS[kind.key].into
    known = _questions(kind)
    label = _english(kind.label)

    def one(assessment: Assessment, question: str) -> models.Model:
        if question not in known:
            raise Http404("No such question.")
        found = kind.rows_of(assessment).filter(question=question).first()
        return found or kind.new(assessment, question=question)

    def row_list(request: HttpRequest, organisation: str, slug: str) -> Any:
        return kind.rows_of(access(request, organisation, slug).assessment)

    def row_detail(
        request: HttpRequest, response: HttpResponse, organisation: str, slug: str, question: str
    ) -> Any:
        row = one(access(request, organisation, slug).assessment, question)
        if row.pk is None:
            raise Http404("Not answered yet.")
        return _tagged(response, row)

    def row_put(
        request: HttpRequest,
        response: HttpResponse,
        organisation: str,
        slug: str,
        question: str,
        body: into,  # type: ignore[valid-type]
    ) -> Any:
        found = access(request, organisation, slug, Role.EDITOR, write=True)
        row = one(found.assessment, question)
        expected = expected_version(request, row) if row.pk else None
        if row.pk is None and request.headers.get("If-Match", "*").strip() != "*":
            expected_version(request, row)  # an ETag for a row that does not exist: 412
        saved = writing.save(
            row,
            _changes(body),
            ROW_FORMS[kind.key],
            user=request.auth.user,  # type: ignore[attr-defined]
            assessment=found.assessment,
            expected=expected,
        )
        return _tagged(response, saved)

    # Named before they are routed: the operation ids are the views' names (``main.KiaAPI``).
    row_list.__name__, row_detail.__name__, row_put.__name__ = (
        f"{kind.key}_{name}" for name in ("list", "detail", "put")
    )
    one_row = WHERE + f"/{path}/{{question}}"
    router.get(WHERE + f"/{path}", response=list[out], summary=f"All {path}")(row_list)  # type: ignore[valid-type]
    router.get(one_row, response=out, summary=f"One {label}")(row_detail)
    article = "an" if label[0] in "aeiou" else "a"
    summary = f"Write {article} {label} (If-Match with its ETag; none for a first answer)"
    router.put(one_row, response=out, summary=summary)(row_put)


# --- Lists of rows -----------------------------------------------------------------------------


def _row(kind: RowKind, assessment: Assessment, pk: int) -> models.Model:
    found = kind.rows_of(assessment).filter(pk=pk).first()
    if found is None:
        raise Http404("No such row.")
    return found


def _register_list(kind: RowKind, path: str) -> None:
    out, into = schemas.ROWS[kind.key].out, schemas.ROWS[kind.key].into
    key = path.replace("-", "_")
    many = WHERE + f"/{path}"
    one = many + "/{pk}"
    label = _english(kind.label)

    @router.get(
        many,
        response=list[out],  # type: ignore[valid-type]
        summary=f"All {path.replace('-', ' ')}",
        operation_id=f"{key}_list",
        url_name=f"{key}_list",
    )
    def row_list(request: HttpRequest, organisation: str, slug: str) -> Any:
        return kind.rows_of(access(request, organisation, slug).assessment)

    if kind.parent == "assessment":  # a measure is added under its risk (see below)

        @router.post(
            many,
            response={201: out},
            summary=f"Add a {label}",
            operation_id=f"{key}_create",
        )
        def row_create(
            request: HttpRequest,
            response: HttpResponse,
            organisation: str,
            slug: str,
            body: into,  # type: ignore[valid-type]
        ) -> Any:
            found = access(request, organisation, slug, Role.EDITOR, write=True)
            collection = request.path.rstrip("/")
            return _create(
                request, response, kind, found.assessment, found.assessment, collection, body
            )

    @router.get(
        one,
        response=out,
        summary=f"One {label}",
        operation_id=f"{key}_detail",
        url_name=f"{key}_detail",
    )
    def row_detail(
        request: HttpRequest, response: HttpResponse, organisation: str, slug: str, pk: int
    ) -> Any:
        return _tagged(response, _row(kind, access(request, organisation, slug).assessment, pk))

    @router.patch(
        one,
        response=out,
        summary=f"Change a {label} (If-Match with its ETag)",
        operation_id=f"{key}_update",
    )
    def row_update(
        request: HttpRequest,
        response: HttpResponse,
        organisation: str,
        slug: str,
        pk: int,
        body: into,  # type: ignore[valid-type]
    ) -> Any:
        found = access(request, organisation, slug, Role.EDITOR, write=True)
        row = _row(kind, found.assessment, pk)
        expected = expected_version(request, row)
        saved = writing.save(
            row,
            _changes(body),
            ROW_FORMS[kind.key],
            user=request.auth.user,  # type: ignore[attr-defined]
            assessment=found.assessment,
            expected=expected,
        )
        return _tagged(response, saved)

    @router.delete(
        one,
        response={204: None},
        summary=f"Delete a {label} (If-Match with its ETag)",
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


def _create(
    request: HttpRequest,
    response: HttpResponse,
    kind: RowKind,
    parent: models.Model,
    assessment: Assessment,
    collection: str,
    body: Any,
) -> Any:
    """Add a row of ``kind`` under ``parent`` (of ``assessment``); it is found at
    ``collection``/<id>."""
    row = writing.save(
        kind.new(parent),
        _changes(body),
        ROW_FORMS[kind.key],
        user=request.auth.user,  # type: ignore[attr-defined]
        assessment=assessment,
        expected=None,
    )
    response["Location"] = f"{collection}/{row.pk}"
    return Status(201, _tagged(response, row))


for _kind in KINDS:
    if _kind.api_name is None:
        continue
    if _kind.identity == Identity.QUESTION:
        _register_per_question(_kind, _kind.api_name)
    else:
        _register_list(_kind, _kind.api_name)


# --- Measures under their risk -------------------------------------------------------------------

MeasureOut, MeasureIn = schemas.ROWS["measure"].out, schemas.ROWS["measure"].into


def _risk(assessment: Assessment, pk: int) -> Risk:
    found = Risk.objects.filter(assessment=assessment, pk=pk).first()
    if found is None:
        raise Http404("No such risk.")
    return found


@router.get(
    WHERE + "/risks/{pk}/measures",
    response=list[MeasureOut],  # type: ignore[valid-type]
    summary="The measures against one risk",
)
def risk_measures(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
    return Measure.objects.filter(risk=_risk(access(request, organisation, slug).assessment, pk))


@router.post(
    WHERE + "/risks/{pk}/measures",
    response={201: MeasureOut},
    summary="Add a measure against a risk",
)
def measure_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    pk: int,
    body: MeasureIn,  # type: ignore[valid-type]
) -> Any:
    found = access(request, organisation, slug, Role.EDITOR, write=True)
    risk = _risk(found.assessment, pk)
    collection = request.path.split("/risks/")[0] + "/measures"
    return _create(request, response, BY_KEY["measure"], risk, found.assessment, collection, body)


# --- Findings under their consultation (issue 20) ----------------------------------------------

FindingOut, FindingIn = schemas.ROWS["finding"].out, schemas.ROWS["finding"].into


def _consultation(assessment: Assessment, pk: int) -> Consultation:
    found = Consultation.objects.filter(assessment=assessment, pk=pk).first()
    if found is None:
        raise Http404("No such consultation.")
    return found


@router.get(
    WHERE + "/consultations/{pk}/findings",
    response=list[FindingOut],  # type: ignore[valid-type]
    summary="The findings of one consultation of children",
)
def consultation_findings(request: HttpRequest, organisation: str, slug: str, pk: int) -> Any:
    assessment = access(request, organisation, slug).assessment
    return ConsultationFinding.objects.filter(consultation=_consultation(assessment, pk))


@router.post(
    WHERE + "/consultations/{pk}/findings",
    response={201: FindingOut},
    summary="Add a finding to a consultation of children",
)
def finding_create(
    request: HttpRequest,
    response: HttpResponse,
    organisation: str,
    slug: str,
    pk: int,
    body: FindingIn,  # type: ignore[valid-type]
) -> Any:
    found = access(request, organisation, slug, Role.EDITOR, write=True)
    consultation = _consultation(found.assessment, pk)
    collection = request.path.split("/consultations/")[0] + "/consultation-findings"
    kind = BY_KEY["finding"]
    return _create(request, response, kind, consultation, found.assessment, collection, body)
