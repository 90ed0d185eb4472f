"""The children's own voice in the report (issue 20): the summary for children, printed as
a page of its own after the cover, and the section on the consultations of children, with
their findings and what changed because of them, after the chapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.outputs.report.content.blocks import Row, TocEntry
from assessments.outputs.report.content.formats import long_date
from assessments.outputs.report.content.walk import Walk


@dataclass
class FindingBlock:
    number: str  # "C1.2": the second finding of the first consultation
    anchor: str
    text: str
    informs: list[str]  # "R2 Schadelijke content", "2.10 creativiteit", "goal: …"
    rights: list[str]  # library items by URN
    weight: str
    change: str
    evidence: str
    follow_up: bool


@dataclass
class ConsultationBlock:
    anchor: str
    number: str  # "C1"
    title: str
    facts: list[Row]
    questions: list[tuple[str, str]]  # the question, the KIA questions it informs
    checklist: list[dict[str, Any]]
    findings: list[FindingBlock] = field(default_factory=list)
    feedback: list[Row] = field(default_factory=list)
    limitations: str = ""


@dataclass
class VoiceSection:
    consultations: list[ConsultationBlock]
    no_consultation_reason: SafeString


def followed_up(ws: Any) -> list[tuple[str, str]]:
    """What children asked to be followed up, and what changed: (finding, change)."""
    return [(f.text, f.change) for f in ws.findings if f.follow_up]


def child_summary(walk: Walk) -> SafeString:
    """The summary for children (its own page after the cover), first in the contents."""
    text = walk.a.child_summary
    if not text.strip():
        return SafeString("")
    walk.toc.insert(0, TocEntry(1, "child-summary", _("Summary for children")))
    return walk.md(text, heading_offset=1)


def _date(value: Any) -> str:
    return long_date(value) if value else ""


def _period(consultation: Any) -> str:
    start, end = _date(consultation.held_from), _date(consultation.held_until)
    return f"{start} – {end}" if start and end and start != end else start or end


def _informs(finding: Any) -> list[str]:
    shown = []
    if finding.contribution is not None:
        shown.append(f"{finding.contribution.question} {finding.contribution.summary}".strip())
    if finding.goal is not None:
        shown.append(_("goal: %(title)s") % {"title": finding.goal.title})
    if finding.risk is not None:
        label = getattr(finding.risk, "label", "")
        shown.append(f"{label} {finding.risk.topic}".strip())
    if finding.measure is not None:
        shown.append(_("measure: %(title)s") % {"title": finding.measure.title})
    return shown


def _facts(c: Any) -> list[Row]:
    consent = (
        _("none asked: %(reason)s") % {"reason": c.no_consent_reason}
        if c.no_consent_reason.strip()
        else "; ".join(
            f"{label}: {value or '—'}"
            for label, value in (
                (_("assent"), c.assent),
                (_("parents"), c.parental_consent),
                (_("withdrawal"), c.withdrawal),
            )
        )
    )
    children = (
        ngettext("%(n)d child", "%(n)d children", c.children_count) % {"n": c.children_count}
        if c.children_count is not None
        else ""
    )
    rows = [
        (
            _("Method"),
            str(c.get_method_display()) + (f": {c.method_note}" if c.method_note else ""),
        ),
        (_("When"), _period(c)),
        (_("Facilitated by"), "; ".join(filter(None, (c.facilitator, c.facilitator_expertise)))),
        (_("Children"), ", ".join(filter(None, (children, c.age_bands)))),
        (_("Recruitment"), c.recruitment),
        (_("Groups"), c.groups),
        (_("Vulnerable groups"), c.vulnerable_groups),
        (_("Use the service"), str(c.get_uses_service_display())),
        (_("Consent"), consent),
        (_("Safeguarding"), c.safeguarding),
        (_("Data handling"), c.data_handling),
    ]
    return [Row(str(label), value) for label, value in rows if value]


def numbered_findings(walk: Walk) -> list[tuple[str, str, Any]]:
    """Every finding with its number ("C1.2") and anchor, in print order."""
    return [
        (f"C{n}.{m}", f"finding-c{n}-{m}", finding)
        for n, c in enumerate(walk.ws.consultations, start=1)
        for m, finding in enumerate(getattr(c, "finding_rows", []), start=1)
    ]


def findings_of_risk(walk: Walk, risk: Any) -> list[tuple[str, str]]:
    """The findings that inform ``risk``, cited where the report prints it."""
    return [(n, a) for n, a, f in numbered_findings(walk) if f.risk_id == risk.pk]


def section(walk: Walk) -> VoiceSection | None:
    """The consultations of children (or why there were none); None when neither."""
    consultations = walk.ws.consultations
    reason = walk.a.no_consultation_reason
    if not consultations and not reason.strip():
        return None
    walk.toc.append(TocEntry(1, "children-voice", _("The children's voice")))
    blocks = []
    for n, c in enumerate(consultations, start=1):
        block = ConsultationBlock(
            anchor=f"consultation-{n}",
            number=f"C{n}",
            title=c.title,
            facts=_facts(c),
            questions=[(q["text"], ", ".join(q.get("informs", []))) for q in c.questions],
            checklist=[{**r, "label": str(r["label"])} for r in c.checklist],
            feedback=[
                Row(str(label), value)
                for label, value in (
                    (_("When"), _date(c.feedback_on)),
                    (_("Form"), c.feedback_form),
                    (_("What was told"), c.feedback),
                )
                if value
            ],
            limitations=c.limitations,
        )
        walk.toc.append(TocEntry(2, block.anchor, f"{block.number} {c.title}"))
        for m, f in enumerate(getattr(c, "finding_rows", []), start=1):
            block.findings.append(
                FindingBlock(
                    number=f"{block.number}.{m}",
                    anchor=f"finding-c{n}-{m}",
                    text=f.text,
                    informs=_informs(f),
                    rights=list(f.library_items),
                    weight=f.weight,
                    change=f.change,
                    evidence=str(f.get_evidence_display()),
                    follow_up=f.follow_up,
                )
            )
        blocks.append(block)
    return VoiceSection(blocks, walk.md(reason, heading_offset=2))
