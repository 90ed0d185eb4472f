"""A complete, small assessment for the report tests (every question answered once)."""

from __future__ import annotations

import datetime

from assessments.domain import instrument
from assessments.domain.constants import GoalKind, MeasureStatus, ProportionalitySide
from assessments.domain.models import (
    Answer,
    Contribution,
    Goal,
    Measure,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)
from assessments.domain.states import Status
from tests import factories

SOURCES = {
    "ofcom-2024": ("Ofcom (2024). Children and parents: media use and attitudes.", "https://www.ofcom.org.uk/kids"),
    "dpc-2023": ("Data Protection Commission (2023). Decision on TikTok.", "https://www.dataprotection.ie/tiktok"),
    "nicam-2023": ("NICAM (2023). Kijkwijzer op TikTok en Instagram.", ""),
}  # fmt: skip


def full_assessment(*, language: str = "en", status: str = Status.DRAFT, **kwargs):
    """An assessment in which every part of the report has something to show."""
    kwargs.setdefault("title", "Children's Rights Impact Assessment of ClipShare")
    kwargs.setdefault("service_name", "ClipShare")
    a = factories.assessment(
        language=language,
        status=status,
        kind="external",
        service_provider="ClipShare Ltd.",
        assessor="Research Bureau",
        commissioner="Ministry of the Interior",
        period_start=datetime.date(2024, 10, 1),
        period_end=datetime.date(2024, 12, 31),
        service_cooperated=False,
        cooperation_note="ClipShare declined every request.[^dpc-2023]",
        reading_guide="## Approach\n\nRead the whole document.[^ofcom-2024]",
        disclaimers="Proceedings of the European Commission are pending.",
        limitations="- No data on likelihood.\n- Literature is scarce.",
        prescan_offers_service="yes",
        prescan_accessible_to_minors="yes",
        prescan_note="Children from 13 may sign up.",
        next_reassessment_on=datetime.date(2026, 6, 1),
        finalised_at=None if status == Status.DRAFT else datetime.datetime.now(datetime.UTC),
        **kwargs,
    )
    for key, (citation, url) in SOURCES.items():
        Source.objects.create(
            assessment=a,
            key=key,
            citation=citation,
            url=url,
            accessed_on=datetime.date(2024, 11, 4),
        )
    for key in instrument.ANSWER_KEYS:
        text = f"Answer to {key}."
        if key == "2.4":  # headings in an answer sit below the question, closed up
            text = "### Who\n\nAnswer to 2.4.\n\n##### Young children\n\nFrom 8."
        if key == "2.2":  # a passage in another language, marked for the tag tree
            text = "Answer to 2.2. The provider writes: [Kinderen zijn welkom]{lang=nl}."
        if key == "2.1":
            text = "A video app.[^ofcom-2024] Also used at school.[^ofcom-2024] See [^no-such-key]."
        Answer.objects.create(assessment=a, question=key, text=text)
    main = Goal.objects.create(
        assessment=a, kind=GoalKind.MAIN, title="Making a profit", description="Ads.",
        effectiveness="Profit is made.", achievement="Yes, it is.", subsidiarity="No better way.",
    )  # fmt: skip
    Goal.objects.create(
        assessment=a, kind=GoalKind.SUB, title="Entertainment", order=1,
        effectiveness="Mostly.", achievement="Partly.", subsidiarity="Other apps exist.",
    )  # fmt: skip
    contributions = {}
    for q in instrument.CONTRIBUTION_QUESTIONS:
        contributions[q.number] = Contribution.objects.create(
            assessment=a, question=q.number, text=f"Contribution {q.number}.",
            summary=f"Benefit {q.number}",
        )  # fmt: skip
    harmful = factories.risk(
        a, category="content", topic="Harmful content",
        description="Self-harm videos reach children.[^nicam-2023]",
        likelihood="high", likelihood_justification="Often seen.",
        impact="high", impact_justification="Severe harm.",
        residual_description="Moderation helps a little.",
        residual_likelihood="medium", residual_impact="high",
    )  # fmt: skip
    factories.risk(
        a, category="contact", topic="Grooming",
        description="Strangers can send messages.",
        likelihood="not_assessable", likelihood_reason="No data from the platform.[^dpc-2023]",
        impact="high",
        residual_likelihood="not_assessable", residual_likelihood_reason="Effect unknown.",
        residual_impact="high",
    )  # fmt: skip
    factories.risk(a, category="privacy", topic="Profiling", description="Ads use data.")
    Measure.objects.create(
        risk=harmful, title="Content moderation", description="Human and automated review.",
        status=MeasureStatus.IN_PLACE, owner="Trust & Safety", order=0,
    )  # fmt: skip
    Measure.objects.create(
        risk=harmful, title="Age-appropriate feed", status=MeasureStatus.PLANNED,
        owner="Product team", due_date=datetime.date(2025, 9, 1), order=1,
    )  # fmt: skip
    ProportionalityItem.objects.create(
        assessment=a, side=ProportionalitySide.ORGANISATION_BENEFIT, text="Profit", goal=main
    )
    ProportionalityItem.objects.create(
        assessment=a, side=ProportionalitySide.CHILD_BENEFIT, text="Fun and creativity",
        contribution=contributions["2.10"],
    )  # fmt: skip
    ProportionalityItem.objects.create(
        assessment=a, side=ProportionalitySide.HARM, text="Harmful content", risk=harmful
    )
    ServiceResponse.objects.create(
        assessment=a, author="ClipShare Ltd.", received_on=datetime.date(2025, 3, 10),
        text="We disagree with the findings on moderation.",
        reply="The findings stand; see 3.1.", reply_author="Research Bureau",
    )  # fmt: skip
    return a


def add_risks(assessment, count: int, *, measures: int = 2, cite: str = "ofcom-2024") -> None:
    """``count`` more risks, each with ``measures`` measures and a citation."""
    for n in range(count):
        risk = Risk.objects.create(
            assessment=assessment, category="health", topic=f"Extra risk {n}",
            description=f"Described with a source.[^{cite}]", likelihood="low", impact="medium",
            order=10 + n,
        )  # fmt: skip
        for m in range(measures):
            Measure.objects.create(
                risk=risk, title=f"Measure {n}.{m}", description=f"Helps.[^{cite}]", owner="Team"
            )
