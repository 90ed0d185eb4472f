"""Chapter 3 (risks, scored kans × impact) and chapter 4 (measures and residual risk)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain import instrument, scoring
from assessments.domain.constants import MeasureStatus
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.base import Tracked, not_assessable_needs_reason
from assessments.domain.scoring import Score


def _score_field(verbose_name: str) -> models.CharField:
    return models.CharField(verbose_name, max_length=16, choices=Score.choices, blank=True)


def _reason_field(verbose_name: str) -> models.TextField:
    return models.TextField(
        verbose_name, blank=True, help_text=_("Required when it cannot be assessed.")
    )


SCORE_VALUES = ["", *Score.values]


class Risk(Tracked):
    """One described risk in a category (3.1-3.8), before and after measures."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    category = models.CharField(
        _("risk category"), max_length=32, choices=instrument.category_choices
    )
    topic = models.CharField(_("topic"), max_length=300)
    # The wellbeing question (2.8-2.14) at which the risk came up, if it did (the "record a
    # risk" shortcut there fills it in). The instrument links no value to a risk category.
    raised_in = models.CharField(
        _("came up at question"),
        max_length=8,
        blank=True,
        choices=instrument.contribution_choices,
        help_text=_("The contribution question (2.8–2.14) where this risk came up, if any."),
    )
    description = models.TextField(_("gross risk (before measures)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    likelihood = _score_field(_("likelihood (kans)"))
    likelihood_justification = models.TextField(_("justification of the likelihood"), blank=True)
    likelihood_reason = _reason_field(_("why the likelihood cannot be assessed"))
    impact = _score_field(_("impact"))
    impact_justification = models.TextField(_("justification of the impact"), blank=True)
    impact_reason = _reason_field(_("why the impact cannot be assessed"))

    # Residual risk (chapter 4): the gross risk minus the effect of the measures.
    residual_description = models.TextField(_("residual risk"), blank=True)
    residual_likelihood = _score_field(_("residual likelihood"))
    residual_likelihood_reason = _reason_field(_("why the residual likelihood cannot be assessed"))
    residual_impact = _score_field(_("residual impact"))
    residual_impact_reason = _reason_field(_("why the residual impact cannot be assessed"))

    class Meta:
        ordering = ["assessment", "category", "order", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            not_assessable_needs_reason(
                "likelihood",
                "likelihood_reason",
                _("Give a reason why the likelihood cannot be assessed."),
            ),
            not_assessable_needs_reason(
                "impact", "impact_reason", _("Give a reason why the impact cannot be assessed.")
            ),
            not_assessable_needs_reason(
                "residual_likelihood",
                "residual_likelihood_reason",
                _("Give a reason why the residual likelihood cannot be assessed."),
            ),
            not_assessable_needs_reason(
                "residual_impact",
                "residual_impact_reason",
                _("Give a reason why the residual impact cannot be assessed."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=[c.key for c in instrument.RISK_CATEGORIES]),
                name="risk_category_known",
            ),
            models.CheckConstraint(
                condition=Q(
                    raised_in__in=["", *(q.number for q in instrument.CONTRIBUTION_QUESTIONS)]
                ),
                name="risk_raised_in_known",
            ),
            models.CheckConstraint(
                condition=Q(likelihood__in=SCORE_VALUES)
                & Q(impact__in=SCORE_VALUES)
                & Q(residual_likelihood__in=SCORE_VALUES)
                & Q(residual_impact__in=SCORE_VALUES),
                name="risk_scores_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def category_info(self) -> instrument.RiskCategory:
        return instrument.category(self.category)

    @property
    def raised_in_values(self) -> str:
        """The wellbeing values of the question the risk came up at ("zelfverwezenlijking")."""
        question = instrument.QUESTION_BY_NUMBER.get(self.raised_in) if self.raised_in else None
        return ", ".join(str(value.name) for value in question.values) if question else ""

    @property
    def gross_score(self) -> scoring.RiskScore:
        return scoring.score(self.likelihood, self.impact, self.assessment.matrix)

    @property
    def residual_score(self) -> scoring.RiskScore:
        return scoring.score(self.residual_likelihood, self.residual_impact, self.assessment.matrix)


class MeasureQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None) -> "MeasureQuerySet":
        """Planned or in-progress measures whose due date has passed."""
        return self.filter(
            status__in=MeasureStatus.open_values(),
            due_date__lt=today or timezone.localdate(),
        )


def measure_is_overdue(status: str, due_date: datetime.date | None, today=None) -> bool:
    """Whether a measure with this status and due date is overdue: the one rule, also for
    measures rebuilt from a version's snapshot."""
    return (
        due_date is not None
        and status in MeasureStatus.open_values()
        and due_date < (today or timezone.localdate())
    )


class Measure(Tracked):
    """A child-focused measure against one risk (4.1), with its owner (beheerder).

    A measure hangs off its risk, so it always belongs to the risk's assessment.
    """

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("measure"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    status_reason = models.TextField(
        _("reason for dropping"),
        blank=True,
        help_text=_("Required when the measure is dropped: why it is no longer carried out."),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (member of the organisation)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_measures",
    )
    owner = models.CharField(
        _("owner (beheerder)"),
        max_length=200,
        blank=True,
        help_text=_("Who is responsible for carrying out the measure."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["risk", "order", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values), name="measure_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.DROPPED) | ~Q(status_reason=""),
                name="measure_dropped_needs_reason",
                violation_error_message=_("Give a reason why the measure is dropped."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.status == MeasureStatus.DROPPED and not self.status_reason.strip():
            raise ValidationError({"status_reason": _("Give a reason why the measure is dropped.")})

    @property
    def owner_name(self) -> str:
        """Who owns the measure: the linked member's name, else the free text ("" if none)."""
        if self.owner_user_id is not None and self.owner_user is not None:
            return member_name(self.owner_user)
        return self.owner.strip()

    @property
    def is_overdue(self) -> bool:
        return measure_is_overdue(self.status, self.due_date)


def member_name(user) -> str:
    """How a member is named to others: full name, else the user name."""
    return (user.get_full_name() or "").strip() or user.get_username()
