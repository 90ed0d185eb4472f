"""The kinds of rows an assessment is made of, described once.

An assessment (``models.Assessment``: its front matter, the pre-scan and a few single
answers) has rows of several kinds: answers and contributions (one per question), goals,
risks with their measures, rows of the 5.3 table, sources, figures and the service's
responses. Each kind is one ``RowKind`` in ``KINDS``, and everything that treats rows alike
reads it instead of listing the kinds again:

* the write path (``editing``): which assessment a row belongs to, its name and chapter in
  the history, which models are content;
* ``restore``: how a version's copy of a row finds the live row, and in which order;
* ``versions`` and the ``Workspace``: where the rows of each kind are kept;
* the exchange format: the kind's key in the document (and in a version's ``row_ids``);
* comments: which rows carry comment threads;
* the admin, the web pages (delete, reorder, where to go back to) and the REST API (its
  collections, with the fields of the kind's forms in ``interfaces.forms.ROW_FORMS``).

``docs/architecture.md`` lists the steps to add a kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessments.domain import instrument
from assessments.domain.constants import GoalKind, ProportionalitySide
from assessments.domain.models import (
    Answer,
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


class Identity(StrEnum):
    """How a row read back from a version is matched with the live row it was made from."""

    QUESTION = "question"  # one row per question of the instrument (answers, contributions)
    KEY = "key"  # its short name, unique in the assessment (sources, figures)
    ROW = "row"  # the id of the live row, which the version recorded (``Version.row_ids``)


Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True, eq=False)
class RowKind(Generic[Row]):
    key: str  # in URLs (``/a/<slug>/<key>/<pk>/delete/``) and comment targets
    model: type[Row]
    label: Promise  # "goal", in the user's language
    document_key: str  # its part of the exchange document and of ``Version.row_ids``
    chapter: str  # where it is shown: "1"-"5", "sources", "figures", "appendix", "consultations"
    name_of: Callable[[Any], str]  # its name in the history
    identity: Identity = Identity.ROW
    parent: str = "assessment"  # the foreign key to what it belongs to
    siblings_by: tuple[str, ...] | None = ()  # fields shared by the rows it is ordered among
    question_of: Callable[[Any], str] | None = None  # the question it stands under
    field_chapter: Callable[[Any, str], str] | None = None  # a field shown elsewhere
    commentable: bool = False  # comment threads on each row (``Comment.<key>``)
    api_name: str | None = None  # its collection in the REST API (None: not there)
    # Fields a version does not carry: restoring a version leaves the live row's as they are.
    not_in_versions: tuple[str, ...] = ()
    # Live rows that are not the team's content (the service's own response): restoring a
    # version leaves them, and their copies in the version, as they are.
    kept_on_restore: dict[str, Any] | None = None
    # Values a new row takes unless told otherwise, given its parent (``new``).
    defaults: Callable[[Any], dict[str, Any]] | None = None

    @property
    def entity(self) -> str:
        """The name the history records it under (``Change.entity``)."""
        return str(self.model._meta.model_name)

    @property
    def assessment_lookup(self) -> str:
        """The path from the row to its assessment, for queries."""
        return "assessment" if self.parent == "assessment" else f"{self.parent}__assessment"

    @property
    def ordered(self) -> bool:
        return self.siblings_by is not None

    def rows_of(self, assessment: Assessment | int) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**{self.assessment_lookup: assessment})

    def assessment_id(self, row: models.Model) -> int:
        if self.parent == "assessment":
            return int(row.assessment_id)  # type: ignore[attr-defined]
        return int(getattr(row, self.parent).assessment_id)

    def siblings(self, row: models.Model) -> models.QuerySet[Any] | None:
        """The rows ``row`` is ordered among (itself included); None for unordered kinds."""
        if self.siblings_by is None:
            return None
        shared = {name: getattr(row, name) for name in (self.parent, *self.siblings_by)}
        return self.model._default_manager.filter(**shared)

    def new(self, parent: models.Model, **values: Any) -> Row:
        """A new row of this kind under ``parent`` (its assessment, or a measure's risk),
        with ``values``, the kind's defaults for the rest, and placed after its siblings
        (among all of the parent's rows of this kind while a sibling field is unknown)."""
        row = self.model(**{self.parent: parent}, **values)
        if self.defaults is not None:
            for name, value in self.defaults(parent).items():
                values.setdefault(name, value)
                setattr(row, name, values[name])
        if self.siblings_by is not None:
            known = {name: values[name] for name in self.siblings_by if values.get(name)}
            siblings = self.model._default_manager.filter(**{self.parent: parent}, **known)
            row.order = next_order(siblings)  # type: ignore[attr-defined]
        return row

    def chapter_of(self, row: models.Model, field_name: str) -> str:
        """The chapter a field of ``row`` belongs to, in the history."""
        if self.field_chapter is not None:
            return self.field_chapter(row, field_name)
        return self.chapter


def next_order(siblings: models.QuerySet[Any]) -> int:
    """The ``order`` of a row added after ``siblings``."""
    last = siblings.aggregate(models.Max("order"))["order__max"]
    return 0 if last is None else last + 1


def _goal_defaults(assessment: Assessment) -> dict[str, Any]:
    """The first goal is the main goal, every later one a sub-goal."""
    has_main = Goal.objects.filter(assessment=assessment, kind=GoalKind.MAIN).exists()
    return {"kind": GoalKind.SUB if has_main else GoalKind.MAIN}


def _question(row: Any) -> str:
    return str(row.question)


def _question_chapter(row: Any, field_name: str) -> str:
    return instrument.chapter_of(row.question)


def _goal_chapter(row: Any, field_name: str) -> str:
    return instrument.chapter_of(instrument.GOAL_FIELD_QUESTIONS.get(field_name, "2.5"))


def _risk_chapter(row: Any, field_name: str) -> str:
    return "4" if field_name.startswith("residual_") else "3"


_LINKED_CHAPTER = {"goal": "2", "contribution": "2", "risk": "3", "measure": "4"}


def _link_chapter(link: Any, field_name: str) -> str:
    """A link is shown (and recorded) with the row it belongs to."""
    return _LINKED_CHAPTER.get(link.row_kind, "3")


# In the order of the exchange document; a kind comes after the kinds its rows point at.
KINDS: tuple[RowKind[Any], ...] = (
    RowKind(
        key="answer",
        model=Answer,
        label=_("answer"),
        document_key="answers",
        chapter="2",
        name_of=_question,
        identity=Identity.QUESTION,
        siblings_by=None,
        question_of=_question,
        field_chapter=_question_chapter,
        api_name="answers",
    ),
    RowKind(
        key="goal",
        model=Goal,
        label=_("goal"),
        document_key="goals",
        chapter="2",
        name_of=lambda goal: goal.title,
        siblings_by=("kind",),
        defaults=_goal_defaults,
        question_of=lambda goal: "2.5",
        field_chapter=_goal_chapter,
        commentable=True,
        api_name="goals",
    ),
    RowKind(
        key="contribution",
        model=Contribution,
        label=_("contribution to wellbeing"),
        document_key="contributions",
        chapter="2",
        name_of=_question,
        identity=Identity.QUESTION,
        siblings_by=None,
        question_of=_question,
        field_chapter=_question_chapter,
        api_name="contributions",
    ),
    RowKind(
        key="risk",
        model=Risk,
        label=_("risk"),
        document_key="risks",
        chapter="3",
        name_of=lambda risk: risk.topic,
        siblings_by=("category",),
        question_of=lambda risk: risk.category_info.number,
        field_chapter=_risk_chapter,
        commentable=True,
        api_name="risks",
    ),
    RowKind(
        key="measure",
        model=Measure,
        label=_("measure"),
        document_key="measures",
        chapter="4",
        name_of=lambda measure: measure.title,
        parent="risk",
        question_of=lambda measure: "4.1",
        commentable=True,
        api_name="measures",
    ),
    RowKind(
        key="item",
        model=ProportionalityItem,
        label=_("5.3 row"),
        document_key="proportionality",
        chapter="5",
        name_of=lambda item: item.text[:120],
        siblings_by=("side",),
        defaults=lambda assessment: {"side": ProportionalitySide.HARM},
        question_of=lambda item: "5.3",
        commentable=True,
        api_name="proportionality-items",
    ),
    RowKind(
        key="source",
        model=Source,
        label=_("source"),
        document_key="sources",
        chapter="sources",
        name_of=lambda source: source.key,
        identity=Identity.KEY,
        siblings_by=None,
        commentable=True,
        api_name="sources",
    ),
    RowKind(
        key="response",
        model=ServiceResponse,
        label=_("response of the service"),
        document_key="responses",
        chapter="appendix",
        name_of=lambda response: str(response)[:300],
        not_in_versions=("invitation",),
        kept_on_restore={"submitted_by_service": True},
    ),
    RowKind(
        key="figure",
        model=Figure,
        label=_("figure"),
        document_key="figures",
        chapter="figures",
        name_of=lambda figure: figure.key,
        identity=Identity.KEY,
    ),
    # After the rows they point at (goals, contributions, risks, measures).
    RowKind(
        key="link",
        model=LibraryLink,
        label=_("link to the library"),
        document_key="library_links",
        chapter="3",
        name_of=lambda link: str(link)[:300],
        siblings_by=None,
        field_chapter=_link_chapter,
    ),
    RowKind(
        key="exclusion",
        model=CoverageExclusion,
        label=_("item marked not relevant"),
        document_key="exclusions",
        chapter="3",
        name_of=lambda exclusion: exclusion.item.label[:300],
        siblings_by=None,
    ),
    # The children's own voice (issue 20): consultations, and their findings after the
    # rows the findings point at.
    RowKind(
        key="consultation",
        model=Consultation,
        label=_("consultation of children"),
        document_key="consultations",
        chapter="consultations",
        name_of=lambda consultation: consultation.title,
        commentable=False,
        api_name="consultations",
    ),
    RowKind(
        key="finding",
        model=ConsultationFinding,
        label=_("finding of a consultation"),
        document_key="consultation_findings",
        chapter="consultations",
        name_of=lambda finding: finding.text[:120],
        parent="consultation",
        api_name="consultation-findings",
    ),
)

BY_KEY: dict[str, RowKind[Any]] = {kind.key: kind for kind in KINDS}
BY_MODEL: dict[type[models.Model], RowKind[Any]] = {kind.model: kind for kind in KINDS}
BY_ENTITY: dict[str, RowKind[Any]] = {kind.entity: kind for kind in KINDS}
# Every model whose rows are the assessment's content: written by ``editing`` (and so in
# the history), carried in versions and the exchange document.
CONTENT_MODELS: tuple[type[models.Model], ...] = (Assessment, *BY_MODEL)


def kind_of(row: models.Model) -> RowKind[Any]:
    """The kind of ``row`` (a content row, not the assessment itself)."""
    return BY_MODEL[type(row)]
