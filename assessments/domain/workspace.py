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
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from assessments.domain import instrument
from assessments.domain.citations import cited_keys
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Figure,
    Goal,
    Measure,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)

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
    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        # The Version it was read from, when it is not the live rows (``versions.workspace``).
        self.version: Version | None = None

    @property
    def matrix(self):
        return self.assessment.matrix

    @cached_property
    def answers(self) -> dict[str, Answer]:
        answers = Answer.objects.filter(assessment=self.assessment).select_related("updated_by")
        return {a.question: a for a in answers}

    def answer_text(self, key: str) -> str:
        answer = self.answers.get(key)
        return answer.text if answer else ""

    @cached_property
    def goals(self) -> list[Goal]:
        return list(Goal.objects.filter(assessment=self.assessment))

    @cached_property
    def main_goal(self) -> Goal | None:
        return next((g for g in self.goals if g.kind == "main"), None)

    @cached_property
    def contributions(self) -> dict[str, Contribution]:
        return {c.question: c for c in Contribution.objects.filter(assessment=self.assessment)}

    @cached_property
    def risks(self) -> list[Risk]:
        """All risks in the instrument's category order, each numbered R1, R2, …"""
        rows = list(
            Risk.objects.filter(assessment=self.assessment).prefetch_related(
                Prefetch(
                    "measures",
                    queryset=Measure.objects.select_related("owner_user").order_by("order", "pk"),
                )
            )
        )
        return _numbered(rows, self.assessment)

    @cached_property
    def risks_by_category(self) -> dict[str, list[Risk]]:
        grouped: dict[str, list[Risk]] = defaultdict(list)
        for risk in self.risks:
            grouped[risk.category].append(risk)
        return grouped

    @cached_property
    def proportionality_items(self) -> list[ProportionalityItem]:
        return list(
            ProportionalityItem.objects.filter(assessment=self.assessment).select_related(
                "goal", "contribution", "risk"
            )
        )

    @cached_property
    def sources(self) -> list[Source]:
        return list(Source.objects.filter(assessment=self.assessment))

    @cached_property
    def source_keys(self) -> set[str]:
        return {s.key for s in self.sources}

    @cached_property
    def responses(self) -> list[ServiceResponse]:
        return list(ServiceResponse.objects.filter(assessment=self.assessment))

    @cached_property
    def figures(self) -> list[Figure]:
        return list(Figure.objects.filter(assessment=self.assessment).select_related("source"))

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


def load_many(assessments: list[Assessment]) -> list[Workspace]:
    """Workspaces for several assessments, loaded together (a fixed number of queries)."""
    spaces = {a.pk: Workspace(a) for a in assessments}
    ids = list(spaces)
    collections: dict[str, dict[int, list]] = {}

    def group(name: str, queryset) -> None:
        grouped: dict[int, list] = defaultdict(list)
        for row in queryset.filter(assessment_id__in=ids):
            grouped[row.assessment_id].append(row)
        collections[name] = grouped

    group("answers", Answer.objects.all())
    group("goals", Goal.objects.all())
    group("contributions", Contribution.objects.all())
    group(
        "risks",
        Risk.objects.prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("owner_user").order_by("order", "pk"),
            )
        ),
    )
    group("proportionality_items", ProportionalityItem.objects.all())
    group("sources", Source.objects.all())
    group("responses", ServiceResponse.objects.all())
    group("figures", Figure.objects.select_related("source"))
    for pk, ws in spaces.items():
        ws.__dict__["answers"] = {a.question: a for a in collections["answers"][pk]}
        ws.__dict__["goals"] = collections["goals"][pk]
        ws.__dict__["contributions"] = {c.question: c for c in collections["contributions"][pk]}
        ws.__dict__["risks"] = _numbered(collections["risks"][pk], ws.assessment)
        ws.__dict__["proportionality_items"] = collections["proportionality_items"][pk]
        ws.__dict__["sources"] = collections["sources"][pk]
        ws.__dict__["responses"] = collections["responses"][pk]
        ws.__dict__["figures"] = collections["figures"][pk]
    return [spaces[a.pk] for a in assessments]
