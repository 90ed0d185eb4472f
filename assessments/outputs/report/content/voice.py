"""The children's own voice in the report (issue 20): the summary for children, printed as
a page of its own after the cover, and the section on the consultations of children, with
their findings and what changed because of them, after the chapters.

A consultation's and a finding's multi-line texts are Markdown, rendered as the answers
are (``Walk.md``: once per text, shared with the pages, citations numbered in print order,
so the parts are rendered in the order the template prints them); the one-line fields
(the name, who facilitated, the age bands, the form of the feedback), the questions asked
and the notes on the requirements are printed as typed. The files attached to a
consultation are not part of the report (``domain.consultation_files``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.outputs import markdown, rights
from assessments.outputs.report.content.blocks import Row, TocEntry
from assessments.outputs.report.content.formats import long_date, plain
from assessments.outputs.report.content.walk import Walk


@dataclass
class FindingBlock:
    number: str  # "C1.2": the second finding of the first consultation
    anchor: str
    text: SafeString  # Markdown, rendered
    informs: list[str]  # "R2 Schadelijke content", "2.10 creativiteit", "goal: …"
    rights: list[str]  # library items by short name ("art. 19"), from their URNs
    weight: SafeString
    change: SafeString
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
    limitations: SafeString = field(default_factory=SafeString)


@dataclass
class VoiceSection:
    consultations: list[ConsultationBlock]
    no_consultation_reason: SafeString


def followed_up(ws: Any) -> list[tuple[SafeString, SafeString]]:
    """What children asked to be followed up, and what changed: (finding, change), their
    Markdown rendered for the page for children (which prints no footnotes: a citation
    there stays as its key)."""
    return [(_loose(f.text), _loose(f.change)) for f in ws.findings if f.follow_up]


def _loose(text: str) -> SafeString:
    return plain(markdown.render(text, heading_offset=4))


_BLOCK_START = ("<p", "<ul", "<ol", "<h", "<blockquote", "<pre", "<table", "<figure", "<div")


def _is_block(html: str) -> bool:
    return str(html).lstrip().startswith(_BLOCK_START)


def _after(lead: str, html: SafeString, sep: str = ": ") -> SafeString:
    """``lead`` (plain text, escaped) followed by rendered Markdown: on the same line when
    it is one paragraph (``Walk.inline``), above it when it is more (a list, paragraphs)."""
    lead_html = conditional_escape(lead)
    if not html:
        return mark_safe(lead_html)
    if _is_block(html):
        return mark_safe(f"<p>{lead_html}{sep.rstrip()}</p>{html}")
    return mark_safe(f"{lead_html}{sep}{html}")


def _parts(walk: Walk, parts: list[tuple[str, str]]) -> SafeString:
    """Labelled texts in one cell: "assent: …; parents: …", or a paragraph each when one
    of them is more than one paragraph. An empty text prints a dash."""
    shown = [
        _after(label, walk.inline(text) if text.strip() else SafeString("—"))
        for label, text in parts
    ]
    if not any(_is_block(html) for html in shown):
        return mark_safe("; ".join(shown))
    return mark_safe("".join(html if _is_block(html) else f"<p>{html}</p>" for html in shown))


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


def _facts(walk: Walk, c: Any) -> list[Row]:
    """The consultation's facts in print order (its Markdown texts rendered in that order)."""
    md = walk.inline
    children = (
        ngettext("%(n)d child", "%(n)d children", c.children_count) % {"n": c.children_count}
        if c.children_count is not None
        else ""
    )
    method = _after(str(c.get_method_display()), md(c.method_note))
    when = conditional_escape(_period(c))
    facilitated = (
        _after(c.facilitator, md(c.facilitator_expertise), "; ")
        if c.facilitator
        else md(c.facilitator_expertise)
    )
    who = conditional_escape(", ".join(filter(None, (children, c.age_bands))))
    rows = [
        (_("Method"), method),
        (_("When"), when),
        (_("Facilitated by"), facilitated),
        (_("Children"), who),
        (_("Recruitment"), md(c.recruitment)),
        (_("Groups"), md(c.groups)),
        (_("Vulnerable groups"), md(c.vulnerable_groups)),
        (_("Use the service"), conditional_escape(str(c.get_uses_service_display()))),
    ]
    if c.no_consent_reason.strip():
        consent = _after(_("none asked"), md(c.no_consent_reason))
    else:
        consent = _parts(
            walk,
            [
                (_("assent"), c.assent),
                (_("parents"), c.parental_consent),
                (_("withdrawal"), c.withdrawal),
            ],
        )
    rows += [
        (_("Consent"), consent),
        (_("Safeguarding"), md(c.safeguarding)),
        (_("Data handling"), md(c.data_handling)),
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
        # Rendered in print order: facts, questions, findings, feedback, limitations.
        block = ConsultationBlock(
            anchor=f"consultation-{n}",
            number=f"C{n}",
            title=c.title,
            facts=_facts(walk, c),
            questions=[(q["text"], ", ".join(q.get("informs", []))) for q in c.questions],
            checklist=[{**r, "label": str(r["label"])} for r in c.checklist],
        )
        walk.toc.append(TocEntry(2, block.anchor, f"{block.number} {c.title}"))
        for m, f in enumerate(getattr(c, "finding_rows", []), start=1):
            block.findings.append(
                FindingBlock(
                    number=f"{block.number}.{m}",
                    anchor=f"finding-c{n}-{m}",
                    text=walk.md(f.text),
                    informs=_informs(f),
                    rights=rights.chips_of(f.library_items),
                    weight=walk.inline(f.weight),
                    change=walk.inline(f.change),
                    evidence=str(f.get_evidence_display()),
                    follow_up=f.follow_up,
                )
            )
        block.feedback = [
            Row(str(label), value)
            for label, value in (
                (_("When"), conditional_escape(_date(c.feedback_on))),
                (_("Form"), conditional_escape(c.feedback_form)),
                (_("What was told"), walk.md(c.feedback)),
            )
            if value
        ]
        block.limitations = walk.md(c.limitations)
        blocks.append(block)
    # The reason is printed only when no consultation is (its citations numbered only then).
    shown_reason = SafeString("") if blocks else walk.md(reason, heading_offset=2)
    return VoiceSection(blocks, shown_reason)
