"""Complete assessments for the tests and the benchmarks, written through the write path.

``building`` is the one builder: it creates an assessment and every row added to it with one
``editing.Batch`` (actor ``editing.SYSTEM``) inside one transaction, each row made by its
kind's ``RowKind.new`` (its defaults, its place after its siblings), so the history records
them as the app's own writes would be. The recipes below say what to write:

* ``full_assessment``: small, in English, every question answered once and every part of the
  report with something to show (the report tests); ``extra_risks`` adds risks with
  ``measures_per_risk`` measures, each citing ``cite``.
* ``rich_assessment``: every kind of row the exchange format carries, with its edge cases
  (the exchange tests).
* ``berenschot_size``: the size of the Berenschot TikTok report (14 risks in seven
  categories, 3 measures each, 420 sources each cited, every question answered with long
  Markdown) or smaller; complete, so the lifecycle may finalise it (the benchmarks in
  ``tests/bench/`` and the query-count tests).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models, transaction

from assessments.domain import editing, instrument, rowkinds
from assessments.domain.constants import (
    AssessmentKind,
    GoalKind,
    MeasureStatus,
    ProportionalitySide,
)
from assessments.domain.models import Assessment, LibraryItem, Organisation
from assessments.domain.states import Status
from tests import factories


class Builder:
    """A new assessment (``assessment``) whose rows ``add`` writes in ``building``'s batch."""

    def __init__(self, batch: editing.Batch, assessment: Assessment):
        self.batch = batch
        self.assessment = assessment

    def add(self, kind: str, parent: models.Model | None = None, /, **values: Any) -> Any:
        """A new row of ``kind`` (a key of ``rowkinds.BY_KEY``: "answer", "risk", …) under
        ``parent`` (the assessment unless said: a measure's risk) with ``values``. An
        ``order`` given is kept; otherwise the row comes after its siblings."""
        row = rowkinds.BY_KEY[kind].new(parent or self.assessment, **values)
        if "order" in values:
            row.order = values["order"]
        return self.batch.create(row)


_numbers = itertools.count(1)


@contextmanager
def building(org: Organisation | None = None, **fields: Any) -> Iterator[Builder]:
    """A new assessment of ``org`` (a new organisation if None) with ``fields``; the rows
    added in the ``with`` block are written with it, in one transaction and one batch."""
    n = next(_numbers)
    fields.setdefault("title", f"Built KIA {n}")
    fields.setdefault("slug", f"built-{n}")
    fields.setdefault("service_name", f"Service {n}")
    with transaction.atomic():
        batch = editing.Batch(editing.SYSTEM)
        assessment = Assessment(organisation=org or factories.organisation(), **fields)
        batch.create(assessment)
        yield Builder(batch, assessment)
        batch.finish()


# The three are external assessments of the last quarter of 2024, of a service children use
# that did not cooperate.
EXTERNAL = {
    "kind": AssessmentKind.EXTERNAL,
    "period_start": datetime.date(2024, 10, 1),
    "period_end": datetime.date(2024, 12, 31),
    "service_cooperated": False,
    "prescan_offers_service": "yes",
}


# --- Small: the report tests -----------------------------------------------------------------

SOURCES = {
    "ofcom-2024": ("Ofcom (2024). Children and parents: media use and attitudes.", "https://www.ofcom.org.uk/kids"),
    "dpc-2023": ("Data Protection Commission (2023). Decision on TikTok.", "https://www.dataprotection.ie/tiktok"),
    "nicam-2023": ("NICAM (2023). Kijkwijzer op TikTok en Instagram.", ""),
}  # fmt: skip

ANSWERS = {
    # A video app used at school, citing one source twice and one that does not exist.
    "2.1": "A video app.[^ofcom-2024] Also used at school.[^ofcom-2024] See [^no-such-key].",
    # A passage in another language, marked for the tag tree.
    "2.2": "Answer to 2.2. The provider writes: [Kinderen zijn welkom]{lang=nl}.",
    # Headings in an answer sit below the question, closed up.
    "2.4": "### Who\n\nAnswer to 2.4.\n\n##### Young children\n\nFrom 8.",
}


