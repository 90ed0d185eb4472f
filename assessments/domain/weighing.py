"""The 5.3 table (benefits and harms), derived from goals, contributions and risks.

``derive`` is the one derivation: the prefill stores its rows, and the report prints them
when the team has not filled in the table itself. Where a row comes from ("(zie 2.5)") is
never stored in its text: ``reference`` says it at read time, in the language being used
(the report's language in the report, the reader's on the pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from assessments.domain import instrument
from assessments.domain.constants import ProportionalitySide

if TYPE_CHECKING:
    from assessments.domain.models import Contribution, Goal, Risk
    from assessments.domain.workspace import Workspace


@dataclass(frozen=True)
class Row:
    side: ProportionalitySide
    text: str
    goal: Goal | None = None
    contribution: Contribution | None = None
    risk: Risk | None = None


def derive(ws: Workspace) -> list[Row]:
    """The table as goals (2.5), contributions (2.8–2.14) and risks (chapter 3) give it."""
    language = ws.assessment.language
    rows = [Row(ProportionalitySide.ORGANISATION_BENEFIT, g.title, goal=g) for g in ws.goals]
    for q in instrument.CONTRIBUTION_QUESTIONS:
        contribution = ws.contributions.get(q.number)
        if contribution is None or not (contribution.summary or contribution.text.strip()):
            continue
        text = contribution.summary or ", ".join(v.name.get(language) for v in q.values)
        rows.append(Row(ProportionalitySide.CHILD_BENEFIT, text, contribution=contribution))
    rows += [Row(ProportionalitySide.HARM, risk.topic, risk=risk) for risk in ws.risks]
    return rows


def reference(row: Any) -> str:
    """Where a 5.3 row (a ``Row`` or a stored item) comes from, e.g. "(zie 2.5)" or
    "(3.2)"; "" for a row the team wrote itself, or whose text already says it."""
    if row.goal is not None:
        found = _("(see %(number)s)") % {"number": "2.5"}
    elif row.contribution is not None:
        found = _("(see %(number)s)") % {"number": row.contribution.question}
    elif row.risk is not None:
        found = f"({instrument.category(row.risk.category).number})"
    else:
        return ""
    number = found.strip("()").split()[-1]
    # Rows pre-filled before references were derived carry one in their text already.
    said = re.search(rf"\([^)]*\b{re.escape(number)}\b[^)]*\)", row.text)
    return "" if said else found
