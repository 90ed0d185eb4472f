"""Everything in one assessment, loaded with a fixed number of queries.

Pages, the completeness check and the sources overview read an assessment through a
``Workspace``: each collection is fetched once, on first use, with one query (measures
come with the risks in a second), so a page costs the same number of queries for 1 risk
or 100.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Prefetch, QuerySet

from assessments.domain import instrument
from assessments.domain.citations import cited_keys
from assessments.domain.constants import GoalKind
from assessments.domain.models import (
    Answer,
    Assessment,
    Consultation,
    Contribution,
    Figure,
    Goal,
    Measure,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)
from assessments.domain.rowkinds import BY_KEY, KINDS

if TYPE_CHECKING:
    from assessments.domain.models import Version

_CATEGORY_INDEX = {c.key: i for i, c in enumerate(instrument.RISK_CATEGORIES)}


def _numbered(risks: list[Risk], assessment: Assessment) -> list[Risk]:
    """Sort risks in the instrument's category order and label them R1, R2, …

    Each risk gets its assessment (already loaded) so that scoring it with the assessment's
    matrix costs no query."""
    risks.sort(key=lambda r: (_CATEGORY_INDEX.get(r.category, 99), r.order, r.pk))
    for number, risk in enumerate(risks, start=1):
        risk.label = f"R{number}"
        risk.assessment = assessment
    return risks


@dataclass(frozen=True)
class Citation:
    key: str
    where: str  # question number or label, e.g. "2.1" or "3.1 R2"


class Workspace:
    """The assessment's rows, each kind fetched once, on first use. A workspace read from a
    version, or loaded together with others (``load_many``), is given its rows instead
    (``from_rows``); either way the same properties show them in the same shape."""

    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        # The Version it was read from, when it is not the live rows (``versions.workspace``).
        self.version: Version | None = None
        # Rows per kind (``rowkinds``) in the order they were given, when they were given.
        self.given: dict[str, list] | None = None

    @classmethod
    def from_rows(
        cls, assessment: Assessment, rows: dict[str, list], version: Version | None = None
    ) -> Workspace:
        """A workspace over rows already loaded or built in memory: ``rows`` maps a kind's
        key to its rows; measures (``"measure"``), when given apart, join their risks."""
        ws = cls(assessment)
        ws.version = version
        ws.given = rows
        if "measure" in rows:
            by_risk: dict[int, list[Measure]] = defaultdict(list)
            for measure in rows["measure"]:
                by_risk[id(measure.risk)].append(measure)
            for risk in rows.get("risk", []):
                _prefetched(risk, "measures", Measure, by_risk.get(id(risk), []))
        return ws

    def rows(self, key: str) -> list:
        """The rows of one kind (``rowkinds.BY_KEY[key]``), loaded once."""
        if self.given is not None:
            return list(self.given.get(key, []))
        kind = BY_KEY[key]
        return list(_loading(key, kind.rows_of(self.assessment)))

    @property
    def matrix(self):
        return self.assessment.matrix

    @cached_property
    def answers(self) -> dict[str, Answer]:
        return {a.question: a for a in self.rows("answer")}

    def answer_text(self, key: str) -> str:
        answer = self.answers.get(key)
        return answer.text if answer else ""

    @cached_property
    def goals(self) -> list[Goal]:
        """The main goal first, then the sub-goals in their order."""
        return sorted(self.rows("goal"), key=lambda g: (g.kind != GoalKind.MAIN, g.order, g.pk))

    @cached_property
    def main_goal(self) -> Goal | None:
        return next((g for g in self.goals if g.kind == GoalKind.MAIN), None)

    @cached_property
    def contributions(self) -> dict[str, Contribution]:
        return {c.question: c for c in self.rows("contribution")}

    @cached_property
    def risks(self) -> list[Risk]:
        """All risks in the instrument's category order, each numbered R1, R2, …"""
        return _numbered(self.rows("risk"), self.assessment)

    @cached_property
    def risks_by_category(self) -> dict[str, list[Risk]]:
        grouped: dict[str, list[Risk]] = defaultdict(list)
        for risk in self.risks:
            grouped[risk.category].append(risk)
        return grouped

    @cached_property
    def proportionality_items(self) -> list[ProportionalityItem]:
        return self.rows("item")

    @cached_property
    def sources(self) -> list[Source]:
        """By key (the database's order; a version keeps the order it was recorded in)."""
        return self.rows("source")

    @cached_property
    def source_keys(self) -> set[str]:
        return {s.key for s in self.sources}

    @cached_property
    def responses(self) -> list[ServiceResponse]:
        return self.rows("response")

    @cached_property
    def figures(self) -> list[Figure]:
        return self.rows("figure")

    @cached_property
    def consultations(self) -> list[Consultation]:
        """The consultations of children in their order, each with its findings
        (``consultation.finding_rows``), whose risks are the numbered ones (R1, R2 …)."""
        consultations = sorted(self.rows("consultation"), key=lambda c: (c.order, c.pk or 0))
        if not consultations:
            return []  # no findings to load either
        risks = {risk.pk: risk for risk in self.risks}
        by_consultation: dict[Any, list] = defaultdict(list)
        for finding in sorted(self.rows("finding"), key=lambda f: (f.order, f.pk or 0)):
            if finding.risk_id in risks:
                finding.risk = risks[finding.risk_id]
            by_consultation[finding.consultation_id].append(finding)
        for consultation in consultations:
            consultation.finding_rows = by_consultation.get(consultation.pk, [])
        return consultations

    @cached_property
    def findings(self) -> list:
        return [f for c in self.consultations for f in c.finding_rows]

    # --- Citations ----------------------------------------------------------------------------

    def texts(self):
        """Every Markdown text of the assessment with where it stands: (where, text)."""
        a = self.assessment
        yield from (
            ("reading_guide", a.reading_guide),
            ("disclaimers", a.disclaimers),
            ("limitations", a.limitations),
            ("1", a.prescan_note),
        )
        for key in instrument.ANSWER_KEYS:
            yield key, self.answer_text(key)
        for goal in self.goals:
            yield "2.5", goal.description
            for number, field in instrument.GOAL_FIELDS.items():
                yield number, getattr(goal, field)
        for number, contribution in self.contributions.items():
            yield number, contribution.text
        for risk in self.risks:
            where = f"{risk.category_info.number} {risk.label}"
            for field in (
                "description",
                "likelihood_justification",
                "impact_justification",
                "residual_description",
            ):
                yield where, getattr(risk, field)
            for measure in risk.measures.all():
                yield f"4.1 {risk.label}", measure.description
        for item in self.proportionality_items:
            yield "5.3", item.text
        for response in self.responses:
            if not response.submitted_by_service:  # the service's own words cite nothing
                yield "appendix", response.text
            yield "appendix", response.reply

    @cached_property
    def citations(self) -> list[Citation]:
        return [Citation(key, where) for where, text in self.texts() for key in cited_keys(text)]

    @cached_property
    def citation_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for citation in self.citations:
            counts[citation.key] += 1
        return counts

    @cached_property
    def unknown_citations(self) -> list[Citation]:
        return [c for c in self.citations if c.key not in self.source_keys]

    @cached_property
    def uncited_sources(self) -> list[Source]:
        return [s for s in self.sources if s.key not in self.citation_counts]


