"""Review rounds: who reviews a submitted version, their verdicts per chapter, and the open
points the team gets back. The lifecycle itself (submit, request changes, finalise) is
``assessments.domain.lifecycle``'s; it calls ``start_round`` and ``close_round`` here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain import comments, events, states
from assessments.domain.constants import EventKind, Role, RoundOutcome, VerdictChoice
from assessments.domain.models import Assessment, Change, Membership, ReviewRound, Verdict, Version
from assessments.domain.models.review import CHAPTERS

REVIEWER_ROLES = [Role.REVIEWER, Role.EDITOR, Role.OWNER]


class ReviewRefused(Exception):
    """Not allowed now; ``message`` says why (``errors`` per field). Nothing was written."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


def review_path(assessment: Assessment) -> str:
    return reverse("assessments:review", args=[assessment.slug])


def eligible_reviewers(assessment: Assessment, submitter) -> QuerySet:
    """Members who may review: role reviewer or higher, not the one who submits."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation_id=assessment.organisation_id,
            memberships__role__in=REVIEWER_ROLES,
        )
        .exclude(pk__in=[getattr(submitter, "pk", 0)])
        .order_by("username")
    )


def open_round(assessment: Assessment) -> ReviewRound | None:
    return assessment.review_rounds.filter(closed_at__isnull=True).first()


def latest_round(assessment: Assessment) -> ReviewRound | None:
    return assessment.review_rounds.order_by("-number").first()


def owners(assessment: Assessment) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=assessment.organisation_id, role=Role.OWNER
        ).select_related("user")
    ]


def _name(user) -> str:
    return (user.get_full_name() or user.get_username())[:150] if user else ""


# --- Called by the lifecycle, inside its transaction --------------------------------------------


def start_round(
    assessment: Assessment, *, submitter: Any, reviewers: Iterable[Any], version: Version
) -> ReviewRound:
    """Open the next round for ``reviewers`` (already checked by the lifecycle)."""
    last = assessment.review_rounds.aggregate(Max("number"))["number__max"] or 0
    found = ReviewRound.objects.create(
        assessment=assessment,
        number=last + 1,
        version=version,
        submitted_by=submitter,
        submitted_by_name=_name(submitter),
    )
    people = list(reviewers)
    found.reviewers.set(people)
    events.emit(
        EventKind.REVIEW_REQUESTED,
        assessment=assessment,
        recipients=people,
        actor=submitter,
        path=review_path(assessment),
        round=found.number,
        version=version.number,
        submitted_by=found.submitted_by_name,
    )
    return found


def close_round(
    assessment: Assessment, *, outcome: RoundOutcome, actor: Any, reason: str = ""
) -> ReviewRound | None:
    """Close the open round (if any) with ``outcome``; tells the team when changes are
    requested."""
    found = open_round(assessment)
    if found is not None:
        found.closed_at = timezone.now()
        found.closed_by = actor
        found.outcome = outcome
        found.closing_reason = reason
        found.save(update_fields=["closed_at", "closed_by", "outcome", "closing_reason"])
    if outcome == RoundOutcome.CHANGES_REQUESTED:
        events.emit(
            EventKind.CHANGES_REQUESTED,
            assessment=assessment,
            recipients=_team(assessment, found),
            actor=actor,
            path=reverse("assessments:detail", args=[assessment.slug]) + "#open-points",
            reason=reason,
            round=found.number if found else None,
        )
    return found


def _team(assessment: Assessment, found: ReviewRound | None) -> list:
    """The editors who submitted the round or edited the content since the round before."""
    editors = {
        m.user_id: m.user
        for m in Membership.objects.filter(
            organisation_id=assessment.organisation_id, role__in=[Role.EDITOR, Role.OWNER]
        ).select_related("user")
    }
    people = []
    if found is not None and found.submitted_by_id in editors:
        people.append(editors[found.submitted_by_id])
    since = (
        assessment.review_rounds.filter(closed_at__isnull=False)
        .exclude(pk__in=[getattr(found, "pk", 0)])
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    changes = Change.objects.filter(assessment=assessment, user_id__in=editors)
    if since is not None:
        changes = changes.filter(at__gte=since)
    people += [editors[pk] for pk in changes.values_list("user_id", flat=True).distinct()]
    return people


# --- Verdicts ----------------------------------------------------------------------------------


def is_reviewer(found: ReviewRound | None, user) -> bool:
    return found is not None and found.reviewers.filter(pk=user.pk).exists()


def give_verdicts(
    assessment: Assessment, *, user, verdicts: Mapping[int, tuple[str, str]]
) -> list[Verdict]:
    """Record ``user``'s verdicts ({chapter: (verdict, reason)}) in the open round. Every
    chapter's verdict is checked first; a verdict other than "agreed" needs a reason."""
    found = open_round(assessment)
    if found is None or not states.is_in_review(assessment):
        raise ReviewRefused(_("The assessment is not in review; no verdicts can be given now."))
    if not is_reviewer(found, user):
        raise ReviewRefused(_("Only the reviewers chosen for this round can give verdicts."))
    errors: dict[str, str] = {}
    wanted: dict[int, tuple[str, str]] = {}
    for chapter, _label in CHAPTERS:
        verdict, reason = verdicts.get(chapter, ("", ""))
        reason = (reason or "").strip()
        if not verdict:
            continue
        if verdict not in VerdictChoice.values:
            errors[f"verdict_{chapter}"] = _("Choose one of the verdicts.")
        elif verdict != VerdictChoice.APPROVE and not reason:
            errors[f"reason_{chapter}"] = _("Give a reason for this verdict.")
        wanted[chapter] = (verdict, reason[:5000])
    if not wanted and not errors:
        errors["verdict_1"] = _("Give a verdict on at least one chapter.")
    if errors:
        raise ReviewRefused(_("Some verdicts are not complete; nothing was saved."), errors)
    saved = []
    with transaction.atomic():
        now = timezone.now()
        for chapter, (verdict, reason) in wanted.items():
            row, _created = Verdict.objects.update_or_create(
                round=found,
                reviewer=user,
                chapter=chapter,
                defaults={
                    "verdict": verdict,
                    "reason": reason,
                    "given_at": now,
                    "reviewer_name": _name(user),
                },
            )
            saved.append(row)
        events.emit(
            EventKind.VERDICT_GIVEN,
            assessment=assessment,
            recipients=[found.submitted_by, *owners(assessment)],
            actor=user,
            path=review_path(assessment),
            round=found.number,
            verdicts={chapter: verdict for chapter, (verdict, _r) in wanted.items()},
            reviewer=_name(user),
        )
    return saved


# --- What the team sees --------------------------------------------------------------------------


@dataclass
class OpenPoints:
    round: ReviewRound
    verdicts: list[Verdict]  # not "agreed"
    threads: list[comments.Thread]

    @property
    def count(self) -> int:
        return len(self.verdicts) + len(self.threads)


def open_points(assessment: Assessment) -> OpenPoints | None:
    """After an owner requested changes (and while it is a draft again): the verdicts that
    were not "agreed" and the comment threads still open."""
    found = latest_round(assessment)
    if (
        found is None
        or found.outcome != RoundOutcome.CHANGES_REQUESTED
        or not states.is_editable(assessment)
    ):
        return None
    verdicts = [v for v in found.verdicts.all() if not v.approves]
    return OpenPoints(found, verdicts, comments.index(assessment).open_threads)
