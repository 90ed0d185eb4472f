"""Where a JSON path of an exchange document is, in the words of the app.

``$.risks[1].likelihood.score`` is "Risk R2, likelihood" (risks numbered as the app numbers
them: by category, then order); ``$.measures[4]`` is "Measure 2 of risk R1";
``$.answers['2.4']`` is "Question 2.4"; ``$.sources[11]`` is "Source [12]" (sources are
numbered by key, as on the sources page). Field names are the models' own labels, and a
field with choices lends its choices' labels to messages about its values.

Every key of the schema has a label here (``tests/test_exchange_messages.py`` walks the
schema), so a new field cannot be added to the format without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.domain import instrument
from assessments.domain.exchange.errors import (
    MAX_DESCRIBED,
    Described,
    InvalidAssessment,
    Problem,
    path_parts,
)
from assessments.domain.models import (
    Assessment,
    Consultation,
    ConsultationFinding,
    Contribution,
    CoverageExclusion,
    Figure,
    Goal,
    LibraryLink,
    Measure,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)

Label = str | Promise
Parts = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldInfo:
    label: Label
    field: models.Field | None = None  # the model field, for its choices

    def choice_label(self, value: Any) -> Label | None:
        """The translated label of ``value`` among the field's choices, if it has one."""
        if self.field is None or not self.field.choices or not isinstance(value, str):
            return None
        return dict(self.field.get_choices(include_blank=False)).get(value)


def _of(model: type[models.Model], name: str, label: Label | None = None) -> FieldInfo:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return FieldInfo(label or field.verbose_name, field)


_ID = FieldInfo(gettext_lazy("id in the file"))


def _same_names(model: type[models.Model], *names: str) -> dict[Parts, FieldInfo]:
    fields: dict[Parts, FieldInfo] = {(name,): _of(model, name) for name in names}
    return fields


# Where a risk's fields stand below the risk in the document (the reader writes them there).
RISK_FIELDS = {  # model field -> path below the risk
    "likelihood": ("likelihood", "score"),
    "likelihood_justification": ("likelihood", "justification"),
    "likelihood_reason": ("likelihood", "reason"),
    "impact": ("impact", "score"),
    "impact_justification": ("impact", "justification"),
    "impact_reason": ("impact", "reason"),
    "residual_description": ("residual", "description"),
    "residual_likelihood": ("residual", "likelihood", "score"),
    "residual_likelihood_reason": ("residual", "likelihood", "reason"),
    "residual_impact": ("residual", "impact", "score"),
    "residual_impact_reason": ("residual", "impact", "reason"),
}


def _risk_fields() -> dict[Parts, FieldInfo]:
    fields = {
        ("id",): _ID,
        **_same_names(Risk, "category", "topic", "description", "raised_in"),
        ("residual",): _of(Risk, "residual_description"),
    }
    for name, below in RISK_FIELDS.items():
        fields[below] = _of(Risk, name)
        if below[-1] == "score":  # the object holding the score is named after it
            fields[below[:-1]] = _of(Risk, name)
    return fields


_CONSULTATION: set[str] = {f.name for f in Consultation._meta.concrete_fields} - {
    "id", "assessment", "order", "created_at", "updated_at", "updated_by", "lock_version"
}  # fmt: skip
_FINDING: set[str] = {f.name for f in ConsultationFinding._meta.concrete_fields} - {
    "id", "order", "created_at", "updated_at", "updated_by", "lock_version"
}  # fmt: skip


