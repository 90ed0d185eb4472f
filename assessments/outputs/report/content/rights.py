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
from assessments.outputs.report.content.blocks import (
    RightsFramework,
    RightsLine,
    RightsPlace,
    TocEntry,
)
from assessments.outputs.report.content.walk import Walk


def _place(ref: coverage.RowRef, note: str) -> RightsPlace:
    """A row as the annex names it, pointing at where the report prints it."""
    if ref.kind == "risk":
        label, anchor = f"{ref.label} {ref.title}", f"risk-{ref.label.lower()}"
    elif ref.kind == "measure":
        risk_label = ref.label.split(" · ")[0]
        label = _("measure “%(title)s” (%(risk)s)") % {"title": ref.title, "risk": risk_label}
        anchor = "q-4-1"
    elif ref.kind == "goal":
        label, anchor = _("goal “%(title)s”") % {"title": ref.title}, "q-2-5"
    else:
        label, anchor = ref.label, f"q-{ref.label.replace('.', '-')}"
    if ref.via is not None:
        label += f" ({ref.via.ref})"
    return RightsPlace(label, anchor, note)


def annex(walk: Walk) -> list[RightsFramework]:
    """The annex's frameworks, and its entry in the contents ([] when nothing is linked or
    marked not relevant)."""
    notes = {
        (kind, getattr(link, f"{kind}_id"), link.item_id): link.note
        for link in walk.links
        for kind in ("goal", "contribution", "risk", "measure")
        if getattr(link, f"{kind}_id", None)
    }
    # Every risk addresses its KIA category; the annex is printed once the team has linked
    # a row or marked an item not relevant.
    if not walk.links and not walk.ws.rows("exclusion"):
        return []
    frameworks = []
    for found in coverage.of(walk.ws):
        addressed = []
        for covered in found.addressed:
            places = [
                _place(ref, notes.get((ref.kind, ref.row.pk, covered.item.pk), ""))
                for ref in covered.rows
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
    walk.toc.append(TocEntry(1, "rights", _("Annex: children's rights")))
    return frameworks
