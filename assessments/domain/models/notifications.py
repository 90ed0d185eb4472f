"""What people are told: in-app notifications, their choices, and due-date reminders sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.domain.constants import Delivery, EventKind, Language
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.risks import Measure


class Profile(models.Model):
    """A person's own settings: the language of their e-mail (the UI's choice, kept)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kia_profile"
    )
    language = models.CharField(
        _("language of e-mail"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class NotificationPreference(models.Model):
    """How one person wants to hear about one kind of event (the default when absent)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.delivery}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """``user``'s notifications of assessments they can still read."""
        return self.filter(
            recipient=user, assessment__organisation__memberships__user=user
        ).distinct()

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One event told to one person: listed in the app, and e-mailed now or in a digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="notifications"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    path = models.CharField(_("link"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class Reminder(models.Model):
    """A due-date reminder already sent: a measure due soon or overdue, or a re-assessment
    date reached (no measure), once per state and date."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=16)
    on_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "state", "on_date"],
                condition=Q(measure__isnull=False),
                name="reminder_once_per_measure_state",
            ),
            models.UniqueConstraint(
                fields=["assessment", "state", "on_date"],
                condition=Q(measure__isnull=True),
                name="reminder_once_per_assessment_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.on_date}"
