"""What changed between two snapshots of an assessment (versions, or a version and the draft).

Rows are matched by the id of the row they were made from (``Snapshot.row_ids``), so a risk
whose topic was renamed is one changed risk, not one removed and one added. Texts are
compared word by word (``textdiff``); risks show their gross and residual scores, each scored
with the matrix of its own snapshot.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.domain import instrument, scoring
from assessments.domain.constants import (
    AssessmentKind,
    GoalKind,
    Language,
    MeasureStatus,
    ProportionalitySide,
    YesNo,
)
from assessments.domain.models import Consultation
from assessments.domain.models.consultations import Evidence, Method, UsesService
from assessments.domain.scoring import Score
from assessments.domain.states import Status
from assessments.domain.versions import Snapshot
from assessments.infra.lineends import normalise_all
from assessments.outputs.textdiff import word_diff

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    diff: SafeString | None  # word diff for texts; None for short values


@dataclass
class RowChange:
    kind: str  # ADDED, REMOVED or CHANGED
    label: str
    fields: list[FieldChange] = field(default_factory=list)
    scores: tuple[str, str] | None = None  # risks: "gross → residual" before and after


@dataclass
class SectionChange:
    key: str
    title: str
    rows: list[RowChange]
    unchanged: int

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for r in self.rows if r.kind == k) for k in (ADDED, REMOVED, CHANGED)}


@dataclass
class Comparison:
    old: Snapshot
    new: Snapshot
    sections: list[SectionChange]

    @property
    def has_changes(self) -> bool:
        return any(section.rows for section in self.sections)


# --- Turning a document into labelled rows ----------------------------------------------------

Label = str | Promise
_LONG = 80  # texts longer than this are compared word by word


def _choice(choices: Any) -> Callable[[Any], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value or ""))


_score = _choice(Score)
_yes_no = _choice(YesNo)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def _date(value: Any) -> str:
    """A day as the pages print one (the snapshot keeps it as ISO text)."""
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return formats.date_format(day, "DATE_FORMAT")


@dataclass
class _Row:
    key: str
    label: str
    values: dict[str, tuple[Label, str]]  # field -> (label, text)
    scores: str = ""


def _fields(data: dict[str, Any], spec: list[tuple[str, Label, Callable[[Any], str]]]) -> dict:
    return {name: (label, show(data.get(name))) for name, label, show in spec}


_FRONT: list[tuple[str, Label, Callable[[Any], str]]] = [
    ("title", gettext_lazy("title"), _text),
    ("kind", gettext_lazy("kind of assessment"), _choice(AssessmentKind)),
    ("service_name", gettext_lazy("assessed digital service"), _text),
    ("service_provider", gettext_lazy("provider of the service"), _text),
    ("assessor", gettext_lazy("assessor"), _text),
    ("commissioner", gettext_lazy("commissioned by"), _text),
    ("period_start", gettext_lazy("assessment period from"), _date),
    ("period_end", gettext_lazy("assessment period until"), _date),
    ("service_cooperated", gettext_lazy("the service cooperated"), _text),
    ("cooperation_note", gettext_lazy("note on cooperation"), _text),
    ("language", gettext_lazy("language of the report"), _choice(Language)),
    ("status", gettext_lazy("status"), _choice(Status)),
    ("reading_guide", gettext_lazy("reading guide"), _text),
    ("disclaimers", gettext_lazy("disclaimers"), _text),
    ("limitations", gettext_lazy("limitations of the assessment"), _text),
    ("next_reassessment_on", gettext_lazy("next re-assessment"), _date),
    ("no_consultation_reason", gettext_lazy("why no children were consulted"), _text),
    ("child_summary", gettext_lazy("summary for children"), _text),
]


# The children's own voice (issue 20): a consultation's fields as the comparison shows them.
def _questions(questions: Any) -> str:
    return "\n".join(
        q.get("text", "") + (f" [{', '.join(q['informs'])}]" if q.get("informs") else "")
        for q in questions or []
    )


def _requirements(requirements: Any) -> str:
    marks = {True: "✓", False: "✗", None: "–"}
    return "\n".join(
        f"{key}: {marks.get(entry.get('met'), '–')} {entry.get('note', '')}".strip()
        for key, entry in (requirements or {}).items()
    )


_NOT_COMPARED = {"id", "assessment", "order", "created_at", "updated_at", "updated_by",
                 "lock_version", "questions", "requirements"}  # fmt: skip
_CHOICES = {"method": _choice(Method), "uses_service": _choice(UsesService)}
_CONSULTATION: list[tuple[str, Label, Callable[[Any], str]]] = [
    *((f.name, f.verbose_name, _CHOICES.get(f.name, _text))
      for f in Consultation._meta.concrete_fields if f.name not in _NOT_COMPARED),
    ("questions", gettext_lazy("questions asked"), _questions),
    ("requirements", gettext_lazy("requirements of General Comment No. 12"), _requirements),
]  # fmt: skip
_FINDING: list[tuple[str, Label, Callable[[Any], str]]] = [
    ("text", gettext_lazy("what the children said"), _text),
    ("contribution", gettext_lazy("wellbeing value"), _text),
    ("goal", gettext_lazy("goal"), _text),
    ("risk", gettext_lazy("risk"), _text),
    ("measure", gettext_lazy("measure"), _text),
    ("library_items", gettext_lazy("children's rights"), lambda urns: ", ".join(urns or [])),
    ("weight", gettext_lazy("weight given"), _text),
    ("change", gettext_lazy("what changed because of it"), _text),
    ("evidence", gettext_lazy("evidence status"), _choice(Evidence)),
    ("follow_up", gettext_lazy("the children asked for follow-up"), _text),
]
_GOAL: list[tuple[str, Label, Callable[[Any], str]]] = [
    ("kind", gettext_lazy("kind"), _choice(GoalKind)),
    ("title", gettext_lazy("goal"), _text),
    ("description", "2.5", _text),
    *[(f, n, _text) for n, f in instrument.GOAL_FIELDS.items()],
]
_MEASURE: list[tuple[str, Label, Callable[[Any], str]]] = [
    ("title", gettext_lazy("measure"), _text),
    ("description", gettext_lazy("description"), _text),
    ("status", gettext_lazy("status"), _choice(MeasureStatus)),
    ("status_reason", gettext_lazy("reason for dropping"), _text),
    ("owner", gettext_lazy("owner (beheerder)"), _text),
    ("due_date", gettext_lazy("due date"), _date),
]
_SOURCE: list[tuple[str, Label, Callable[[Any], str]]] = [
    ("key", gettext_lazy("key"), _text),
    ("citation", gettext_lazy("citation"), _text),
    ("url", gettext_lazy("web address"), _text),
    ("accessed_on", gettext_lazy("consulted on"), _date),
    ("note", gettext_lazy("note"), _text),
]
_FIGURE: list[tuple[str, Label, Callable[[Any], str]]] = [
    ("key", gettext_lazy("key"), _text),
    ("caption", gettext_lazy("caption"), _text),
    ("alt_text", gettext_lazy("alt text"), _text),
    ("source", gettext_lazy("source"), _text),
    ("source_text", gettext_lazy("source (text)"), _text),
    ("source_url", gettext_lazy("source URL"), _text),
    ("image", gettext_lazy("image"), _text),
]
_RESPONSE: list[tuple[str, Label, Callable[[Any], str]]] = [
    ("author", gettext_lazy("author"), _text),
    ("received_on", gettext_lazy("received on"), _date),
    ("text", gettext_lazy("response"), _text),
    ("reply", gettext_lazy("reply"), _text),
    ("reply_author", gettext_lazy("reply by"), _text),
    ("replied_on", gettext_lazy("replied on"), _date),
    ("version_number", gettext_lazy("about version"), _text),
]


def _ids(snap: Snapshot, name: str, count: int) -> list[str]:
    ids = snap.row_ids.get(name) or []
    return [str(ids[i]) if i < len(ids) else f"#{i}" for i in range(count)]


def _risk_values(risk: dict[str, Any]) -> dict[str, tuple[Label, str]]:
    residual = risk["residual"]
    return {
        "category": (gettext_lazy("risk category"), _category(risk["category"])),
        "topic": (gettext_lazy("topic"), risk["topic"]),
        "description": (gettext_lazy("gross risk (before measures)"), risk["description"]),
        "raised_in": (gettext_lazy("came up at question"), _raised_in(risk.get("raised_in", ""))),
        "likelihood": (gettext_lazy("likelihood (kans)"), _score(risk["likelihood"]["score"])),
        "likelihood_justification": (
            gettext_lazy("justification of the likelihood"),
            risk["likelihood"]["justification"],
        ),
        "likelihood_reason": (
            gettext_lazy("why the likelihood cannot be assessed"),
            risk["likelihood"]["reason"],
        ),
        "impact": (gettext_lazy("impact"), _score(risk["impact"]["score"])),
        "impact_justification": (
            gettext_lazy("justification of the impact"),
            risk["impact"]["justification"],
        ),
        "impact_reason": (
            gettext_lazy("why the impact cannot be assessed"),
            risk["impact"]["reason"],
        ),
        "residual_description": (gettext_lazy("residual risk"), residual["description"]),
        "residual_likelihood": (
            gettext_lazy("residual likelihood"),
            _score(residual["likelihood"]["score"]),
        ),
        "residual_likelihood_reason": (
            gettext_lazy("why the residual likelihood cannot be assessed"),
            residual["likelihood"]["reason"],
        ),
        "residual_impact": (gettext_lazy("residual impact"), _score(residual["impact"]["score"])),
        "residual_impact_reason": (
            gettext_lazy("why the residual impact cannot be assessed"),
            residual["impact"]["reason"],
        ),
    }


def _raised_in(number: str) -> str:
    return dict(instrument.contribution_choices()).get(number, number)


def _category(key: str) -> str:
    try:
        found = instrument.category(key)
    except KeyError:
        return key
    return f"{found.number} {found.name}"


def _risk_scores(risk: dict[str, Any], matrix: scoring.RiskMatrix) -> str:
    gross = scoring.score(risk["likelihood"]["score"], risk["impact"]["score"], matrix)
    residual = scoring.score(
        risk["residual"]["likelihood"]["score"], risk["residual"]["impact"]["score"], matrix
    )
    return f"{gross.label} → {residual.label}"


def sections_of(snap: Snapshot) -> dict[str, list[_Row]]:
    """The snapshot as rows per section, each row with its labelled field values. Texts are
    read with LF line ends: a version recorded before text was stored that way may hold
    CR LF, which is no change."""
    doc = normalise_all(snap.document)
    matrix = scoring.matrix_from_data(snap.matrix)
    prescan = doc["prescan"]
    front = _Row(
        "front", _("General information and front matter"), _fields(doc["assessment"], _FRONT)
    )
    pre = _Row(
        "prescan",
        _("Pre-scan"),
        {
            **{n: (n, _yes_no(prescan.get(n, ""))) for n in instrument.PRESCAN_FIELDS},
            "note": (gettext_lazy("notes on the pre-scan"), prescan.get("note", "")),
        },
    )
    answers = [
        _Row(key, f"{key} {_question_short(key)}".strip(), {"text": (key, text)})
        for key, text in doc["answers"].items()
    ]
    goals = [
        _Row(rid, goal["title"], _fields(goal, _GOAL))
        for rid, goal in zip(_ids(snap, "goals", len(doc["goals"])), doc["goals"], strict=True)
    ]
    contributions = [
        _Row(
            number,
            f"{number} {_question_short(number)}".strip(),
            {
                "text": (number, data.get("text", "")),
                "summary": (gettext_lazy("summary"), data.get("summary", "")),
            },
        )
        for number, data in doc["contributions"].items()
    ]
    risk_ids = _ids(snap, "risks", len(doc["risks"]))
    topic_by_doc_id = {risk["id"]: risk["topic"] for risk in doc["risks"]}
    risks = [
        _Row(rid, risk["topic"], _risk_values(risk), _risk_scores(risk, matrix))
        for rid, risk in zip(risk_ids, doc["risks"], strict=True)
    ]
    measures = [
        _Row(
            rid,
            f"{topic_by_doc_id.get(measure['risk'], '')}: {measure['title']}",
            _fields(measure, _MEASURE),
        )
        for rid, measure in zip(
            _ids(snap, "measures", len(doc["measures"])), doc["measures"], strict=True
        )
    ]
    side = _choice(ProportionalitySide)
    items = [
        _Row(
            rid,
            item["text"][:80],
            {
                "side": (gettext_lazy("column"), side(item["side"])),
                "text": (gettext_lazy("text"), item["text"]),
            },
        )
        for rid, item in zip(
            _ids(snap, "proportionality", len(doc["proportionality"])),
            doc["proportionality"],
            strict=True,
        )
    ]
    sources = [
        _Row(rid, source["key"], _fields(source, _SOURCE))
        for rid, source in zip(
            _ids(snap, "sources", len(doc["sources"])), doc["sources"], strict=True
        )
    ]
    responses = [
        _Row(rid, response["author"] or _("Response"), _fields(response, _RESPONSE))
        for rid, response in zip(
            _ids(snap, "responses", len(doc["responses"])), doc["responses"], strict=True
        )
    ]
    figures = [
        _Row(rid, figure["key"], _fields(figure, _FIGURE))
        for rid, figure in zip(
            _ids(snap, "figures", len(doc.get("figures", []))), doc.get("figures", []), strict=True
        )
    ]
    consultations = doc.get("consultations", [])
    consultation_ids = _ids(snap, "consultations", len(consultations))
    title_by_doc_id = {c.get("id"): c.get("title", "") for c in consultations}
    voice = [
        _Row(rid, consultation["title"], _fields(consultation, _CONSULTATION))
        for rid, consultation in zip(consultation_ids, consultations, strict=True)
    ]
    findings = doc.get("consultation_findings", [])
    voice += [
        _Row(
            f"finding-{rid}",
            f"{title_by_doc_id.get(finding['consultation'], '')}: {finding['text'][:80]}",
            _fields(finding, _FINDING),
        )
        for rid, finding in zip(
            _ids(snap, "consultation_findings", len(findings)), findings, strict=True
        )
    ]
    return {
        "front": [front, pre],
        "answers": answers,
        "goals": goals,
        "contributions": contributions,
        "risks": risks,
        "measures": measures,
        "proportionality": items,
        "sources": sources,
        "responses": responses,
        "figures": figures,
        "consultations": voice,
    }


def _question_short(key: str) -> str:
    number = ".".join(key.split(".")[:2])
    q = instrument.QUESTION_BY_NUMBER.get(number)
    if q is None:
        return ""
    return str(q.short) if q.short else ""


SECTION_TITLES: dict[str, Label] = {
    "front": gettext_lazy("General information and pre-scan"),
    "answers": gettext_lazy("Answers"),
    "goals": gettext_lazy("Goals (2.5, 2.6, 5.1, 5.2)"),
    "contributions": gettext_lazy("Contributions to wellbeing (2.8–2.14)"),
    "risks": gettext_lazy("Risks (chapter 3 and residual risk)"),
    "measures": gettext_lazy("Measures (4.1)"),
    "proportionality": gettext_lazy("Benefits and harms (5.3)"),
    "sources": gettext_lazy("Sources"),
    "responses": gettext_lazy("Responses of the service"),
    "figures": gettext_lazy("Figures"),
    "consultations": gettext_lazy("The children's voice"),
}


def _field_changes(old: _Row | None, new: _Row | None) -> list[FieldChange]:
    names = list((old or new).values)  # type: ignore[union-attr]
    changes = []
    for name in names:
        label, before = old.values.get(name, ("", "")) if old else ("", "")
        label_new, after = new.values.get(name, ("", "")) if new else ("", "")
        if before == after:
            continue
        long = max(len(before), len(after)) > _LONG or "\n" in before + after
        changes.append(
            FieldChange(
                str(label or label_new), before, after, word_diff(before, after) if long else None
            )
        )
    return changes


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    before, after = sections_of(old), sections_of(new)
    sections = []
    for key, title in SECTION_TITLES.items():
        old_rows = {row.key: row for row in before[key]}
        new_rows = {row.key: row for row in after[key]}
        order = [*old_rows, *(k for k in new_rows if k not in old_rows)]
        rows: list[RowChange] = []
        unchanged = 0
        for row_key in order:
            o, n = old_rows.get(row_key), new_rows.get(row_key)
            fields = _field_changes(o, n)
            if o is None:
                assert n is not None
                rows.append(RowChange(ADDED, n.label, fields, ("", n.scores) if n.scores else None))
            elif n is None:
                rows.append(
                    RowChange(REMOVED, o.label, fields, (o.scores, "") if o.scores else None)
                )
            elif fields or o.scores != n.scores:
                scores = (o.scores, n.scores) if o.scores or n.scores else None
                rows.append(RowChange(CHANGED, n.label, fields, scores))
            else:
                unchanged += 1
        sections.append(SectionChange(key, str(title), rows, unchanged))
    return Comparison(old, new, sections)