# Fields below one item of each list, by their path below the item.
_ITEM_FIELDS: dict[str, Callable[[], dict[Parts, FieldInfo]]] = {
    "goals": lambda: {
        ("id",): _ID,
        **_same_names(
            Goal, "kind", "title", "description", "effectiveness", "achievement", "subsidiarity"
        ),
    },
    "risks": _risk_fields,
    "measures": lambda: {
        ("id",): _ID,
        ("risk",): _of(Measure, "risk", gettext_lazy("risk")),  # its verbose name is untranslated
        **_same_names(
            Measure, "title", "description", "status", "status_reason", "owner", "due_date"
        ),
    },
    "proportionality": lambda: _same_names(
        ProportionalityItem, "side", "text", "goal", "contribution", "risk"
    ),
    "sources": lambda: _same_names(Source, "key", "citation", "url", "accessed_on", "note"),
    "responses": lambda: _same_names(
        ServiceResponse,
        "author",
        "received_on",
        "text",
        "reply",
        "reply_author",
        "replied_on",
        "version_number",
        "submitted_by_service",
    ),
    "figures": lambda: _same_names(
        Figure,
        "key",
        "caption",
        "alt_text",
        "source",
        "source_text",
        "source_url",
        "image",
        "width",
        "height",
    ),
    "library_links": lambda: _same_names(
        LibraryLink, "item", "item_version", "goal", "contribution", "risk", "measure", "note"
    ),
    "exclusions": lambda: _same_names(CoverageExclusion, "item", "reason"),
    "consultations": lambda: {
        ("id",): _ID,
        **_same_names(
            Consultation,
            *(f.name for f in Consultation._meta.concrete_fields if f.name in _CONSULTATION),
        ),
        **{
            below: _of(Consultation, "questions")
            for below in (
                ("questions", 0),
                ("questions", 0, "text"),
                ("questions", 0, "informs"),
                ("questions", 0, "informs", 0),
            )
        },
    },
    "consultation_findings": lambda: {
        **_same_names(
            ConsultationFinding,
            *(f.name for f in ConsultationFinding._meta.concrete_fields if f.name in _FINDING),
        ),
        ("library_items", 0): _of(ConsultationFinding, "library_items"),
    },
}
_ASSESSMENT_FIELDS = (
    "title",
    "slug",
    "kind",
    "service_name",
    "service_provider",
    "assessor",
    "commissioner",
    "period_start",
    "period_end",
    "service_cooperated",
    "cooperation_note",
    "language",
    "status",
    "reading_guide",
    "disclaimers",
    "limitations",
    "next_reassessment_on",
    "report_instrument_texts",
    "no_consultation_reason",
    "child_summary",
)
# The document's parts, in the order of FORMAT.md (which is the order problems are listed in).
_PARTS: dict[str, Label] = {
    "format": gettext_lazy("format of the file"),
    "version": gettext_lazy("version of the format"),
    "exported_at": gettext_lazy("time of export"),
    "assessment": gettext_lazy("General information"),
    "prescan": gettext_lazy("Pre-scan"),
    "answers": gettext_lazy("Answers"),
    "goals": gettext_lazy("Goals"),
    "contributions": gettext_lazy("Contributions to wellbeing (2.8–2.14)"),
    "risks": gettext_lazy("Risks"),
    "measures": gettext_lazy("Measures (4.1)"),
    "proportionality": gettext_lazy("Benefits and harms (5.3)"),
    "sources": gettext_lazy("Sources"),
    "responses": gettext_lazy("Responses of the service"),
    "figures": gettext_lazy("Figures"),
    "library_links": gettext_lazy("Links to the children's rights library"),
    "exclusions": gettext_lazy("Library items marked not relevant"),
    "library": gettext_lazy("Versions of the library"),
    "consultations": gettext_lazy("Consultations of children"),
    "consultation_findings": gettext_lazy("Findings of consultations"),
}
_PART_RANK = {name: rank for rank, name in enumerate(_PARTS)}
_QUESTION_RANK = {q.number: rank for rank, q in enumerate(instrument.QUESTIONS)}
_ANSWER_RANK = {key: rank for rank, key in enumerate(instrument.ANSWER_KEYS)}
_CATEGORY_RANK = {c.key: rank for rank, c in enumerate(instrument.RISK_CATEGORIES)}
_CONTRIBUTIONS = {q.number for q in instrument.CONTRIBUTION_QUESTIONS}
_LAST = 10**9  # rank of what has no place of its own (unknown keys)


@dataclass(frozen=True)
class Place:
    label: Label
    order: tuple[int, ...]  # sorts places as the app shows them
    field: FieldInfo | None = None  # the field the path ends at, if it is a field
    known: bool = True  # False when the path goes below what the format knows


