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
from collections.abc import Callable
from typing import Any

from assessments.domain import instrument
from assessments.domain.constants import GoalKind, ProportionalitySide
from assessments.domain.editing import recorded_fields
from assessments.domain.exchange.schema import FORMAT, VERSION
from assessments.domain.models import (
    Assessment,
    Consultation,
    ConsultationFinding,
    CoverageExclusion,
    Figure,
    Goal,
    LibraryFile,
    LibraryLink,
    Measure,
    ProportionalityItem,
    Risk,
)
from assessments.domain.rowkinds import KINDS, Identity, kind_of

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

    Each kind of row (``rowkinds.KINDS``, in their order) is one part of the document under
    its ``document_key``: a mapping by question for the kinds kept one per question, a list
    for the others. The ids (``row_ids``) follow the document: the same key, a list per
    list and a mapping per mapping. Versions keep them so that two versions can be compared
    row by row."""
    rows = _in_document_order(assessment)
    ids = Ids(rows)
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if exported_at is not None:
        document["exported_at"] = exported_at.isoformat(timespec="seconds")
    document.update(
        assessment=_assessment(assessment),
        prescan={
            **{n: getattr(assessment, f) for n, f in instrument.PRESCAN_FIELDS.items()},
            "note": assessment.prescan_note,
        },
    )
    row_ids: dict[str, Any] = {}
    for kind in KINDS:
        part = PARTS.get(kind.key, _fields)
        found = rows[kind.key]
        if kind.identity == Identity.QUESTION:
            document[kind.document_key] = {row.question: part(row, ids) for row in found}
            row_ids[kind.document_key] = {row.question: row.pk for row in found}
        else:
            document[kind.document_key] = [part(row, ids) for row in found]
            row_ids[kind.document_key] = [row.pk for row in found]
    used = {row.item.file_id for key in ("link", "exclusion") for row in rows[key]}
    if used:  # the versions of the library files the links were made against
        document["library"] = dict(
            LibraryFile.objects.filter(pk__in=used).values_list("ref", "version").order_by("ref")
        )
    return document, row_ids


def _in_document_order(assessment: Assessment) -> dict[str, list[Any]]:
    """The rows of each kind in the document's order: answers and contributions in the
    instrument's order, the main goal first, risks by category, measures after their
    risk's place, the 5.3 rows by column, sources by key, the rest in their own order."""
    risks = ordered_risks(assessment)
    measures = measures_by_risk(assessment)
    consultations = list(assessment.consultations.order_by("order", "pk"))
    return {
        "answer": sorted(assessment.answers.all(), key=lambda a: _ANSWER_ORDER.get(a.question, 99)),
        "goal": ordered_goals(assessment),
        "contribution": sorted(
            assessment.contributions.all(),
            key=lambda c: _CONTRIBUTION_ORDER.get(c.question, 99),
        ),
        "risk": risks,
        "measure": [m for risk in risks for m in measures.get(risk.pk, [])],
        "item": sorted(
            assessment.proportionality_items.select_related("contribution"),
            key=lambda i: (_SIDE_ORDER.get(i.side, 99), i.order, i.pk),
        ),
        "source": list(assessment.sources.order_by("key")),
        "response": list(assessment.responses.order_by("order", "pk")),
        "figure": list(assessment.figures.select_related("source").order_by("order", "pk")),
        "link": list(assessment.library_links.select_related("item").order_by("pk")),
        "exclusion": list(assessment.exclusions.select_related("item").order_by("pk")),
        "consultation": consultations,
        "finding": list(
            ConsultationFinding.objects.filter(consultation__assessment=assessment)
            .select_related("contribution")
            .order_by("consultation__order", "consultation__pk", "order", "pk")
        ),
    }