def _loading(key: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """What is read with the rows of a kind, so that showing them costs no more queries."""
    if key == "answer":
        return rows.select_related("updated_by")
    if key == "risk":
        return rows.prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("owner_user").order_by("order", "pk"),
            )
        )
    if key == "item":
        return rows.select_related("goal", "contribution", "risk")
    if key == "figure":
        return rows.select_related("source")
    if key == "finding":
        return rows.select_related("contribution", "goal", "risk", "measure")
    return rows


def _prefetched(obj: models.Model, name: str, model: type[models.Model], rows: list) -> None:
    """Make ``obj.<name>.all()`` return ``rows`` without a query (as a prefetch would)."""
    queryset = model._default_manager.none()
    queryset._result_cache = list(rows)
    setattr(queryset, "_prefetch_done", True)  # noqa: B010 - private, as a prefetch sets it
    setattr(obj, "_prefetched_objects_cache", {name: queryset})  # noqa: B010


def load_many(assessments: list[Assessment]) -> list[Workspace]:
    """Workspaces for several assessments, loaded together (a fixed number of queries: one
    per kind of row, the measures with the risks)."""
    ids = [a.pk for a in assessments]
    rows: dict[int, dict[str, list]] = {pk: defaultdict(list) for pk in ids}
    for kind in KINDS:
        if kind.parent != "assessment":
            continue  # loaded with its parent (measures with their risks)
        for row in _loading(kind.key, kind.model._default_manager.filter(assessment_id__in=ids)):
            rows[row.assessment_id][kind.key].append(row)
    return [Workspace.from_rows(a, dict(rows[a.pk])) for a in assessments]
