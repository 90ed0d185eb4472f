"""How complete an assessment is, per chapter, and what still stands in the way of "final".

The gaps that block finalising: unanswered questions, a high risk without measures, a
measure without owner, "cannot be assessed" without a reason, and a citation of a source
that does not exist, no consultation of children and no reason why, and a consultation
without its consent information. When the pre-scan says no KIA is needed, only chapter 1 counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessments.domain import instrument
from assessments.domain.constants import PrescanOutcome, YesNo
from assessments.domain.scoring import Score
from assessments.domain.workspace import Workspace


@dataclass(frozen=True)
class Gap:
    chapter: int
    where: str  # question number, or risk label
    message: str
    risk: int | None = None  # the risk (pk) it is about, so a link can land on its row


@dataclass
class ChapterProgress:
    number: int
    title: str
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.done >= self.total


@dataclass
class Completeness:
    chapters: list[ChapterProgress]
    gaps: list[Gap] = field(default_factory=list)
    outcome: PrescanOutcome = PrescanOutcome.UNDECIDED

    @property
    def can_finalise(self) -> bool:
        return not self.gaps

    def chapter(self, number: int) -> ChapterProgress:
        return self.chapters[number - 1]


def _filled(text: str) -> bool:
    return bool(text and text.strip())


def check(ws: Workspace) -> Completeness:
    a = ws.assessment
    result = Completeness(
        [ChapterProgress(c.number, str(c.title)) for c in instrument.CHAPTERS],
        outcome=a.prescan_outcome(),
    )

    def need(
        chapter: int, where: str, ok: bool, message: str | None = None, risk: int | None = None
    ) -> None:
        progress = result.chapter(chapter)
        progress.total += 1
        if ok:
            progress.done += 1
        else:
            result.gaps.append(Gap(chapter, where, message or _("Not answered yet."), risk))

    # Chapter 1: the pre-scan.
    need(1, "1.1", a.prescan_offers_service != "")
    if a.prescan_offers_service != YesNo.NO:
        need(1, "1.2", a.prescan_accessible_to_minors != "")
        if a.prescan_accessible_to_minors == YesNo.NO:
            need(1, "1.3", a.prescan_can_exclude_minors != "")
    if result.outcome == PrescanOutcome.STOP:
        need(1, "1", _filled(a.prescan_note), _("Record why no KIA is needed."))
        for chapter in result.chapters[1:]:
            chapter.total = 0
        return result

    _check_chapter_2(ws, need)
    _check_risks(ws, need)
    _check_weighing(ws, need)
    _check_voice(ws, result.gaps)
    # A citation in a risk's texts stands at "3.2 R2" (or "4.1 R2" in a measure).
    risk_at = {f"{r.category_info.number} {r.label}": r.pk for r in ws.risks}
    risk_at.update({f"4.1 {r.label}": r.pk for r in ws.risks})
    for citation in ws.unknown_citations:
        result.gaps.append(
            Gap(
                int(citation.where[0]) if citation.where[0].isdigit() else 0,
                citation.where,
                _("Cites [^%(key)s], but there is no source with that key.")
                % {"key": citation.key},
                risk_at.get(citation.where),
            )
        )
    return result


def _check_chapter_2(ws: Workspace, need) -> None:
    for key in ("2.1", "2.2", "2.3.1", "2.3.2", "2.3.3", "2.4"):
        need(2, key, _filled(ws.answer_text(key)))
    need(2, "2.5", ws.main_goal is not None, _("Record the main goal."))
    for goal in ws.goals:
        need(
            2,
            "2.6",
            _filled(goal.effectiveness) or _filled(ws.answer_text("2.6")),
            _("Explain the effectiveness for goal “%(goal)s”.") % {"goal": goal.title},
        )
    if not ws.goals:
        need(2, "2.6", _filled(ws.answer_text("2.6")))
    need(2, "2.7", _filled(ws.answer_text("2.7")))
    for q in instrument.CONTRIBUTION_QUESTIONS:
        contribution = ws.contributions.get(q.number)
        need(2, q.number, contribution is not None and _filled(contribution.text))


def _check_risks(ws: Workspace, need) -> None:
    for category in instrument.RISK_CATEGORIES:
        risks = ws.risks_by_category.get(category.key, [])
        need(
            3,
            category.number,
            bool(risks) or _filled(ws.answer_text(category.number)),
            _("Describe the risks, or explain why there are none."),
        )
        for risk in risks:
            where = f"{category.number} {risk.label}"
            for score, reason, label in (
                (risk.likelihood, risk.likelihood_reason, _("likelihood")),
                (risk.impact, risk.impact_reason, _("impact")),
            ):
                if score == Score.NOT_ASSESSABLE:
                    need(
                        3,
                        where,
                        _filled(reason),
                        _("Give the reason why the %(what)s cannot be assessed.") % {"what": label},
                        risk.pk,
                    )
                else:
                    need(
                        3,
                        where,
                        score != "",
                        _("Estimate the %(what)s of “%(topic)s”.")
                        % {"what": label, "topic": risk.topic},
                        risk.pk,
                    )
    need(4, "4.1", bool(ws.risks) or _filled(ws.answer_text("4.1")))
    for risk in ws.risks:
        measures = list(risk.measures.all())
        if risk.gross_score.is_high:
            need(
                4,
                risk.label,
                bool(measures),
                _("High risk “%(topic)s” has no measures.") % {"topic": risk.topic},
                risk.pk,
            )
        need(
            4,
            risk.label,
            _filled(risk.residual_description) or risk.residual_score.value is not None,
            _("Describe the residual risk of “%(topic)s”.") % {"topic": risk.topic},
            risk.pk,
        )
        for measure in measures:
            need(
                4,
                risk.label,
                _filled(measure.owner_name),
                _("Measure “%(title)s” has no owner.") % {"title": measure.title},
                risk.pk,
            )


def _check_weighing(ws: Workspace, need) -> None:
    for key in ("5.1", "5.2"):
        field_name = instrument.GOAL_FIELDS[key]
        answered = _filled(ws.answer_text(key)) or (
            bool(ws.goals) and all(_filled(getattr(g, field_name)) for g in ws.goals)
        )
        need(5, key, answered)
    need(5, "5.3", bool(ws.proportionality_items), _("Fill in the table of benefits and harms."))
    need(5, "5.3", _filled(ws.answer_text("5.3")), _("Justify the weighing under the table."))
    for key in ("5.4", "5.5", "5.6"):
        need(5, key, _filled(ws.answer_text(key)))
    # Only the service's own team can commit to re-running its KIA; external assessors can't.
    if not ws.assessment.is_external:
        need(
            5,
            "5.6",
            ws.assessment.next_reassessment_on is not None,
            _("Set the date of the next re-assessment."),
        )


def _check_voice(ws: Workspace, gaps: list[Gap]) -> None:
    """Children were consulted (with consent recorded in full, or why none was asked), or
    the team says why not (issue 20). The gaps stand on their own page, not a chapter's."""
    where = _("Children's voice")
    if not ws.consultations and not _filled(ws.assessment.no_consultation_reason):
        gaps.append(
            Gap(
                0, where, _("Record a consultation of children, or why no children were consulted.")
            )
        )
    for consultation in ws.consultations:
        if not consultation.consent_recorded:
            gaps.append(
                Gap(
                    0,
                    f"{where}: {consultation.title}",
                    _(
                        "Consultation “%(title)s” has no complete consent information: record "
                        "how assent and parental consent were obtained and how the right to "
                        "withdraw was explained, or why no consent was asked."
                    )
                    % {"title": consultation.title},
                )
            )