@cache  # the labels are lazy: they follow the language when shown
def _fields(part: str) -> dict[Parts, FieldInfo]:
    if part == "assessment":
        return _same_names(Assessment, *_ASSESSMENT_FIELDS)
    if part == "contributions":
        return _same_names(Contribution, "text", "summary")
    return _ITEM_FIELDS[part]()


def _joined(item: Label, field: FieldInfo | None) -> str:
    return f"{item}, {field.label}" if field else str(item)


def _field_place(
    item: Label, order: tuple[int, ...], part: str, below: Parts, *, known: bool = True
) -> Place:
    """``item`` ("Risk R2") with the field at ``below`` ("likelihood", "score")."""
    fields = _fields(part)
    if not below:
        return Place(str(item), order, known=known)
    for length in range(len(below), 0, -1):  # the longest known path above ``below``
        field = fields.get(below[:length])
        if field is not None:
            rank = list(fields).index(below[:length])
            return Place(
                _joined(item, field), (*order, rank), field, known and length == len(below)
            )
    return Place(str(item), (*order, _LAST), known=False)


def _rows(document: Any, part: str) -> list[Any]:
    rows = document.get(part) if isinstance(document, dict) else None
    return rows if isinstance(rows, list) else []


def _get(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, dict) else None


def _rank(keys: list[tuple]) -> list[int]:
    """The 1-based position of each item once ``keys`` are sorted."""
    positions = sorted(range(len(keys)), key=lambda index: keys[index])
    ranks = [0] * len(keys)
    for position, index in enumerate(positions, start=1):
        ranks[index] = position
    return ranks


class Numbering:
    """How the app numbers the rows of one document: risks R1, R2, … by category, goals
    main goal first, sources by key, measures within their risk. Worked out once per
    document, so naming the places of thousands of problems stays quick."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def rows(self, part: str) -> list[Any]:
        return _rows(self.document, part)

    @cached_property
    def risks(self) -> list[int]:
        risks = self.rows("risks")
        return _rank(
            [
                (_CATEGORY_RANK.get(str(_get(risk, "category")), 99), i)
                for i, risk in enumerate(risks)
            ]
        )

    @cached_property
    def goals(self) -> list[int]:
        return _rank([(str(_get(goal, "kind")), i) for i, goal in enumerate(self.rows("goals"))])

    @cached_property
    def sources(self) -> list[int]:
        return _rank([(str(_get(row, "key")), i) for i, row in enumerate(self.rows("sources"))])

    @cached_property
    def risk_by_id(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, risk in enumerate(self.rows("risks")):
            if isinstance(_get(risk, "id"), str):
                found.setdefault(risk["id"], index)
        return found

    @cached_property
    def measures(self) -> list[tuple[int, int] | None]:
        """(risk number, number within the risk) of each measure; None if its risk is not
        in the document."""
        seen: dict[str, int] = {}
        numbers: list[tuple[int, int] | None] = []
        for measure in self.rows("measures"):
            risk_id = _get(measure, "risk")
            risk = self.risk_by_id.get(risk_id) if isinstance(risk_id, str) else None
            if risk is None:
                numbers.append(None)
                continue
            seen[risk_id] = seen.get(risk_id, 0) + 1
            numbers.append((self.risks[risk], seen[risk_id]))
        return numbers


def _item(part: str, index: int, numbering: Numbering) -> tuple[Label, tuple[int, ...]]:
    """The name of item ``index`` of list ``part`` and its place in the app's order."""
    known = index < len(numbering.rows(part))
    number = index + 1
    if part == "risks":
        number = numbering.risks[index] if known else number
        return _("Risk R%(number)d") % {"number": number}, (number,)
    if part == "measures":
        within = numbering.measures[index] if known else None
        if within is None:
            return _("Measure %(number)d") % {"number": number}, (_LAST, number)
        label = _("Measure %(number)d of risk R%(risk)d") % {
            "number": within[1],
            "risk": within[0],
        }
        return label, within
    if part == "goals":  # the main goal first, as in the app
        number = numbering.goals[index] if known else number
        return _("Goal %(number)d") % {"number": number}, (number,)
    if part == "sources":  # sources are listed by key
        number = numbering.sources[index] if known else number
        return _("Source [%(number)d]") % {"number": number}, (number,)
    if part == "proportionality":
        return _("Row %(number)d of the 5.3 table") % {"number": number}, (number,)
    if part == "figures":
        return _("Figure %(number)d") % {"number": number}, (number,)
    if part == "library_links":
        return _("Link %(number)d to the library") % {"number": number}, (number,)
    if part == "exclusions":
        return _("Item %(number)d marked not relevant") % {"number": number}, (number,)
    if part == "consultations":
        return _("Consultation %(number)d") % {"number": number}, (number,)
    if part == "consultation_findings":
        return _("Finding %(number)d") % {"number": number}, (number,)
    return _("Response %(number)d") % {"number": number}, (number,)


