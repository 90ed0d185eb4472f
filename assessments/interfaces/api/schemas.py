"""What the API reads and writes, as pydantic schemas (they make the OpenAPI document).

The editable fields of each row are the fields of its web form (``interfaces.forms``): one list,
so the API and the pages accept the same things and validate them the same way.

Fields with fixed choices are ``enum``s in the OpenAPI document, taken from the one place
that defines the choices: the model field's ``choices`` (``with_choices``, for the row
schemas made from models) or the ``TextChoices`` of ``constants`` (``one_of``). The enum is
documentation only: the values are checked where they always were (the web form's fields,
the workflow), so the API's error messages stay those of the pages.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from ninja import ModelSchema, Schema
from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from assessments.domain import scoring
from assessments.domain.constants import (
    AssessmentKind,
    Language,
    MeasureStatus,
    Role,
    VersionReason,
)
from assessments.domain.models import Change, ReportStatus, Risk
from assessments.domain.rowkinds import KINDS, Identity, RowKind
from assessments.domain.states import Status
from assessments.interfaces.forms import editable_fields

# --- Fixed choices as enums -------------------------------------------------------------------


def one_of(values: Iterable[Any], *, blank: bool = False) -> Callable[[dict[str, Any]], None]:
    """``json_schema_extra`` that makes the field's string (also when it may be null) one of
    ``values`` (choices' values, or a ``TextChoices`` class); ``blank`` allows "" too."""

    def extra(schema: dict[str, Any]) -> None:
        allowed = [str(v) for v in values] + ([""] if blank else [])
        for branch in schema.get("anyOf", [schema]):
            if branch.get("type") == "string":
                branch["enum"] = allowed

    return extra


def Choice(values: Iterable[Any], *, blank: bool = False, **kwargs: Any) -> Any:
    """A string field whose value is one of ``values`` in the OpenAPI document."""
    return Field(json_schema_extra=one_of(values, blank=blank), **kwargs)


def dated(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a date that may be null: ``format: date`` stated at the top
    too (beside ``anyOf``), where the NL GOV API Design Rules linter reads it."""
    if any(branch.get("format") == "date" for branch in schema.get("anyOf", [])):
        schema["format"] = "date"


def with_choices(schema: type[Schema], model: type[models.Model]) -> None:
    """Every field of ``schema`` that is a field of ``model`` with ``choices``: an enum; a
    date field that may be null: ``dated``."""
    for name, info in schema.model_fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field) and field.choices:
            codes = [code for code, _label in field.flatchoices]
            info.json_schema_extra = one_of(codes, blank=field.blank)
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            info.json_schema_extra = dated
    schema.model_rebuild(force=True)


# RFC 3339's date-time (the OpenAPI format ``date-time``): a date, a time and an offset.
RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _rfc3339(value: Any) -> Any:
    """Only an RFC 3339 date-time: pydantic alone also takes a number (seconds since 1970)
    and a date-time without an offset, which the document's ``date-time`` does not."""
    if isinstance(value, str) and not RFC3339.fullmatch(value):
        raise PydanticCustomError(
            "datetime_parsing", "Input should be an RFC 3339 date-time, with its offset"
        )
    return value


Timestamp = Annotated[datetime.datetime, BeforeValidator(_rfc3339)]


# --- Errors and pages ---------------------------------------------------------------------------


class InvalidParam(Schema):
    name: str
    code: str
    reason: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    invalid_params: list[InvalidParam] | None = Field(default=None, alias="invalid-params")


class Link(Schema):
    href: str


class PageLinks(Schema):
    model_config = ConfigDict(populate_by_name=True)

    self_link: Link = Field(alias="self")
    first: Link
    last: Link
    prev: Link | None = None
    next: Link | None = None


class PageMeta(Schema):
    page: int
    pageSize: int
    total: int
    links: PageLinks = Field(alias="_links")


# --- Organisations and assessments --------------------------------------------------------------


class OrganisationOut(Schema):
    slug: str
    name: str
    role: Annotated[str, Choice(Role)]


class AssessmentOut(Schema):
    organisation: str
    slug: str
    title: str
    kind: Annotated[str, Choice(AssessmentKind)]
    status: Annotated[str, Choice(Status)]
    service_name: str
    service_provider: str
    language: Annotated[str, Choice(Language)]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    links: dict[str, Link] = Field(alias="_links")


class AssessmentPage(PageMeta):
    items: list[AssessmentOut]


class ImportedOut(Schema):
    assessment: AssessmentOut
    notices: list[str]


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)
    reviewers: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="submit: user names of the members asked to review (at least one).",
    )
    attested: bool = Field(
        default=False,
        description="finalise: the owner signs off with the organisation's attestation.",
    )


class TransitionOut(Schema):
    transition: str
    status: Annotated[str, Choice(Status)]
    message: str
    version: int | None = None


# --- History, versions, comparison, reports ------------------------------------------------------


class VersionOut(Schema):
    number: int
    name: str
    description: str
    reason: Annotated[str, Choice(VersionReason)]
    status: Annotated[str, Choice(Status)]
    content_hash: str
    created_at: datetime.datetime
    created_by_name: str
    links: dict[str, Link] = Field(alias="_links")


class VersionDocumentOut(VersionOut):
    document: dict[str, Any]


class FieldChangeOut(Schema):
    label: str
    old: str
    new: str


