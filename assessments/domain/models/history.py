"""The field-level history of an assessment, written by ``assessments.domain.editing`` only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import ChangeAction, Channel
from assessments.domain.models.assessment import Assessment


class Change(models.Model):
    """One field of one row changed by one write: old and new value, who, when, through what.

    Rows are never edited. ``batch`` groups the fields that one write changed together;
    ``object_label`` keeps the row's name (a question number, a risk's topic) so the history
    still reads after the row is gone. Values are stored as JSON: text, numbers, booleans,
    dates as ISO strings, foreign keys as the id.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="changes")
    batch = models.UUIDField(_("write"), db_index=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user_name = models.CharField(_("name"), max_length=150, blank=True)
    via = models.CharField(_("through"), max_length=8, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=8, choices=ChangeAction.choices)
    entity = models.CharField(_("kind of row"), max_length=32)  # the model's name, e.g. "risk"
    object_id = models.PositiveBigIntegerField(_("row"))
    object_label = models.CharField(_("row name"), max_length=300, blank=True)
    chapter = models.CharField(_("chapter"), max_length=16, blank=True)
    field = models.CharField(_("field"), max_length=64)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(fields=["assessment", "-at"], name="change_by_assessment"),
            models.Index(fields=["assessment", "entity", "object_id"], name="change_by_row"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(via__in=Channel.values), name="change_via_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=ChangeAction.values), name="change_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id}.{self.field} ({self.action})"