def full_assessment(
    org: Organisation | None = None,
    *,
    language: str = "en",
    status: str = Status.DRAFT,
    extra_risks: int = 0,
    measures_per_risk: int = 2,
    cite: str = "ofcom-2024",
    **fields: Any,
) -> Assessment:
    """An assessment in which every part of the report has something to show: three risks
    (scored, "cannot be assessed" with reasons, not scored), measures, the 5.3 table, three
    sources (one cited twice, one citation of a missing source) and a response with a reply;
    ``extra_risks`` more in 3.5 (health), each with ``measures_per_risk`` measures, every
    one citing ``cite`` once."""
    fields.setdefault("title", "Children's Rights Impact Assessment of ClipShare")
    fields.setdefault("service_name", "ClipShare")
    with building(
        org,
        language=language,
        status=status,
        **EXTERNAL,
        service_provider="ClipShare Ltd.",
        assessor="Research Bureau",
        commissioner="Ministry of the Interior",
        cooperation_note="ClipShare declined every request.[^dpc-2023]",
        reading_guide="## Approach\n\nRead the whole document.[^ofcom-2024]",
        disclaimers="Proceedings of the European Commission are pending.",
        limitations="- No data on likelihood.\n- Literature is scarce.",
        prescan_accessible_to_minors="yes",
        prescan_note="Children from 13 may sign up.",
        next_reassessment_on=datetime.date(2026, 6, 1),
        finalised_at=None if status == Status.DRAFT else datetime.datetime.now(datetime.UTC),
        **fields,
    ) as b:
        for key, (citation, url) in SOURCES.items():
            b.add(
                "source",
                key=key,
                citation=citation,
                url=url,
                accessed_on=datetime.date(2024, 11, 4),
            )
        for key in instrument.ANSWER_KEYS:
            b.add("answer", question=key, text=ANSWERS.get(key, f"Answer to {key}."))
        main = b.add(
            "goal",
            kind=GoalKind.MAIN,
            title="Making a profit",
            description="Ads.",
            effectiveness="Profit is made.",
            achievement="Yes, it is.",
            subsidiarity="No better way.",
        )
        b.add(
            "goal",
            kind=GoalKind.SUB,
            title="Entertainment",
            order=1,
            effectiveness="Mostly.",
            achievement="Partly.",
            subsidiarity="Other apps exist.",
        )
        contributions = {
            q.number: b.add(
                "contribution",
                question=q.number,
                text=f"Contribution {q.number}.",
                summary=f"Benefit {q.number}",
            )
            for q in instrument.CONTRIBUTION_QUESTIONS
        }
        harmful = b.add(
            "risk",
            category="content",
            topic="Harmful content",
            description="Self-harm videos reach children.[^nicam-2023]",
            likelihood="high",
            likelihood_justification="Often seen.",
            impact="high",
            impact_justification="Severe harm.",
            residual_description="Moderation helps a little.",
            residual_likelihood="medium",
            residual_impact="high",
        )
        b.add(
            "risk",
            category="contact",
            topic="Grooming",
            description="Strangers can send messages.",
            likelihood="not_assessable",
            likelihood_reason="No data from the platform.[^dpc-2023]",
            impact="high",
            residual_likelihood="not_assessable",
            residual_likelihood_reason="Effect unknown.",
            residual_impact="high",
        )
        b.add("risk", category="privacy", topic="Profiling", description="Ads use data.")
        b.add(
            "measure",
            harmful,
            title="Content moderation",
            description="Human and automated review.",
            status=MeasureStatus.IN_PLACE,
            owner="Trust & Safety",
        )
        b.add(
            "measure",
            harmful,
            title="Age-appropriate feed",
            status=MeasureStatus.PLANNED,
            owner="Product team",
            due_date=datetime.date(2025, 9, 1),
        )
        b.add("item", side=ProportionalitySide.ORGANISATION_BENEFIT, text="Profit", goal=main)
        b.add(
            "item",
            side=ProportionalitySide.CHILD_BENEFIT,
            text="Fun and creativity",
            contribution=contributions["2.10"],
        )
        b.add("item", side=ProportionalitySide.HARM, text="Harmful content", risk=harmful)
        b.add(
            "response",
            author="ClipShare Ltd.",
            received_on=datetime.date(2025, 3, 10),
            text="We disagree with the findings on moderation.",
            reply="The findings stand; see 3.1.",
            reply_author="Research Bureau",
        )
        for n in range(extra_risks):
            risk = b.add(
                "risk",
                category="health",
                topic=f"Extra risk {n}",
                description=f"Described with a source.[^{cite}]",
                likelihood="low",
                impact="medium",
            )
            for m in range(measures_per_risk):
                b.add(
                    "measure",
                    risk,
                    title=f"Measure {n}.{m}",
                    description=f"Helps.[^{cite}]",
                    owner="Team",
                )
    return b.assessment


# --- Rich: the exchange tests ----------------------------------------------------------------