class RowChangeOut(Schema):
    kind: str
    label: str
    fields: list[FieldChangeOut]
    scores: list[str] | None = None


class SectionChangeOut(Schema):
    key: str
    title: str
    unchanged: int
    counts: dict[str, int]
    rows: list[RowChangeOut]


class ComparisonOut(Schema):
    old: str
    new: str
    has_changes: bool
    sections: list[SectionChangeOut]


class ReportOut(Schema):
    status: Annotated[str, Choice([*ReportStatus, "none"])]
    ready: bool
    pages: int | None = None
    size: int | None = None
    links: dict[str, Link] = Field(alias="_links")


class ScoreOut(Schema):
    state: Annotated[str, Choice(scoring.ScoreState)]
    value: int | None = None
    level: str | None = None
    label: str


def _category_codes() -> list[str]:
    return [code for code, _label in Risk._meta.get_field("category").flatchoices]


class RegisterMeasureOut(Schema):
    id: int
    title: str
    status: Annotated[str, Choice(MeasureStatus)]
    owner: str
    due_date: datetime.date | None = Field(default=None, json_schema_extra=dated)


class RegisterRiskOut(Schema):
    id: int
    label: str
    category: Annotated[str, Choice(_category_codes())]
    category_number: str
    topic: str
    likelihood: Annotated[str, Choice(scoring.Score, blank=True)]
    impact: Annotated[str, Choice(scoring.Score, blank=True)]
    gross: ScoreOut
    residual_likelihood: Annotated[str, Choice(scoring.Score, blank=True)]
    residual_impact: Annotated[str, Choice(scoring.Score, blank=True)]
    residual: ScoreOut
    residual_description: str
    measures: list[RegisterMeasureOut]


# --- Rows --------------------------------------------------------------------------------------

READ_ONLY = ["id", "lock_version", "updated_at"]


class RiskScores(Schema):
    """What a risk adds to its fields: its gross and residual score."""

    gross: ScoreOut
    residual: ScoreOut

    @staticmethod
    def resolve_gross(obj: Risk) -> dict[str, Any]:
        return score_of(obj.gross_score)

    @staticmethod
    def resolve_residual(obj: Risk) -> dict[str, Any]:
        return score_of(obj.residual_score)


# Fields a kind's answers show besides its own (by the kind's key).
_EXTRA_OUT: dict[str, tuple[type[Schema], ...]] = {"risk": (RiskScores,)}


def _model_schema(
    name: str,
    model: type[models.Model],
    fields: list[str],
    *,
    extra: tuple[type, ...] = (),
    writing: bool,
) -> type[ModelSchema]:
    meta: dict[str, Any] = {"model": model, "fields": fields}
    attrs: dict[str, Any] = {"__module__": __name__, "__qualname__": name}
    if writing:
        meta["fields_optional"] = "__all__"
        attrs["model_config"] = ConfigDict(extra="forbid")
    # As if written in the class body (pydantic leaves such a nested class alone).
    attrs["Meta"] = type(
        "Meta", (), {**meta, "__module__": __name__, "__qualname__": f"{name}.Meta"}
    )
    schema = type(name, (ModelSchema, *extra), attrs)
    with_choices(schema, model)
    return schema


@dataclass(frozen=True)
class RowSchemas:
    """What the API answers with (``out``) and accepts (``into``, every field optional:
    a body names what it changes) for one kind of row."""

    out: type[ModelSchema]
    into: type[ModelSchema]


def _row_schemas(kind: RowKind) -> RowSchemas:
    editable = editable_fields(kind.key)
    shown = [
        *(["question"] if kind.identity == Identity.QUESTION else []),
        *READ_ONLY,
        *([kind.parent] if kind.parent != "assessment" else []),
        *editable,
        *(["order"] if kind.ordered else []),
    ]
    prefix = kind.key.capitalize()
    return RowSchemas(
        out=_model_schema(
            f"{prefix}Out", kind.model, shown, extra=_EXTRA_OUT.get(kind.key, ()), writing=False
        ),
        into=_model_schema(f"{prefix}In", kind.model, editable, writing=True),
    )  # fmt: skip


# Model schemas take their titles from the models' verbose names when the class is made:
# in English, so the OpenAPI document does not depend on the language of the request that
# happened to load it first.
with translation.override("en"):

    class ChangeOut(ModelSchema):
        old: Any = Field(default=None, description="The value before (any JSON value).")
        new: Any = Field(default=None, description="The value after (any JSON value).")

        class Meta:
            model = Change
            fields = [
                "id",
                "batch",
                "at",
                "user_name",
                "via",
                "action",
                "entity",
                "object_id",
                "object_label",
                "chapter",
                "field",
            ]

    class ChangePage(PageMeta):
        items: list[ChangeOut]

    # The row kinds the API serves (``RowKind.api_name``), by the kind's key.
    ROWS: dict[str, RowSchemas] = {
        kind.key: _row_schemas(kind) for kind in KINDS if kind.api_name is not None
    }


with_choices(ChangeOut, Change)
ChangePage.model_rebuild(force=True)


def score_of(score: scoring.RiskScore) -> dict[str, Any]:
    return {
        "state": str(score.state),
        "value": score.value,
        "level": score.level.key if score.level is not None else None,
        "label": score.label,
    }
