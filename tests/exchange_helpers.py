"""Shared by the tests of the exchange format: a rich assessment and row counts."""

from __future__ import annotations

import datetime

from django.db import models

from assessments.domain.constants import (
    AssessmentKind,
    GoalKind,
    MeasureStatus,
    ProportionalitySide,
)
from assessments.domain.models import (
    Answer,
    Assessment,
    Contribution,
    Figure,
    Goal,
    Measure,
    Membership,
    Organisation,
    ProportionalityItem,
    Risk,
    ServiceResponse,
    Source,
)
from tests import factories

ALL_MODELS: tuple[type[models.Model], ...] = (
    Organisation,
    Membership,
    Assessment,
    Answer,
    Goal,
    Contribution,
    Risk,
    Measure,
    ProportionalityItem,
    Source,
    ServiceResponse,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def rich_assessment(org: Organisation | None = None, **kwargs) -> Assessment:
    """An assessment with every kind of row the exchange format carries."""
    fields = {
        "slug": "tiktok-test",
        "title": "KIA op een videoplatform",
        "kind": AssessmentKind.EXTERNAL,
        "service_provider": "Video B.V.",
        "assessor": "Onderzoeksbureau",
        "commissioner": "Ministerie van BZK",
        "period_start": datetime.date(2024, 10, 1),
        "period_end": datetime.date(2024, 12, 31),
        "service_cooperated": False,
        "cooperation_note": "Vragen bleven **onbeantwoord**.",
        "language": "nl",
        "status": "final",
        "reading_guide": "Lees eerst hoofdstuk 5.",
        "disclaimers": "Geen garanties.",
        "limitations": "Alleen openbare bronnen.",
        "next_reassessment_on": datetime.date(2026, 1, 1),
        "prescan_offers_service": "yes",
        "prescan_accessible_to_minors": "no",
        "prescan_can_exclude_minors": "no",
        "prescan_note": "Leeftijdsgrens 13, niet gecontroleerd.",
    }
    parent = factories.assessment(org, **{**fields, **kwargs})
    for key, text in (
        ("2.1", "Een videoplatform.[^ofcom-2024]"),
        ("2.3.1", "Dagelijks."),
        ("2.3.2", "Thuis."),
        ("2.3.3", "Telefoon."),
        ("2.10", None),  # not an answer key: contributions hold 2.8-2.14
        ("3.1", "Inhoud in het algemeen."),
        ("3.8", "Overige."),
        ("4.1", "Maatregelen in het algemeen."),
        ("5.3", "De afweging: € en ë blijven goed."),
        ("5.6", ""),
    ):
        if text is not None:
            Answer.objects.create(assessment=parent, question=key, text=text)
    sub = Goal.objects.create(
        assessment=parent, kind=GoalKind.SUB, title="Vermaak", order=1, achievement="Ja."
    )
    main = Goal.objects.create(
        assessment=parent,
        kind=GoalKind.MAIN,
        title="Winst maken",
        description="Advertenties.",
        effectiveness="Zeer.",
        achievement="Ja.",
        subsidiarity="Nee.",
        order=0,
    )
    assert sub.pk and main.pk
    creativity = Contribution.objects.create(
        assessment=parent, question="2.10", text="Video's maken.", summary="Creativiteit"
    )
    Contribution.objects.create(assessment=parent, question="2.8", text="Zelfbeeld.", summary="")
    content = Risk.objects.create(
        assessment=parent,
        category="content",
        topic="Schadelijke content",
        description="Gewelddadige video's.",
        likelihood="high",
        likelihood_justification="Vaak gezien.",
        impact="not_assessable",
        impact_reason="Geen gebruiksdata.",
        residual_description="Minder, niet weg.",
        residual_likelihood="medium",
        residual_impact="not_assessable",
        residual_impact_reason="Nog steeds geen data.",
        order=0,
    )
    privacy = Risk.objects.create(
        assessment=parent,
        category="privacy",
        topic="Profilering",
        likelihood="medium",
        impact="high",
        impact_justification="Gevoelige data.",
        residual_likelihood="low",
        residual_impact="medium",
        order=0,
    )
    Risk.objects.create(
        assessment=parent,
        category="advanced_technology",
        topic="Aanbevelingsalgoritme",
        likelihood="not_assessable",
        likelihood_reason="Algoritme is geheim.",
        order=0,
    )
    Risk.objects.create(assessment=parent, category="content", topic="Tweede content", order=1)
    Measure.objects.create(
        risk=content,
        title="Contentmoderatie",
        description="Menselijke moderatoren.",
        status=MeasureStatus.IN_PLACE,
        owner="Trust & Safety-team",
        order=0,
    )
    Measure.objects.create(
        risk=content,
        title="=Meldknop",  # starts like a spreadsheet formula
        status=MeasureStatus.PLANNED,
        owner="",
        due_date=datetime.date(2025, 6, 1),
        order=1,
    )
    Measure.objects.create(risk=privacy, title="Privacy by default", order=0)
    for side, text, origin in (
        (ProportionalitySide.ORGANISATION_BENEFIT, "Winst (2.5)", {"goal": main}),
        (ProportionalitySide.CHILD_BENEFIT, "Creativiteit (2.10)", {"contribution": creativity}),
        (ProportionalitySide.CHILD_BENEFIT, "Plezier", {}),
        (ProportionalitySide.HARM, "Schadelijke content (3.1)", {"risk": content}),
        (ProportionalitySide.HARM, "Profilering (3.6)", {"risk": privacy}),
    ):
        ProportionalityItem.objects.create(assessment=parent, side=side, text=text, **origin)
    Source.objects.create(
        assessment=parent,
        key="ofcom-2024",
        citation="Ofcom (2024). Children and parents.",
        url="https://www.ofcom.org.uk/report",
        accessed_on=datetime.date(2024, 11, 4),
    )
    Source.objects.create(assessment=parent, key="a.b:c_d", citation="Boek.", note="p. 12")
    # Figures are described in the document; their image files are not (no file needed here).
    Figure.objects.create(
        assessment=parent,
        key="feed",
        image=f"figures/{parent.pk}/{'a' * 64}.png",
        width=1170,
        height=2532,
        caption="De feed van een testaccount",
        alt_text="Schermafbeelding van de feed.",
        source=parent.sources.get(key="ofcom-2024"),
        order=0,
    )
    Figure.objects.create(
        assessment=parent,
        key="grafiek",
        image=f"figures/{parent.pk}/{'b' * 64}.jpg",
        width=800,
        height=600,
        alt_text="Staafdiagram van de schermtijd.",
        source_text="Eigen meting",
        source_url="https://example.org/meting",
        order=1,
    )
    ServiceResponse.objects.create(
        assessment=parent,
        author="Video B.V.",
        received_on=datetime.date(2025, 3, 10),
        text="Wij zijn het oneens.",
        reply="Wij blijven bij de conclusie.",
        reply_author="Onderzoeksbureau",
        order=0,
    )
    ServiceResponse.objects.create(assessment=parent, author="Ouders", text="Een tweede reactie.")
    return parent
