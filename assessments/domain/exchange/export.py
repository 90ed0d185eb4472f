"""Assessment -> exchange document (FORMAT.md), deterministic for the same data.

Goals and risks get the ids goal-1, goal-2, … and risk-1, risk-2, … in document order.
Order: the main goal first, then the sub-goals; risks by category (3.1-3.8) and their
order; measures after their risk's place; the 5.3 items by column; sources by key (they
have no order of their own); answers and contributions keyed in the instrument's order;
figures in their order, described only (see FORMAT.md: the image files stay behind).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from assessments.domain import instrument
from assessments.domain.constants import GoalKind, ProportionalitySide
from assessments.domain.exchange.schema import FORMAT, VERSION
from assessments.domain.models import (
    Assessment,
    Contribution,
    Goal,
    Measure,
    ProportionalityItem,
    Risk,
)

_ANSWER_ORDER = {key: n for n, key in enumerate(instrument.ANSWER_KEYS)}
_CONTRIBUTION_ORDER = {q.number: n for n, q in enumerate(instrument.CONTRIBUTION_QUESTIONS)}
_CATEGORY_ORDER = {c.key: n for n, c in enumerate(instrument.RISK_CATEGORIES)}
_SIDE_ORDER = {side: n for n, side in enumerate(ProportionalitySide.values)}


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def ordered_goals(assessment: Assessment) -> list[Goal]:
    goals = assessment.goals.all()
    return sorted(goals, key=lambda g: (g.kind != GoalKind.MAIN, g.order, g.pk))


def ordered_risks(assessment: Assessment) -> list[Risk]:
    risks = assessment.risks.all()
    return sorted(risks, key=lambda r: (_CATEGORY_ORDER.get(r.category, 99), r.order, r.pk))


def measures_by_risk(assessment: Assessment) -> dict[int, list[Measure]]:
    by_risk: dict[int, list[Measure]] = {}
    found = (
        Measure.objects.filter(risk__assessment=assessment)
        .select_related("owner_user")
        .order_by("order", "pk")
    )
    for measure in found:
        by_risk.setdefault(measure.risk_id, []).append(measure)
    return by_risk


def export_assessment(
    assessment: Assessment, *, exported_at: datetime.datetime | None = None
) -> dict[str, Any]:
    """The whole assessment as a document of the exchange format (a dict for ``json``)."""
    return snapshot(assessment, exported_at=exported_at)[0]


def snapshot(
    assessment: Assessment, *, exported_at: datetime.datetime | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The exchange document and the ids of the rows it was made from.

    The ids (``row_ids``) follow the document: a list per list (goals, risks, measures,
    proportionality, sources, responses) and a mapping per mapping (answers, contributions).
    Versions keep them so that two versions can be compared row by row."""
    goals = ordered_goals(assessment)
    risks = ordered_risks(assessment)
    goal_ids = {goal.pk: f"goal-{n}" for n, goal in enumerate(goals, start=1)}
    risk_ids = {risk.pk: f"risk-{n}" for n, risk in enumerate(risks, start=1)}
    measures = measures_by_risk(assessment)
    answers = sorted(assessment.answers.all(), key=lambda a: _ANSWER_ORDER.get(a.question, 99))
    contributions: list[Contribution] = sorted(
        assessment.contributions.all(), key=lambda c: _CONTRIBUTION_ORDER.get(c.question, 99)
    )
    items: list[ProportionalityItem] = sorted(
        assessment.proportionality_items.select_related("contribution"),
        key=lambda i: (_SIDE_ORDER.get(i.side, 99), i.order, i.pk),
    )

    sources = list(assessment.sources.order_by("key"))
    figures = list(assessment.figures.select_related("source").order_by("order", "pk"))
    responses = list(assessment.responses.order_by("order", "pk"))

    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if exported_at is not None:
        document["exported_at"] = exported_at.isoformat(timespec="seconds")
    document.update(
        assessment=_assessment(assessment),
        prescan={
            **{n: getattr(assessment, f) for n, f in instrument.PRESCAN_FIELDS.items()},
            "note": assessment.prescan_note,
        },
        answers={answer.question: answer.text for answer in answers},
        goals=[
            {
                "id": goal_ids[goal.pk],
                "kind": goal.kind,
                "title": goal.title,
                "description": goal.description,
                "effectiveness": goal.effectiveness,
                "achievement": goal.achievement,
                "subsidiarity": goal.subsidiarity,
            }
            for goal in goals
        ],
        contributions={c.question: {"text": c.text, "summary": c.summary} for c in contributions},
        risks=[_risk(risk, risk_ids[risk.pk]) for risk in risks],
        measures=[
            {
                "risk": risk_ids[risk.pk],
                "title": measure.title,
                "description": measure.description,
                "status": measure.status,
                "status_reason": measure.status_reason,
                # A linked member travels as their name: accounts are not carried.
                "owner": measure.owner_name,
                "due_date": _date(measure.due_date),
            }
            for risk in risks
            for measure in measures.get(risk.pk, [])
        ],
        proportionality=[
            {
                "side": item.side,
                "text": item.text,
                "goal": goal_ids.get(item.goal_id),
                "contribution": item.contribution.question if item.contribution else None,
                "risk": risk_ids.get(item.risk_id),
            }
            for item in items
        ],
        sources=[
            {
                "key": source.key,
                "citation": source.citation,
                "url": source.url,
                "accessed_on": _date(source.accessed_on),
                "note": source.note,
            }
            for source in sources
        ],
        responses=[
            {
                "author": response.author,
                "received_on": _date(response.received_on),
                "text": response.text,
                "reply": response.reply,
                "reply_author": response.reply_author,
                "replied_on": _date(response.replied_on),
                "version_number": response.version_number,
                "submitted_by_service": response.submitted_by_service,
            }
            for response in responses
        ],
        figures=[
            {
                "key": figure.key,
                "caption": figure.caption,
                "alt_text": figure.alt_text,
                "source": figure.source.key if figure.source else None,
                "source_text": figure.source_text,
                "source_url": figure.source_url,
                "image": figure.image.name,
                "width": figure.width,
                "height": figure.height,
            }
            for figure in figures
        ],
    )
    row_ids = {
        "answers": {answer.question: answer.pk for answer in answers},
        "goals": [goal.pk for goal in goals],
        "contributions": {c.question: c.pk for c in contributions},
        "risks": [risk.pk for risk in risks],
        "measures": [m.pk for risk in risks for m in measures.get(risk.pk, [])],
        "proportionality": [item.pk for item in items],
        "sources": [source.pk for source in sources],
        "responses": [response.pk for response in responses],
        "figures": [figure.pk for figure in figures],
    }
    return document, row_ids


