"""Chapter 2 and the free-text answers of every chapter."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.domain import instrument
from assessments.domain.constants import GoalKind
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.base import Tracked


class Answer(Tracked):
    """The Markdown answer to one question (or part, e.g. 2.3.1) of the invuldocument.

    Also holds the overall text per risk category (3.1-3.8), the introduction to the
    measures (4.1) and the weighing that follows the table in 5.3.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("question"), max_length=8, choices=instrument.answer_choices)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["assessment", "question"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"],
                name="answer_once_per_question",
                violation_error_message=_("This question already has an answer."),
            ),
            models.CheckConstraint(
                condition=Q(question__in=instrument.ANSWER_KEYS), name="answer_question_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.text[:60]}"


class Goal(Tracked):
    """A goal of the service (2.5), answered per goal in 2.6, 5.1 and 5.2."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=8, choices=GoalKind.choices, default=GoalKind.SUB)
    title = models.CharField(_("goal"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    effectiveness = models.TextField(_("2.6 is the service an effective means?"), blank=True)
    achievement = models.TextField(_("5.1 does the service achieve the goal?"), blank=True)
    subsidiarity = models.TextField(_("5.2 is the service the best way?"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["assessment", "kind", "order", "pk"]  # "main" < "sub": main goal first
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(kind=GoalKind.MAIN),
                name="goal_one_main_goal",
                violation_error_message=_("An assessment has only one main goal."),
            ),
            models.CheckConstraint(condition=Q(kind__in=GoalKind.values), name="goal_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Contribution(Tracked):
    """The service's contribution to a wellbeing value (questions 2.8-2.14)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="contributions"
    )
    question = models.CharField(
        _("question"), max_length=8, choices=instrument.contribution_choices
    )
    text = models.TextField(_("answer"), blank=True)
    summary = models.CharField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One line for the benefits column of the 5.3 table."),
    )

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("contribution to wellbeing")
        verbose_name_plural = _("contributions to wellbeing")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"],
                name="contribution_once_per_question",
                violation_error_message=_("This question already has an answer."),
            ),
            models.CheckConstraint(
                condition=Q(question__in=[q.number for q in instrument.CONTRIBUTION_QUESTIONS]),
                name="contribution_question_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.summary or self.text[:60]}"

    @property
    def instrument_question(self) -> instrument.Question:
        return instrument.question(self.question)
