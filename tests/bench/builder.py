"""A synthetic assessment the size of the Berenschot TikTok report, for benchmarks and tests.

14 risks in seven categories, 3 measures each (42), 420 sources each cited once, every
question answered with long Markdown text. Built with bulk inserts, so it is quick.
"""

from __future__ import annotations

import datetime
import itertools

from assessments.domain import instrument
from assessments.domain.constants import GoalKind, MeasureStatus, ProportionalitySide
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Goal,
    Measure,
    Organisation,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)
from assessments.domain.states import Status

SENTENCE = (
    "Kinderen gebruiken de dienst dagelijks en komen daarbij in aanraking met functies die "
    "hun welzijn kunnen versterken of schaden, afhankelijk van leeftijd en context. "
)


def _text(paragraphs: int, keys) -> str:
    """Markdown with ``paragraphs`` paragraphs, each citing the next key from ``keys``."""
    parts = []
    for n in range(paragraphs):
        key = next(keys, None)
        cite = f"[^{key}]" if key else ""
        parts.append(f"{SENTENCE * 4}{cite}")
        if n % 3 == 2:
            parts.append("- eerste punt\n- tweede punt met **nadruk**\n- derde punt")
    return "\n\n".join(parts)


def build(
    organisation: Organisation,
    *,
    slug: str = "bench-berenschot-size",
    risks: int = 14,
    measures_per_risk: int = 3,
    sources: int = 420,
    paragraphs: int = 8,
    status: str = Status.DRAFT,
) -> Assessment:
    assessment = Assessment.objects.create(
        organisation=organisation,
        slug=slug,
        title="Benchmark-KIA op een videoplatform",
        kind="external",
        service_name="Videoplatform",
        service_provider="Platform B.V.",
        assessor="Onderzoeksbureau",
        commissioner="Ministerie van BZK",
        period_start=datetime.date(2024, 10, 1),
        period_end=datetime.date(2024, 12, 31),
        service_cooperated=False,
        status=status,
        language="nl",
        prescan_offers_service="yes",
        prescan_accessible_to_minors="yes",
        next_reassessment_on=datetime.date(2027, 1, 1),
    )
    keys = iter([f"src-{n:03d}" for n in range(1, sources + 1)])
    assessment.reading_guide = _text(4, keys)
    assessment.disclaimers = _text(2, keys)
    assessment.limitations = _text(4, keys)
    assessment.save()

    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=key, text=_text(paragraphs, keys))
        for key in instrument.ANSWER_KEYS
    )
    goals = Goal.objects.bulk_create(
        Goal(
            assessment=assessment,
            kind=GoalKind.MAIN if n == 0 else GoalKind.SUB,
            order=n,
            title=f"Doel {n + 1}",
            effectiveness=_text(3, keys),
            achievement=_text(3, keys),
            subsidiarity=_text(3, keys),
        )
        for n in range(3)
    )
    contributions = Contribution.objects.bulk_create(
        Contribution(
            assessment=assessment,
            question=q.number,
            text=_text(paragraphs, keys),
            summary=f"Bijdrage aan {q.values[0].name.nl}",
        )
        for q in instrument.CONTRIBUTION_QUESTIONS
    )
    categories = itertools.cycle([c.key for c in instrument.RISK_CATEGORIES[:7]])
    reason = "Geen openbare gegevens over hoe vaak dit voorkomt; de dienst werkte niet mee."
    risk_rows = Risk.objects.bulk_create(
        Risk(
            assessment=assessment,
            category=next(categories),
            order=n,
            topic=f"Risico {n + 1}",
            description=_text(paragraphs, keys),
            likelihood="not_assessable",
            likelihood_reason=reason,
            likelihood_justification=_text(3, keys),
            impact="high" if n % 2 else "medium",
            impact_justification=_text(3, keys),
            residual_description=_text(2, keys),
            residual_likelihood="not_assessable",
            residual_likelihood_reason=reason,
            residual_impact="medium",
        )
        for n in range(risks)
    )
    Measure.objects.bulk_create(
        Measure(
            risk=risk,
            order=m,
            title=f"Maatregel {m + 1} tegen {risk.topic}",
            description=_text(2, keys),
            owner="Trust & Safety",
            status=MeasureStatus.IN_PLACE if m % 2 else MeasureStatus.PLANNED,
        )
        for risk in risk_rows
        for m in range(measures_per_risk)
    )
    items = [
        ProportionalityItem(
            assessment=assessment,
            side=ProportionalitySide.ORGANISATION_BENEFIT,
            goal=g,
            text=g.title,
            order=n,
        )
        for n, g in enumerate(goals)
    ]
    items += [
        ProportionalityItem(
            assessment=assessment,
            side=ProportionalitySide.CHILD_BENEFIT,
            contribution=c,
            text=c.summary,
            order=n,
        )
        for n, c in enumerate(contributions)
    ]
    items += [
        ProportionalityItem(
            assessment=assessment, side=ProportionalitySide.HARM, risk=r, text=r.topic, order=n
        )
        for n, r in enumerate(risk_rows)
    ]
    ProportionalityItem.objects.bulk_create(items)
    ServiceResponse.objects.bulk_create(
        ServiceResponse(
            assessment=assessment,
            author="Platform B.V." if n == 0 else "Ministerie",
            text=_text(6, keys),
            reply=_text(6, keys),
            reply_author="Onderzoeksbureau",
            order=n,
        )
        for n in range(2)
    )
    # Whatever sources were not cited yet go into the weighing text, so all are cited.
    rest = list(keys)
    if rest:
        weighing = Answer.objects.get(assessment=assessment, question="5.3")
        weighing.text += "\n\n" + " ".join(f"Zie ook[^{k}]." for k in rest)
        weighing.save()
    Source.objects.bulk_create(
        Source(
            assessment=assessment,
            key=f"src-{n:03d}",
            citation=f"Auteur {n} (2024). Titel van publicatie nummer {n} over kinderen online.",
            url=f"https://example.org/publicatie/{n}",
            accessed_on=datetime.date(2024, 11, 4),
        )
        for n in range(1, sources + 1)
    )
    return assessment