def _assessment(assessment: Assessment) -> dict[str, Any]:
    return {
        "title": assessment.title,
        "slug": assessment.slug,
        "kind": assessment.kind,
        "service_name": assessment.service_name,
        "service_provider": assessment.service_provider,
        "assessor": assessment.assessor,
        "commissioner": assessment.commissioner,
        "period_start": _date(assessment.period_start),
        "period_end": _date(assessment.period_end),
        "service_cooperated": assessment.service_cooperated,
        "cooperation_note": assessment.cooperation_note,
        "language": assessment.language,
        "status": assessment.status,
        "reading_guide": assessment.reading_guide,
        "disclaimers": assessment.disclaimers,
        "limitations": assessment.limitations,
        "next_reassessment_on": _date(assessment.next_reassessment_on),
        "report_instrument_texts": assessment.report_instrument_texts,
    }


def _risk(risk: Risk, risk_id: str) -> dict[str, Any]:
    return {
        "id": risk_id,
        "category": risk.category,
        "topic": risk.topic,
        "description": risk.description,
        "raised_in": risk.raised_in,
        "likelihood": {
            "score": risk.likelihood,
            "justification": risk.likelihood_justification,
            "reason": risk.likelihood_reason,
        },
        "impact": {
            "score": risk.impact,
            "justification": risk.impact_justification,
            "reason": risk.impact_reason,
        },
        "residual": {
            "description": risk.residual_description,
            "likelihood": {
                "score": risk.residual_likelihood,
                "reason": risk.residual_likelihood_reason,
            },
            "impact": {"score": risk.residual_impact, "reason": risk.residual_impact_reason},
        },
    }


def to_json(document: dict[str, Any]) -> bytes:
    """The document as UTF-8 JSON text: indented, non-ASCII kept, ending in a newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