class Ids:
    """The ids rows get in the document (``goal-1``, ``risk-3``), for the rows that point
    at them: the kinds with a row identity that other rows link to."""

    def __init__(self, rows: dict[str, list[Any]]):
        self.ids: dict[tuple[str, int], str] = {
            (key, row.pk): f"{key}-{n}"
            for key in ("goal", "risk", "measure", "consultation")
            for n, row in enumerate(rows[key], start=1)
        }

    def of(self, key: str, pk: int | None) -> str | None:
        return self.ids.get((key, pk)) if pk is not None else None


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _fields(row: Any, ids: Ids) -> dict[str, Any]:
    """A row as the values of its own fields (not its links, order or bookkeeping): the
    document part of a kind that needs nothing more (sources, responses)."""
    kind = kind_of(row)
    return {
        f.name: _value(getattr(row, f.attname))
        for f in recorded_fields(type(row))
        if not f.is_relation and f.name != "order" and f.name not in kind.not_in_versions
    }


def _goal(goal: Goal, ids: Ids) -> dict[str, Any]:
    return {"id": ids.of("goal", goal.pk), **_fields(goal, ids)}


def _measure(measure: Measure, ids: Ids) -> dict[str, Any]:
    return {
        "id": ids.of("measure", measure.pk),
        "risk": ids.of("risk", measure.risk_id),
        "title": measure.title,
        "description": measure.description,
        "status": measure.status,
        "status_reason": measure.status_reason,
        # A linked member travels as their name: accounts are not carried.
        "owner": measure.owner_name,
        "due_date": _date(measure.due_date),
    }


def _item(item: ProportionalityItem, ids: Ids) -> dict[str, Any]:
    return {
        "side": item.side,
        "text": item.text,
        "goal": ids.of("goal", item.goal_id),
        "contribution": item.contribution.question if item.contribution else None,
        "risk": ids.of("risk", item.risk_id),
    }


def _figure(figure: Figure, ids: Ids) -> dict[str, Any]:
    return {
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
        "no_consultation_reason": assessment.no_consultation_reason,
        "child_summary": assessment.child_summary,
    }


def _risk(risk: Risk, ids: Ids) -> dict[str, Any]:
    return {
        "id": ids.of("risk", risk.pk),
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


# How each kind of row is written into the document, where its own fields are not enough
# (``_fields``); by the kind's key.
def _link(link: LibraryLink, ids: Ids) -> dict[str, Any]:
    """A link names its item by URN and its row as other rows do (an id, a question)."""
    return {
        "item": link.item.urn,
        "item_version": link.item_version,
        "goal": ids.of("goal", link.goal_id),
        "contribution": link.contribution.question if link.contribution_id else None,
        "risk": ids.of("risk", link.risk_id),
        "measure": ids.of("measure", link.measure_id),
        "note": link.note,
    }


def _exclusion(exclusion: CoverageExclusion, ids: Ids) -> dict[str, Any]:
    return {"item": exclusion.item.urn, "reason": exclusion.reason}


def _consultation(consultation: Consultation, ids: Ids) -> dict[str, Any]:
    return {"id": ids.of("consultation", consultation.pk), **_fields(consultation, ids)}


def _finding(finding: ConsultationFinding, ids: Ids) -> dict[str, Any]:
    """A finding names its consultation by id and its rows as other rows do."""
    return {
        "consultation": ids.of("consultation", finding.consultation_id),
        **_fields(finding, ids),
        "contribution": finding.contribution.question if finding.contribution_id else None,
        "goal": ids.of("goal", finding.goal_id),
        "risk": ids.of("risk", finding.risk_id),
        "measure": ids.of("measure", finding.measure_id),
    }


PARTS: dict[str, Callable[[Any, Ids], Any]] = {
    "answer": lambda answer, ids: answer.text,
    "goal": _goal,
    "contribution": lambda c, ids: {"text": c.text, "summary": c.summary},
    "risk": _risk,
    "measure": _measure,
    "item": _item,
    "figure": _figure,
    "link": _link,
    "exclusion": _exclusion,
    "consultation": _consultation,
    "finding": _finding,
}


def to_json(document: dict[str, Any]) -> bytes:
    """The document as UTF-8 JSON text: indented, non-ASCII kept, ending in a newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