def rich_assessment(org: Organisation | None = None, **fields: Any) -> Assessment:
    """An assessment with every kind of row the exchange format carries: a final one, in
    Dutch, with scores that cannot be assessed, a measure titled like a spreadsheet formula,
    a source key with punctuation, figures (described; their image files do not exist) and
    two responses."""
    fields = {
        "slug": "tiktok-test",
        "title": "KIA op een videoplatform",
        **EXTERNAL,
        "service_provider": "Video B.V.",
        "assessor": "Onderzoeksbureau",
        "commissioner": "Ministerie van BZK",
        "cooperation_note": "Vragen bleven **onbeantwoord**.",
        "language": "nl",
        "status": "final",
        "reading_guide": "Lees eerst hoofdstuk 5.",
        "disclaimers": "Geen garanties.",
        "limitations": "Alleen openbare bronnen.",
        "next_reassessment_on": datetime.date(2026, 1, 1),
        "prescan_accessible_to_minors": "no",
        "prescan_can_exclude_minors": "no",
        "prescan_note": "Leeftijdsgrens 13, niet gecontroleerd.",
        "no_consultation_reason": "",
        "child_summary": "We keken naar de app. **Dit** vonden we.",
        **fields,
    }
    with building(org, **fields) as b:
        for key, text in (
            ("2.1", "Een videoplatform.[^ofcom-2024]"),
            ("2.3.1", "Dagelijks."),
            ("2.3.2", "Thuis."),
            ("2.3.3", "Telefoon."),
            ("3.1", "Inhoud in het algemeen."),
            ("3.8", "Overige."),
            ("4.1", "Maatregelen in het algemeen."),
            ("5.3", "De afweging: € en ë blijven goed."),
            ("5.6", ""),
        ):
            b.add("answer", question=key, text=text)
        b.add("goal", kind=GoalKind.SUB, title="Vermaak", order=1, achievement="Ja.")
        main = b.add(
            "goal",
            kind=GoalKind.MAIN,
            title="Winst maken",
            description="Advertenties.",
            effectiveness="Zeer.",
            achievement="Ja.",
            subsidiarity="Nee.",
            order=0,
        )
        creativity = b.add(
            "contribution", question="2.10", text="Video's maken.", summary="Creativiteit"
        )
        b.add("contribution", question="2.8", text="Zelfbeeld.", summary="")
        content = b.add(
            "risk",
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
        )
        privacy = b.add(
            "risk",
            category="privacy",
            topic="Profilering",
            likelihood="medium",
            impact="high",
            impact_justification="Gevoelige data.",
            residual_likelihood="low",
            residual_impact="medium",
        )
        b.add(
            "risk",
            category="advanced_technology",
            topic="Aanbevelingsalgoritme",
            likelihood="not_assessable",
            likelihood_reason="Algoritme is geheim.",
        )
        b.add("risk", category="content", topic="Tweede content")
        b.add(
            "measure",
            content,
            title="Contentmoderatie",
            description="Menselijke moderatoren.",
            status=MeasureStatus.IN_PLACE,
            owner="Trust & Safety-team",
        )
        b.add(
            "measure",
            content,
            title="=Meldknop",  # starts like a spreadsheet formula
            status=MeasureStatus.PLANNED,
            owner="",
            due_date=datetime.date(2025, 6, 1),
        )
        default = b.add("measure", privacy, title="Privacy by default")
        # Links to the children's rights library (loaded on migrate), one per kind of row.
        item = LibraryItem.objects.get
        b.add("link", item=item(urn="urn:kia:ivrk:art-17"), risk=content, note="Zie 3.1.")
        b.add("link", item=item(urn="urn:kia:risks:content-1"), risk=content)
        b.add("link", item=item(urn="urn:kia:ivrk:art-16"), measure=default, item_version=1)
        b.add("link", item=item(urn="urn:kia:code:p1"), goal=main)
        b.add("link", item=item(urn="urn:kia:ivrk:art-31"), contribution=creativity)
        b.add("exclusion", item=item(urn="urn:kia:ivrk:art-38"), reason="Geen gewapend conflict.")
        for side, text, origin in (
            (ProportionalitySide.ORGANISATION_BENEFIT, "Winst (2.5)", {"goal": main}),
            (
                ProportionalitySide.CHILD_BENEFIT,
                "Creativiteit (2.10)",
                {"contribution": creativity},
            ),
            (ProportionalitySide.CHILD_BENEFIT, "Plezier", {}),
            (ProportionalitySide.HARM, "Schadelijke content (3.1)", {"risk": content}),
            (ProportionalitySide.HARM, "Profilering (3.6)", {"risk": privacy}),
        ):
            b.add("item", side=side, text=text, **origin)
        ofcom = b.add(
            "source",
            key="ofcom-2024",
            citation="Ofcom (2024). Children and parents.",
            url="https://www.ofcom.org.uk/report",
            accessed_on=datetime.date(2024, 11, 4),
        )
        b.add("source", key="a.b:c_d", citation="Boek.", note="p. 12")
        # Figures are described in the document; their image files are not (no file needed).
        figures = f"figures/{b.assessment.pk}"
        b.add(
            "figure",
            key="feed",
            image=f"{figures}/{'a' * 64}.png",
            width=1170,
            height=2532,
            caption="De feed van een testaccount",
            alt_text="Schermafbeelding van de feed.",
            source=ofcom,
            order=0,
        )
        b.add(
            "figure",
            key="grafiek",
            image=f"{figures}/{'b' * 64}.jpg",
            width=800,
            height=600,
            alt_text="Staafdiagram van de schermtijd.",
            source_text="Eigen meting",
            source_url="https://example.org/meting",
            order=1,
        )
        b.add(
            "response",
            author="Video B.V.",
            received_on=datetime.date(2025, 3, 10),
            text="Wij zijn het oneens.",
            reply="Wij blijven bij de conclusie.",
            reply_author="Onderzoeksbureau",
        )
        b.add("response", author="Ouders", text="Een tweede reactie.")
        # The children's own voice: a consultation with findings linked to each kind of row.
        panel = b.add(
            "consultation",
            title="Kinderpanel",
            held_from=datetime.date(2024, 10, 1),
            held_until=datetime.date(2024, 10, 8),
            method="panel",
            method_note="Twee online sessies.",
            facilitator="Onderzoeksbureau",
            facilitator_expertise="Ervaren met kinderpanels.",
            children_count=12,
            age_bands="10-12, 13-15",
            recruitment="Via scholen.",
            groups="Leerlingen van groep 8 en klas 2.",
            vulnerable_groups="Twee kinderen met een beperking.",
            uses_service="some",
            assent="Mondeling gevraagd.",
            parental_consent="Schriftelijk via de school.",
            withdrawal="Uitgelegd aan het begin.",
            safeguarding="Een vertrouwenspersoon was erbij.",
            data_handling="Geanonimiseerd; na een jaar gewist.",
            questions=[{"text": "Wat zie je in je feed?", "informs": ["3.1"]}],
            feedback_on=datetime.date(2024, 12, 1),
            feedback_form="Een brief aan de klas",
            feedback="Wat we met hun antwoorden deden.",
            requirements={"transparent": {"met": True, "note": "Doel uitgelegd."}},
            limitations="Klein panel.",
        )
        b.add(
            "finding",
            panel,
            text="Ze zien vaak enge video's.",
            risk=content,
            goal=main,
            contribution=creativity,
            measure=default,
            library_items=["urn:kia:ivrk:art-12"],
            weight="Zwaar.",
            change="Risico hoger ingeschat.",
            evidence="evidential",
            follow_up=True,
        )
        b.add("finding", panel, text="Ze willen een betere meldknop.", risk=privacy)
        b.add(
            "consultation",
            title="Enquête",
            method="survey",
            no_consent_reason="Anoniem, zonder gegevens die een kind herkenbaar maken.",
        )
    return b.assessment


