"""Re-assessment: a new draft carried forward from a final or published assessment.

The new draft is the predecessor's newest version (its exchange document) imported through
the importer, written by the user through the web and recorded in the history as a
re-assessment (``editing.Batch.link_predecessor``). What changes on the way:

* the title gets the suffix "(re-assessment <year>)";
* the next re-assessment date (5.6) is cleared: the new assessment sets its own;
* the service's responses (appendix) stay with the predecessor: they answer its version.

Everything else, the measures with their status included, is carried over as it was. The
predecessor stays as it is (published ones stay published) until the successor is
published (``lifecycle``).
"""

from __future__ import annotations

import copy
import datetime

from django.utils.translation import gettext as _

from assessments.domain import editing, states, versions
from assessments.domain.exchange.importer import import_document
from assessments.domain.models import Assessment

TITLE_LIMIT = 300  # Assessment.title


class ReassessmentRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def open_successor(assessment: Assessment) -> Assessment | None:
    """A re-assessment of ``assessment`` that is not final or published yet, if any."""
    return assessment.successors.exclude(status__in=states.SETTLED).order_by("-created_at").first()


def title_for(title: str, today: datetime.date) -> str:
    suffix = " (" + _("re-assessment %(year)s") % {"year": today.year} + ")"
    return title[: TITLE_LIMIT - len(suffix)].rstrip() + suffix


def start(assessment: Assessment, *, actor: editing.Actor) -> Assessment:
    """Create the re-assessment of ``assessment`` in its organisation; raises
    ``ReassessmentRefused`` (nothing written) when it may not start now."""
    if not states.can_reassess(assessment):
        raise ReassessmentRefused(_("Only a final or published assessment can be re-assessed."))
    existing = open_successor(assessment)
    if existing is not None:
        raise ReassessmentRefused(
            _("A re-assessment of this assessment is already in progress: “%(title)s”.")
            % {"title": existing.title}
        )
    version = versions.published_version(assessment)
    assert version is not None  # settled assessments always have one
    document = copy.deepcopy(version.document)
    data = document["assessment"]
    data["title"] = title_for(data["title"], datetime.date.today())
    data["status"] = states.INITIAL.value
    data["next_reassessment_on"] = None
    document["responses"] = []
    return import_document(
        document, organisation=assessment.organisation, actor=actor, predecessor=version
    ).assessment
