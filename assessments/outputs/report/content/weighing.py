"""Chapter 5: the 5.3 table of benefits and harms (as the team filled it in, or derived
from the goals, contributions and risks) and the date of the next re-assessment (5.6)."""

from __future__ import annotations

from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments.domain import instrument, weighing
from assessments.domain.constants import ProportionalitySide
from assessments.domain.models import ProportionalityItem
from assessments.outputs.report.content.blocks import ProportionalityBlock, WeighingItem
from assessments.outputs.report.content.formats import long_date
from assessments.outputs.report.content.walk import Walk


def proportionality(walk: Walk) -> ProportionalityBlock:
    organisation: list[WeighingItem] = []
    children: list[WeighingItem] = []
    harms: list[WeighingItem] = []
    derived = not walk.items
    columns = {
        ProportionalitySide.ORGANISATION_BENEFIT: organisation,
        ProportionalitySide.CHILD_BENEFIT: children,
        ProportionalitySide.HARM: harms,
    }
    if derived:  # the team did not fill it in: as goals, contributions and risks give it
        for row in weighing.derive(walk.ws):
            columns[row.side].append(
                WeighingItem(mark_safe(escape(row.text)), weighing.reference(row))
            )
    else:
        # Render in print order (left column top to bottom, then the right column), so
        # citations in the table are numbered as they are read.
        for side, column in columns.items():
            for item in walk.items:
                if item.side == side:
                    column.append(weighing_item(walk, item))
    return ProportionalityBlock(
        organisation, children, harms, derived and bool(walk.goals or walk.risks),
        walk.answer("5.3"),
    )  # fmt: skip


def weighing_item(walk: Walk, item: ProportionalityItem) -> WeighingItem:
    return WeighingItem(walk.inline(item.text), weighing.reference(item))


def reassessment_note(walk: Walk, q: instrument.Question) -> str:
    """The line under 5.6: when the assessment is to be made again ("" if not planned)."""
    if q.number == "5.6" and walk.a.next_reassessment_on:
        return _("Next re-assessment: %(date)s") % {"date": long_date(walk.a.next_reassessment_on)}
    return ""