# --- Large: the benchmarks and the query counts ----------------------------------------------

SENTENCE = (
    "Kinderen gebruiken de dienst dagelijks en komen daarbij in aanraking met functies die "
    "hun welzijn kunnen versterken of schaden, afhankelijk van leeftijd en context. "
)
REASON = "Geen openbare gegevens over hoe vaak dit voorkomt; de dienst werkte niet mee."


def _text(paragraphs: int, keys: Iterator[str]) -> str:
    """Markdown with ``paragraphs`` paragraphs, each citing the next key from ``keys``."""
    parts = []
    for n in range(paragraphs):
        key = next(keys, None)
        cite = f"[^{key}]" if key else ""
        parts.append(f"{SENTENCE * 4}{cite}")
        if n % 3 == 2:
            parts.append("- eerste punt\n- tweede punt met **nadruk**\n- derde punt")
    return "\n\n".join(parts)


def berenschot_size(
    org: Organisation,
    *,
    slug: str = "bench-berenschot-size",
    risks: int = 14,
    measures_per_risk: int = 3,
    sources: int = 420,
    paragraphs: int = 8,
    cited_again: int = 0,
) -> Assessment:
    """A complete assessment the size of the Berenschot TikTok report: ``risks`` risks in
    seven categories with ``measures_per_risk`` measures each, ``sources`` sources each cited
    once (what the texts leave over in 5.3), answers of ``paragraphs`` paragraphs, three
    goals, every contribution, the 5.3 table and two responses. ``cited_again``: the first
    so many sources are cited a second time in 5.4, as Berenschot repeats sources in full."""
    keys = iter([f"src-{n:03d}" for n in range(1, sources + 1)])
    # The texts first, in the order they take the keys.
    front = {
        "reading_guide": _text(4, keys),
        "disclaimers": _text(2, keys),
        "limitations": _text(4, keys),
    }
    answers = {key: _text(paragraphs, keys) for key in instrument.ANSWER_KEYS}
    goals = [
        {
            "kind": GoalKind.MAIN if n == 0 else GoalKind.SUB,
            "order": n,
            "title": f"Doel {n + 1}",
            "effectiveness": _text(3, keys),
            "achievement": _text(3, keys),
            "subsidiarity": _text(3, keys),
        }
        for n in range(3)
    ]
    contributions = [
        {
            "question": q.number,
            "text": _text(paragraphs, keys),
            "summary": f"Bijdrage aan {q.values[0].name.nl}",
        }
        for q in instrument.CONTRIBUTION_QUESTIONS
    ]
    categories = itertools.cycle([c.key for c in instrument.RISK_CATEGORIES[:7]])
    risk_values = [
        {
            "category": next(categories),
            "order": n,
            "topic": f"Risico {n + 1}",
            "description": _text(paragraphs, keys),
            "likelihood": "not_assessable",
            "likelihood_reason": REASON,
            "likelihood_justification": _text(3, keys),
            "impact": "high" if n % 2 else "medium",
            "impact_justification": _text(3, keys),
            "residual_description": _text(2, keys),
            "residual_likelihood": "not_assessable",
            "residual_likelihood_reason": REASON,
            "residual_impact": "medium",
        }
        for n in range(risks)
    ]
    measures = [
        [
            {
                "order": m,
                "title": f"Maatregel {m + 1} tegen {risk['topic']}",
                "description": _text(2, keys),
                "owner": "Trust & Safety",
                "status": MeasureStatus.IN_PLACE if m % 2 else MeasureStatus.PLANNED,
            }
            for m in range(measures_per_risk)
        ]
        for risk in risk_values
    ]
    responses = [
        {
            "author": "Platform B.V." if n == 0 else "Ministerie",
            "text": _text(6, keys),
            "reply": _text(6, keys),
            "reply_author": "Onderzoeksbureau",
            "order": n,
        }
        for n in range(2)
    ]
    # Whatever sources were not cited yet go into the weighing text, so all are cited.
    rest = list(keys)
    if rest:
        answers["5.3"] += "\n\n" + " ".join(f"Zie ook[^{k}]." for k in rest)
    if cited_again:
        again = " ".join(f"Zoals eerder vermeld.[^src-{n:03d}]" for n in range(1, cited_again + 1))
        answers["5.4"] += "\n\n" + again

    with building(
        org,
        slug=slug,
        title="Benchmark-KIA op een videoplatform",
        no_consultation_reason="Alleen openbare bronnen; geen kinderen geraadpleegd.",
        **EXTERNAL,
        service_name="Videoplatform",
        service_provider="Platform B.V.",
        assessor="Onderzoeksbureau",
        commissioner="Ministerie van BZK",
        language="nl",
        prescan_accessible_to_minors="yes",
        next_reassessment_on=datetime.date(2027, 1, 1),
        **front,
    ) as b:
        for key, text in answers.items():
            b.add("answer", question=key, text=text)
        goal_rows = [b.add("goal", **goal) for goal in goals]
        contribution_rows = [b.add("contribution", **row) for row in contributions]
        risk_rows = [b.add("risk", **risk) for risk in risk_values]
        for risk, its_measures in zip(risk_rows, measures, strict=True):
            for measure in its_measures:
                b.add("measure", risk, **measure)
        for side, rows, text, origin in (
            (ProportionalitySide.ORGANISATION_BENEFIT, goal_rows, "title", "goal"),
            (ProportionalitySide.CHILD_BENEFIT, contribution_rows, "summary", "contribution"),
            (ProportionalitySide.HARM, risk_rows, "topic", "risk"),
        ):
            for n, row in enumerate(rows):
                b.add("item", side=side, text=getattr(row, text), order=n, **{origin: row})
        for response in responses:
            b.add("response", **response)
        for n in range(1, sources + 1):
            b.add(
                "source",
                key=f"src-{n:03d}",
                citation=(
                    f"Auteur {n} (2024). Titel van publicatie nummer {n} over kinderen online."
                ),
                url=f"https://example.org/publicatie/{n}",
                accessed_on=datetime.date(2024, 11, 4),
            )
    return b.assessment
