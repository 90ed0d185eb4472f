"""The outbox: every e-mail the app sends is a row first, sent after its transaction."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.constants import MailStatus
from assessments.models.organisation import Organisation


class OutgoingMail(models.Model):
    """One e-mail to one address. Written in the transaction of the action that causes it,
    sent by the task queue after commit, retried with a growing pause when sending fails."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_mail",
        help_text=_("Whose owners see it when it cannot be sent."),
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MailStatus.values), name="mail_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
