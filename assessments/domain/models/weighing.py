"""Chapter 5: the 5.3 proportionality table (benefits against harms)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import ProportionalitySide
from assessments.domain.models.answers import Contribution, Goal
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.base import Tracked
from assessments.domain.models.risks import Risk

BENEFIT_SIDES = [ProportionalitySide.ORGANISATION_BENEFIT, ProportionalitySide.CHILD_BENEFIT]


class ProportionalityItem(Tracked):
    """One entry in the 5.3 table: a benefit or a harm, optionally traced to its origin.

    A benefit can point at the goal (2.5) or the contribution (2.8-2.14) it comes from,
    a harm at the risk (chapter 3) it comes from, so the table shows question numbers.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="proportionality_items"
    )
    side = models.CharField(_("column"), max_length=24, choices=ProportionalitySide.choices)
    text = models.TextField(_("text"))
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("contribution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    risk = models.ForeignKey(
        Risk,
        verbose_name=_("risk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["assessment", "side", "order", "pk"]
        verbose_name = _("item of the proportionality table")
        verbose_name_plural = _("items of the proportionality table")
        constraints = [
            models.CheckConstraint(
                condition=Q(side__in=ProportionalitySide.values),
                name="proportionality_side_valid",
            ),
            models.CheckConstraint(
                condition=Q(side=ProportionalitySide.HARM) | Q(risk__isnull=True),
                name="proportionality_benefit_not_from_risk",
                violation_error_message=_("A benefit cannot come from a risk."),
            ),
            models.CheckConstraint(
                condition=~Q(side=ProportionalitySide.HARM)
                | (Q(goal__isnull=True) & Q(contribution__isnull=True)),
                name="proportionality_harm_only_from_risk",
                violation_error_message=_("A harm can only come from a risk."),
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(contribution__isnull=True),
                name="proportionality_one_origin",
                violation_error_message=_(
                    "A benefit comes from a goal or a contribution, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def origin(self) -> Goal | Contribution | Risk | None:
        return self.goal or self.contribution or self.risk

    def clean(self) -> None:
        super().clean()
        for field in ("goal", "contribution", "risk"):
            target = getattr(self, field)
            if target is not None and target.assessment_id != self.assessment_id:
                raise ValidationError(
                    {field: _("This belongs to another assessment.")}, code="other_assessment"
                )
