"""Numbered, frozen snapshots of a whole assessment (recorded by ``domain.versions``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import VersionReason
from assessments.domain.models.assessment import Assessment
from assessments.domain.states import Status


class Version(models.Model):
    """The assessment as it was: its exchange document, the risk matrix it was scored with
    and the hash of that content. ``row_ids`` maps the document's goals, risks, measures,
    5.3 rows, sources and responses (in document order) to the ids of the rows they were
    made from, so versions can be compared row by row and restored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    reason = models.CharField(_("recorded because"), max_length=16, choices=VersionReason.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    document = models.JSONField(_("content"))
    row_ids = models.JSONField(_("row ids"), default=dict)
    matrix = models.JSONField(_("risk matrix"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"],
                name="version_number_once_per_assessment",
                violation_error_message=_("This version number is taken."),
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=VersionReason.values), name="version_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"

    @property
    def label(self) -> str:
        return _("version %(number)s") % {"number": self.number}
