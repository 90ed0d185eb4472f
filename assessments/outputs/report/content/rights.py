"""The annex "Children's rights" and the rights each risk and measure touches.

From ``domain.library.coverage``: per framework (IVRK, General Comment 25, the Code, the
DSA guidelines, the AADC, the KIA's own categories) the items the assessment addresses and
through which of its parts (R-numbers, measures, contributions 2.8–2.14, goals), the items
the team marked "not relevant" with the reason, and the references of those it leaves open.
Each part is named as the report prints it and points at its place in the report.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from assessments.domain.library import coverage
from assessments.domain.models import Contribution, Goal, Measure, Risk
from assessments.outputs.report.content.blocks import (
    RightsFramework,
    RightsLine,
    RightsPlace,
    TocEntry,
)
from assessments.outputs.report.content.walk import Walk


def _place(walk: Walk, row, note: str) -> RightsPlace:
    if isinstance(row, Risk):
        label = walk.rows[row.pk].label if row.pk in walk.rows else row.topic
        return RightsPlace(f"{label} {row.topic}", f"risk-{label.lower()}", note)
    if isinstance(row, Measure):
        risk = walk.rows.get(row.risk_id)
        risk_label = risk.label if risk is not None else ""
        return RightsPlace(
            _("measure “%(title)s” (%(risk)s)") % {"title": row.title, "risk": risk_label},
            "q-4-1",
            note,
        )
    if isinstance(row, Contribution):
        return RightsPlace(row.question, f"q-{row.question.replace('.', '-')}", note)
    if isinstance(row, Goal):
        return RightsPlace(_("goal “%(title)s”") % {"title": row.title}, "q-2-5", note)
    return RightsPlace(str(row), "", note)


def annex(walk: Walk) -> list[RightsFramework]:
    """The annex's frameworks, and its entry in the contents when anything is linked or
    marked not relevant."""
    notes = {(type(link.row), link.row.pk, link.item_id): link.note for link in walk.links}
    frameworks = []
    for found in coverage.of(walk.a):
        addressed = []
        for covered in found.addressed:
            places = [
                _place(walk, row, notes.get((type(row), row.pk, covered.item.pk), ""))
                for row in covered.rows
            ]
            addressed.append(
                RightsLine(
                    covered.item.ref,
                    covered.item.title_text,
                    places,
                    withdrawn=covered.item.is_withdrawn,
                )
            )
        excluded = [
            RightsLine(item.ref, item.title_text, reason=reason) for item, reason in found.excluded
        ]
        total = len(found.addressed) + len(found.excluded) + len(found.missing)
        summary = _(
            "%(addressed)d of %(total)d addressed, %(excluded)d marked not relevant, "
            "%(missing)d not addressed."
        ) % {
            "addressed": len(addressed),
            "total": total,
            "excluded": len(excluded),
            "missing": len(found.missing),
        }
        frameworks.append(
            RightsFramework(
                anchor=f"rights-{found.file.ref}",
                name=found.file.label,
                summary=summary,
                addressed=addressed,
                excluded=excluded,
                missing=[item.ref for item in found.missing],
            )
        )
    if any(f.addressed or f.excluded for f in frameworks):
        walk.toc.append(TocEntry(1, "rights", _("Annex: children's rights")))
        return frameworks
    return []
