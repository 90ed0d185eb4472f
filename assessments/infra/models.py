"""The infrastructure's own tables: the mail outbox, the scheduler's claim book and the
throttles' counters.

They belong to the Django app ``assessments`` (``Meta.app_label``), so their tables, migrations
and admin pages are where they always were; they are defined here so that the infrastructure
never imports the domain. The outbox names an organisation through Django's lazy reference
(``"assessments.Organisation"``), not through an import.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class RunStatus(models.TextChoices):
    """How the last run of a scheduled job ended (``assessments.infra.scheduler``)."""

    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class OutgoingMail(models.Model):
    """One e-mail to one address. Written in the transaction of the action that causes it,
    sent by the task queue after commit, retried with a growing pause when sending fails."""

    organisation = models.ForeignKey(
        "assessments.Organisation",
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
        app_label = "assessments"
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


class ScheduledRun(models.Model):
    """The last run of one periodic job (``assessments.infra.scheduler``). A worker runs a job for
    a period only after it moved ``period`` to that period with one conditional UPDATE:
    with several workers on several machines exactly one of them gets the row."""

    job = models.CharField(_("job"), max_length=64, unique=True)
    period = models.CharField(_("period"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.DONE
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("last success"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        app_label = "assessments"
        ordering = ["job"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return f"{self.job} {self.period} ({self.status})"


class ThrottleCount(models.Model):
    """Attempts counted under one throttle rule for one account, address or e-mail
    (``assessments.infra.throttle``). A row is read and changed under a row lock, in the
    database every process shares, so two attempts at the same instant count as two."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    count = models.PositiveIntegerField(_("attempts"), default=0)
    last = models.FloatField(_("last attempt"), default=0.0, help_text=_("Unix time."))
    expires = models.FloatField(_("forgotten at"), default=0.0, help_text=_("Unix time."))

    class Meta:
        app_label = "assessments"
        verbose_name = _("throttle count")
        verbose_name_plural = _("throttle counts")
        indexes = [models.Index(fields=["expires"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
