"""Review of an assessment: comment threads, review rounds with verdicts, and the sign-off.

None of this is assessment content: it is not exported, not versioned and not in the
history of changes. Comments are written by ``assessments.domain.comments``; rounds, verdicts and
sign-offs by ``assessments.domain.lifecycle`` and ``assessments.domain.review``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import CommentOn, Role, RoundOutcome, VerdictChoice
from assessments.domain.models.answers import Goal
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.risks import Measure, Risk
from assessments.domain.models.sources import Source
from assessments.domain.models.versions import Version
from assessments.domain.models.weighing import ProportionalityItem

CHAPTERS = [(n, str(n)) for n in range(1, 6)]
SOURCES_CHAPTER = 0  # comments on sources count towards the sources tab


def _person(verbose_name: Any) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


def _row(model: type[models.Model], verbose_name: Any) -> models.ForeignKey:
    # A comment goes with the row it is about.
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )


class Comment(models.Model):
    """One comment. A comment without ``parent`` opens a thread; its replies point at it.
    Only a thread's first comment is resolved or reopened."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    on = models.CharField(_("about"), max_length=16, choices=CommentOn.choices)
    question = models.CharField(_("question"), max_length=8, blank=True)
    goal = _row(Goal, _("goal"))
    risk = _row(Risk, _("risk"))
    measure = _row(Measure, _("measure"))
    item = _row(ProportionalityItem, _("row of the 5.3 table"))
    source = _row(Source, _("source"))
    chapter = models.PositiveSmallIntegerField(_("chapter"))  # 0: the sources
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = _person(_("author"))
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = _person(_("resolved by"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["assessment", "chapter"], name="comment_by_chapter")]
        constraints = [
            models.CheckConstraint(condition=Q(on__in=CommentOn.values), name="comment_on_valid"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(resolved_at__isnull=True),
                name="comment_only_threads_resolve",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ReviewRound(models.Model):
    """One submission for review: who submitted which version to whom, and how it ended."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="review_rounds"
    )
    number = models.PositiveIntegerField(_("round"))
    version = models.ForeignKey(
        Version,
        verbose_name=_("version reviewed"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_by = _person(_("submitted by"))
    submitted_by_name = models.CharField(_("submitted by"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = _person(_("closed by"))
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=RoundOutcome.choices, blank=True
    )
    closing_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="review_round_number_once"
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(closed_at__isnull=True),
                name="review_round_one_open",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", *RoundOutcome.values]),
                name="review_round_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Verdict(models.Model):
    """A reviewer's verdict on one chapter in one round; a reason unless it is "agreed"."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="verdicts")
    reviewer = _person(_("reviewer"))
    reviewer_name = models.CharField(_("reviewer"), max_length=150, blank=True)
    chapter = models.PositiveSmallIntegerField(_("chapter"), choices=CHAPTERS)
    verdict = models.CharField(_("verdict"), max_length=16, choices=VerdictChoice.choices)
    reason = models.TextField(_("reason"), blank=True)
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        ordering = ["round", "chapter", "reviewer_name"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer", "chapter"], name="verdict_once_per_chapter"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=VerdictChoice.values), name="verdict_valid"
            ),
            models.CheckConstraint(
                condition=Q(verdict=VerdictChoice.APPROVE) | ~Q(reason=""),
                name="verdict_needs_reason",
                violation_error_message=_("Give a reason for this verdict."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name} {self.chapter}: {self.verdict}"

    @property
    def approves(self) -> bool:
        return self.verdict == VerdictChoice.APPROVE


class SignOff(models.Model):
    """Who answered for a finalised version, in what role, with which attestation."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sign_offs")
    version = models.ForeignKey(
        Version, verbose_name=_("version"), on_delete=models.CASCADE, related_name="sign_offs"
    )
    user = _person(_("signed off by"))
    user_name = models.CharField(_("signed off by"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    attestation = models.TextField(_("attestation"))
    signed_at = models.DateTimeField(_("signed off"), default=timezone.now)

    class Meta:
        ordering = ["assessment", "-signed_at"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")

    def __str__(self) -> str:
        return f"{self.user_name} ({self.role}) v{self.version.number}"