def _question(number: str) -> str:
    return _("Question %(number)s") % {"number": number}


def place(parts: Parts, document: Any = None) -> Place:
    """Where ``parts`` (``("risks", 1, "likelihood", "score")``) is, in the app's words.
    ``document`` (or its ``Numbering``) tells which risk is R2; without it, rows are
    numbered by their position."""
    if not parts:
        return Place(_("The file"), (-1,))
    part, below = parts[0], parts[1:]
    if not isinstance(part, str) or part not in _PARTS:
        return Place(_("The file"), (-1,), known=False)
    rank = (_PART_RANK[part],)
    if part in ("format", "version", "exported_at"):
        return Place(str(_PARTS[part]).capitalize(), rank, known=not below)
    if not below:
        return Place(str(_PARTS[part]), rank)
    key, rest = below[0], below[1:]
    if part == "library":  # a file's short name and its version
        return Place(f"{_PARTS[part]}: {key}", rank, known=not rest)
    if part == "assessment":
        return _field_place(_PARTS[part], rank, part, below)
    if part == "prescan":
        if key in instrument.PRESCAN_FIELDS:
            field = _of(Assessment, instrument.PRESCAN_FIELDS[key])
            return Place(_question(key), (*rank, _QUESTION_RANK[key]), field, known=not rest)
        if key == "note":
            field = _of(Assessment, "prescan_note")
            return Place(_joined(_PARTS[part], field), (*rank, _LAST - 1), field, not rest)
        return Place(str(_PARTS[part]), (*rank, _LAST), known=False)
    if part == "answers":
        if key in _ANSWER_RANK:
            return Place(_question(str(key)), (*rank, _ANSWER_RANK[key]), known=not rest)
        return Place(str(_PARTS[part]), (*rank, _LAST), known=False)
    if part == "contributions":
        if key in _CONTRIBUTIONS:
            return _field_place(_question(str(key)), (*rank, _QUESTION_RANK[str(key)]), part, rest)
        return Place(str(_PARTS[part]), (*rank, _LAST), known=False)
    if not isinstance(key, int):
        return Place(str(_PARTS[part]), (*rank, _LAST), known=False)
    numbering = document if isinstance(document, Numbering) else Numbering(document)
    item, order = _item(part, key, numbering)
    return _field_place(item, (*rank, *order), part, rest)


def _label(parts: Parts, document: Any) -> str:
    return str(place(parts, document).label)


# ``place(parts, document).label``, worked out in the language active when it is shown.
place_label = lazy(_label, str)


def describe(
    errors: InvalidAssessment | Iterable[Problem],
    language: str | None = None,
    *,
    document: Any = None,
    limit: int | None = MAX_DESCRIBED,
) -> list[Described]:
    """The problems in ``language`` (default: the active one), ordered by their place in the
    app (cover page, pre-scan, answers, …, risks by number) and at most ``limit`` of them:
    ``[{"path": "$.risks[1].likelihood.score", "location": "Risico R2, kans",
    "message": "…"}]``. This is what the import page, ``kia_import`` and the API show."""
    if isinstance(errors, InvalidAssessment):
        document = errors.document if document is None else document
        problems = errors.problems
    else:
        problems = list(errors)
    numbering = Numbering(document)
    with translation.override(language or translation.get_language()):
        placed = [(place(path_parts(path), numbering), path, message) for path, message in problems]
        placed.sort(key=lambda item: item[0].order)
        return [
            {"path": path or "$", "location": str(where.label), "message": str(message)}
            for where, path, message in placed[:limit]
        ]
