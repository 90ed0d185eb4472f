from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.domain import scoring
from assessments.domain.constants import AssessmentKind, Language, PrescanOutcome, YesNo
from assessments.domain.models.base import Tracked
from assessments.domain.models.organisation import Organisation
from assessments.domain.states import INITIAL, Status

# The summary for children is at most two printed pages of its own (``outputs/report``
# sets it in large type: about 2,000 characters a page).
CHILD_SUMMARY_MAX_CHARS = 4000


def validate_child_summary(value: str) -> None:
    if len(value) > CHILD_SUMMARY_MAX_CHARS:
        raise ValidationError(
            _(
                "The summary for children is %(length)d characters long; at most %(limit)d "
                "(two pages) fit. Shorten it."
            ),
            params={"length": len(value), "limit": CHILD_SUMMARY_MAX_CHARS},
            code="max_length",
        )


class AssessmentQuerySet(models.QuerySet):
    def for_member(self, user) -> AssessmentQuerySet:
        """The assessments of the organisations ``user`` is a member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user)


class Assessment(Tracked):
    """One KIA of one digital service: the invuldocument plus the report's front matter."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.CharField(  # not SlugField: one, stricter rule and one message
        _("short name (in links)"),
        max_length=100,
        db_index=True,  # links name it; unique per organisation (see Meta)
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(-[a-z0-9]+)*\Z",
                _("Use lower-case letters, digits and single hyphens."),
            )
        ],
    )
    kind = models.CharField(
        _("kind of assessment"),
        max_length=16,
        choices=AssessmentKind.choices,
        default=AssessmentKind.SELF,
    )
    service_name = models.CharField(_("assessed digital service"), max_length=200)
    service_provider = models.CharField(_("provider of the service"), max_length=200, blank=True)
    assessor = models.CharField(
        _("assessor"),
        max_length=200,
        blank=True,
        help_text=_("Who carried out the assessment (team or research organisation)."),
    )
    commissioner = models.CharField(
        _("commissioned by"),
        max_length=200,
        blank=True,
        help_text=_("For external assessments: who asked for it."),
    )
    period_start = models.DateField(_("assessment period from"), null=True, blank=True)
    period_end = models.DateField(_("assessment period until"), null=True, blank=True)
    service_cooperated = models.BooleanField(
        _("the service cooperated"),
        null=True,
        blank=True,
        help_text=_("Leave empty while unknown."),
    )
    cooperation_note = models.TextField(_("note on cooperation"), blank=True)
    language = models.CharField(
        _("language of the report"),
        max_length=2,
        choices=Language.choices,
        default=Language.DUTCH,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=INITIAL)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Front matter of the report (Markdown).
    reading_guide = models.TextField(_("reading guide"), blank=True)
    disclaimers = models.TextField(_("disclaimers"), blank=True)
    limitations = models.TextField(_("limitations of the assessment"), blank=True)

    # Report options.
    report_instrument_texts = models.BooleanField(
        _("print the instrument's own texts in the report"),
        default=True,
        help_text=_(
            "The invuldocument's introduction, chapter introductions and instruction boxes, "
            "as in the official form."
        ),
    )

    # Chapter 1: pre-scan. "" means not answered yet.
    prescan_offers_service = models.CharField(
        "1.1", max_length=3, choices=YesNo.choices, blank=True
    )
    prescan_accessible_to_minors = models.CharField(
        "1.2", max_length=3, choices=YesNo.choices, blank=True
    )
    prescan_can_exclude_minors = models.CharField(
        "1.3", max_length=3, choices=YesNo.choices, blank=True
    )
    prescan_note = models.TextField(_("notes on the pre-scan"), blank=True)

    # The children's own voice (issue 20): why no children were consulted, if none were
    # (``Consultation`` rows otherwise), and a summary written for the service's young users.
    no_consultation_reason = models.TextField(_("why no children were consulted"), blank=True)
    child_summary = models.TextField(
        _("summary for children"),
        blank=True,
        validators=[validate_child_summary],
        help_text=_("In plain language, for the service's young users."),
    )

    # Chapter 5: when the KIA is to be carried out again (see 5.6).
    next_reassessment_on = models.DateField(_("next re-assessment"), null=True, blank=True)

    # A re-assessment points at the assessment it carries forward (``reassessment``).
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("re-assessment of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        editable=False,
    )

    # The risk matrix the assessment is scored with (``scoring.matrix_to_data``), kept so a
    # new deployment matrix does not silently rescore it.
    risk_matrix = models.JSONField(
        _("risk matrix"), default=scoring.current_matrix_data, editable=False
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            # Unique per organisation only: a name chosen in one organisation must not
            # reveal (by a "-2") that another organisation uses it.
            models.UniqueConstraint(
                fields=["organisation", "slug"],
                name="assessment_slug_once_per_organisation",
                violation_error_message=_(
                    "Another assessment of this organisation already has this short name."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="assessment_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(prescan_can_exclude_minors="") | Q(prescan_accessible_to_minors="no"),
                name="assessment_prescan_1_3_only_after_1_2_no",
                violation_error_message=_("Question 1.3 is only answered when 1.2 is 'no'."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="assessment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="assessment_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(prescan_offers_service__in=["", *YesNo.values])
                & Q(prescan_accessible_to_minors__in=["", *YesNo.values])
                & Q(prescan_can_exclude_minors__in=["", *YesNo.values]),
                name="assessment_prescan_values_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_external(self) -> bool:
        return self.kind == AssessmentKind.EXTERNAL

    @cached_property
    def matrix(self) -> scoring.RiskMatrix:
        """The risk matrix this assessment is scored with."""
        return scoring.matrix_from_data(self.risk_matrix)

    def prescan_outcome(self) -> PrescanOutcome:
        """The pre-scan's stop rule (chapter 1).

        The form says: carry on when 1.2 is 'yes' and 1.3 is 'no'; stop when the service is
        not accessible to, or deployed with, people under 18. Because 1.3 is only asked when
        1.2 is 'no', we read it as:

        * 1.1 'no' (no digital service offered or used): stop;
        * 1.2 'yes' (children can use it): continue;
        * 1.2 'no' and 1.3 'no' (it cannot be shown that children won't use it): continue;
        * 1.2 'no' and 1.3 'yes' (it can be shown that children won't use it): stop;
        * anything still unanswered on the way to an outcome: undecided.
        """
        if self.prescan_offers_service == YesNo.NO:
            return PrescanOutcome.STOP
        if self.prescan_offers_service != YesNo.YES:
            return PrescanOutcome.UNDECIDED
        if self.prescan_accessible_to_minors == YesNo.YES:
            return PrescanOutcome.CONTINUE
        if self.prescan_accessible_to_minors != YesNo.NO:
            return PrescanOutcome.UNDECIDED
        if self.prescan_can_exclude_minors == YesNo.NO:
            return PrescanOutcome.CONTINUE
        if self.prescan_can_exclude_minors == YesNo.YES:
            return PrescanOutcome.STOP
        return PrescanOutcome.UNDECIDED
