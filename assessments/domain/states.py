"""The lifecycle's vocabulary: the states an assessment can be in, what each group of states
means, and where a new assessment starts.

Every module and template that needs to know "may this be edited?", "is this settled in a
version?" or "may anyone read this?" asks here (templates through the ``kia`` tag library).
``assessments.domain.lifecycle`` moves assessments between the states; nothing else changes
``status``.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    FINAL = "final", _("final")
    PUBLISHED = "published", _("published")


class Assessment(Protocol):
    """What this module reads of an assessment (the model is ``models.Assessment``)."""

    status: str

    def get_status_display(self) -> str: ...


# Where every new assessment starts: created, imported or carried forward as a re-assessment.
INITIAL = Status.DRAFT
# Whose content may be changed.
EDITABLE = frozenset({Status.DRAFT})
# Waiting for the owners' decision on a review round.
IN_REVIEW = frozenset({Status.IN_REVIEW})
# Whose content is frozen in a version that others may point at (its PDF, a re-assessment).
SETTLED = frozenset({Status.FINAL, Status.PUBLISHED})
# That anyone may read, without logging in (the assessment and its published versions).
PUBLIC = frozenset({Status.PUBLISHED})
# Whose appendix an owner may still add to (the service's response and the reply), each
# addition recorded as a new version in the same state (``lifecycle.add_to_appendix``).
APPENDIX_OPEN = SETTLED


def is_editable(assessment: Assessment) -> bool:
    """Whether the assessment's content can be changed (only drafts can)."""
    return assessment.status in EDITABLE


def is_in_review(assessment: Assessment) -> bool:
    return assessment.status in IN_REVIEW


def is_settled(assessment: Assessment) -> bool:
    return assessment.status in SETTLED


def is_public(assessment: Assessment) -> bool:
    return assessment.status in PUBLIC


def can_add_to_appendix(assessment: Assessment) -> bool:
    """Whether an owner may add a response or a reply to the appendix of a settled
    assessment without reopening it (a draft's appendix is edited as any other part)."""
    return assessment.status in APPENDIX_OPEN


def can_reassess(assessment: Assessment) -> bool:
    """Whether a re-assessment may start from it: only from a final or published one (its
    newest version is carried forward)."""
    return is_settled(assessment)


def lock_message(assessment: Assessment) -> str:
    """Why the assessment cannot be edited now ("" when it can)."""
    if is_editable(assessment):
        return ""
    if is_in_review(assessment):
        return gettext(
            "This assessment is in review: editing is paused until an owner finalises it or "
            "requests changes."
        )
    return gettext(
        "This assessment is %(status)s: it cannot be edited until an owner reopens it."
    ) % {"status": assessment.get_status_display()}


def published(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The assessments (or versions) of ``queryset`` that anyone may read."""
    return queryset.filter(status__in=PUBLIC)


def settled(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The assessments of ``queryset`` that stand for a recorded version."""
    return queryset.filter(status__in=SETTLED)
